// Server groups per microversion: policies (a list) before 2.64, policy and rules from 2.64.
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import type { ServerGroup } from '../domain/server-groups.service.js';
import { MV } from '../microversions.js';
import { mv } from './common.js';

export function groupView(req: ApiRequest, g: ServerGroup) {
  const out: Record<string, unknown> = { id: g.id, name: g.name };
  if (mv(req, MV.serverGroupPolicy)) { out.policy = g.policy; out.rules = g.rules; } else out.policies = [g.policy];
  out.members = g.members;
  if (!mv(req, MV.serverGroupPolicy)) out.metadata = {};
  if (mv(req, '2.13')) { out.project_id = g.project_id; out.user_id = g.user_id; }
  return out;
}
