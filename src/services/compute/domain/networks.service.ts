// Nova's os-networks and os-tenant-networks over Neutron: the networks the caller sees (Neutron's
// list as that user: own, shared and external; everything for an admin).
import { NotFound } from '../../../core/errors/errors.js';
import type { NetCaller, NetworkFacade, ProxyNetwork } from '../../network/index.js';

export class NetworksService {
  constructor(private readonly net: NetworkFacade) {}

  list(c: NetCaller): Promise<ProxyNetwork[]> { return this.net.visibleNetworks(c); }

  async get(c: NetCaller, id: string): Promise<ProxyNetwork> {
    const n = (await this.net.visibleNetworks(c)).find((x) => x.id === id);
    if (!n) throw new NotFound('Network not found');
    return n;
  }
}
