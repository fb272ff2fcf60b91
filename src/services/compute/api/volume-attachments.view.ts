// A server's volume attachment per microversion (tag 2.70, delete_on_termination 2.79, attachment_id 2.89).
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import type { BlockDevice } from '../store/servers.store.js';
import { mvCheck } from './common.js';

export function attachmentView(req: ApiRequest, serverId: string, b: BlockDevice): Record<string, unknown> {
  const mv = mvCheck(req);
  const out: Record<string, unknown> = { device: b.device_name, id: b.volume_id, serverId, volumeId: b.volume_id };
  if (mv('2.70')) out.tag = b.tag ?? null;
  if (mv('2.79')) out.delete_on_termination = b.delete_on_termination;
  if (mv('2.89')) { out.attachment_id = b.attachment_id ?? null; out.bdm_uuid = null; delete out.id; }
  return out;
}
