// Nova's floating IPs over Neutron's (nova/api/openstack/compute/floating_ips.py with the neutron
// network API): a pool is an external network (by name or id); Nova's messages and status codes.
import { BadRequest } from '../../../core/errors/errors.js';
import type { FloatingIp, NetCaller, NetworkFacade } from '../../network/index.js';
import { fromNeutron } from './security-groups.service.js';
import { floatingIpAddressNotFound, floatingIpAssociationFailed, floatingIpNotAssociated, floatingIpNotFound, floatingIpPoolNotFound, ipAllocationOverQuota, noFixedIpv4ToAssociate, noMoreFloatingIps } from './errors.js';

export class FloatingIpsService {
  constructor(private readonly net: NetworkFacade) {}

  list(c: NetCaller): Promise<FloatingIp[]> { return this.net.floatingIps(c); }

  async get(c: NetCaller, id: string): Promise<FloatingIp> {
    try { return await this.net.floatingIp(c, id); } catch (e) {
      if ((e as { status?: number }).status === 404) throw floatingIpNotFound(id);
      throw e;
    }
  }

  async allocate(c: NetCaller, pool?: string): Promise<FloatingIp> {
    const pools = await this.net.externalNetworks();
    if (pool !== undefined && !pools.some((p) => p.name === pool || p.id === pool)) throw floatingIpPoolNotFound();
    if (!pools.length) throw floatingIpPoolNotFound();
    try { return await this.net.allocateFloatingIp(c, pool); } catch (e) {
      const type = (e as { type?: string }).type;
      if (type === 'OverQuota') throw ipAllocationOverQuota(pool);
      if (type === 'IpAddressGenerationFailure') throw noMoreFloatingIps(pool);
      return fromNeutron(e);
    }
  }

  /** Disassociates (when bound) and releases. */
  async delete(c: NetCaller, id: string): Promise<void> {
    await this.get(c, id);
    try { await this.net.deleteFloatingIp(c, id); } catch (e) { fromNeutron(e); }
  }

  pools(): Promise<{ id: string; name: string }[]> { return this.net.externalNetworks(); }

  private async byAddress(c: NetCaller, address: string): Promise<FloatingIp | undefined> {
    return (await this.net.floatingIps(c)).find((f) => f.floatingIp === address);
  }

  /** addFloatingIp: the server's fixed address (given, or its first IPv4) bound to the floating IP. */
  async addToServer(c: NetCaller, serverId: string, address: string, fixedAddress?: string): Promise<void> {
    const ports = await this.net.portsOfDevice(serverId);
    const fixed = ports.flatMap((p) => p.fixedIps.map((f) => ({ portId: p.id, address: f.ipAddress })));
    if (!ports.length) throw new BadRequest('Instance network is not ready yet');
    if (!fixed.length) throw new BadRequest('No fixed IPs associated to instance');
    let chosen = fixed.find((f) => f.address === fixedAddress);
    if (fixedAddress !== undefined && !chosen) throw new BadRequest('Specified fixed address not assigned to instance');
    if (!chosen) {
      chosen = fixed.find((f) => !f.address.includes(':'));
      if (!chosen) throw noFixedIpv4ToAssociate(address, serverId);
    }
    const fip = await this.byAddress(c, address);
    if (!fip) throw floatingIpAddressNotFound();
    try {
      await this.net.updateFloatingIpPort(c, fip.id, chosen.portId, chosen.address);
    } catch (e) {
      throw floatingIpAssociationFailed(address, chosen.address, serverId, (e as Error).message);
    }
  }

  /** removeFloatingIp: 404 for an unknown address, 409 when not bound to this server. */
  async removeFromServer(c: NetCaller, serverId: string, address: string): Promise<void> {
    const fip = await this.byAddress(c, address);
    if (!fip) throw floatingIpAddressNotFound();
    if (!fip.portId || fip.deviceId !== serverId) throw floatingIpNotAssociated(address, serverId);
    try { await this.net.updateFloatingIpPort(c, fip.id, null); } catch (e) { fromNeutron(e); }
  }
}
