// Nova's os-networks and os-tenant-networks over Neutron: the networks the caller sees (Neutron's
// list as that user: own, shared and external; everything for an admin).
import type { NetCaller, NetworkFacade, ProxyNetwork } from '../../network/index.js';
import { networkAmbiguous, networkAutoAllocationFailed, networkNotFound } from './errors.js';

export class NetworksService {
  constructor(private readonly net: NetworkFacade) {}

  list(c: NetCaller): Promise<ProxyNetwork[]> { return this.net.visibleNetworks(c); }

  /**
   * networks 'auto' (2.37): the project's one usable network, else the auto-allocated one (Neutron's
   * auto-allocated-topology); 409 when several are usable, 400 when none can be allocated.
   */
  async forAuto(projectId: string): Promise<string> {
    try { return await this.net.networkForAuto(projectId); } catch (e) {
      const type = (e as { type?: string }).type;
      if (type === 'NetworkAmbiguous') throw networkAmbiguous();
      if (type === 'AutoAllocationFailure' || (e as { status?: number }).status === 409) throw networkAutoAllocationFailed(projectId);
      throw e;
    }
  }

  async get(c: NetCaller, id: string): Promise<ProxyNetwork> {
    const n = (await this.net.visibleNetworks(c)).find((x) => x.id === id);
    if (!n) throw networkNotFound();
    return n;
  }
}
