// Nova's metadata service as a guest sees it through the network driver's proxy: the proxy in the
// DHCP namespace names the network and the guest's address and carries the per-start secret; the
// guest is the server whose port holds that address on that network.
import { timingSafeEqual } from 'node:crypto';
import { Forbidden } from '../../../core/errors/errors.js';
import type { NetworkFacade } from '../../network/index.js';
import type { InstanceRecord, ServersStore } from '../store/servers.store.js';
import { resourceNotFound } from './errors.js';

export interface MetadataCaller { secret: string | undefined; networkId: string | undefined; address: string | undefined }

export class MetadataService {
  constructor(private readonly network: Pick<NetworkFacade, 'deviceWithAddress'>, private readonly store: ServersStore, private readonly secret: string | undefined) {}

  async guest(c: MetadataCaller): Promise<InstanceRecord> {
    if (!this.secret || !c.secret || c.secret.length !== this.secret.length || !timingSafeEqual(Buffer.from(c.secret), Buffer.from(this.secret))) {
      throw new Forbidden('Invalid proxy request signature.');
    }
    const id = c.networkId && c.address ? await this.network.deviceWithAddress(c.networkId, c.address.split(',')[0]!.trim()) : undefined;
    const s = id ? await this.store.get(id) : undefined;
    if (!s || s.deleted) throw resourceNotFound();
    return s;
  }

  /** openstack/latest/meta_data.json */
  metaData(s: InstanceRecord): Record<string, unknown> {
    const keys = s.key_name && s.key_data ? [{ name: s.key_name, type: 'ssh', data: s.key_data }] : [];
    return {
      uuid: s.id, name: s.name, hostname: s.hostname, availability_zone: s.availability_zone, project_id: s.project_id,
      launch_index: s.launch_index, meta: s.metadata, public_keys: Object.fromEntries(keys.map((k) => [k.name, k.data])), keys, devices: [],
    };
  }

  userData(s: InstanceRecord): Buffer {
    if (!s.user_data) throw resourceNotFound();
    return Buffer.from(s.user_data, 'base64');
  }
}
