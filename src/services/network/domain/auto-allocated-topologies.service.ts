// Neutron's auto-allocated-topology (neutron/services/auto_allocate/db.py): on first ask, a project
// gets a network, an IPv4 subnet from the default subnetpool and a router to the default external
// network; later asks return the same network.
import type { Caller } from './context.js';
import { Locks } from './context.js';
import { autoAllocationFailure as failure, NeutronError } from './errors.js';
import type { NetworkDomain } from './network-domain.js';

export class AutoAllocatedTopologiesService {
  private readonly locks = new Locks();
  constructor(private readonly d: NetworkDomain) {}

  /** The default external network and the default IPv4 subnetpool, or AutoAllocationFailure (409). */
  async requirements(): Promise<{ externalId: string; poolId: string }> {
    let external: string | undefined;
    for (const n of await this.d.networks.list()) {
      if (n.is_default && (await this.d.networks.rbacOf(n.id)).some((r) => r.action === 'access_as_external')) { external = n.id; break; }
    }
    if (!external) throw failure('No default router:external network');
    const pool = (await this.d.subnets.listPools()).find((p) => p.is_default && p.ip_version === 4);
    if (!pool) throw failure('No default subnetpools defined');
    return { externalId: external, poolId: pool.id };
  }

  /** The project's auto-allocated network id, made (network, subnet, router) when it has none. */
  async get(projectId: string): Promise<string> {
    return this.locks.run(projectId, async () => {
      const known = await this.d.t.autoAllocatedTopology(projectId);
      if (known) return known.network_id;
      const { externalId } = await this.requirements();
      const owner: Caller = { projectId, isAdmin: true };
      const net = await this.d.createNetwork(owner, { name: 'auto_allocated_network', project_id: projectId });
      let routerId: string | undefined;
      try {
        const subnet = await this.d.createSubnet(owner, { name: 'auto_allocated_subnet_v4', network_id: net.id, ip_version: 4, use_default_subnetpool: true, project_id: projectId });
        const router = await this.d.routers.create(owner, { name: 'auto_allocated_router', project_id: projectId });
        routerId = router.id;
        await this.d.routers.update(owner, router.id, { external_gateway_info: { network_id: externalId } });
        await this.d.routers.addInterface(owner, router.id, { subnet_id: subnet.id });
      } catch (e) {
        // NOTE: as Neutron's _cleanup: a half-made topology is removed and the failure reported.
        await this.teardown(owner, net.id, routerId).catch(() => {});
        throw e instanceof NeutronError && e.status === 409 ? e : failure(`Unable to provide tenant private network (${(e as Error).message})`);
      }
      await this.d.t.saveAutoAllocatedTopology(projectId, net.id, routerId ?? null);
      return net.id;
    });
  }

  async delete(projectId: string): Promise<void> {
    const known = await this.d.t.autoAllocatedTopology(projectId);
    if (!known) return;
    await this.teardown({ projectId, isAdmin: true }, known.network_id, known.router_id ?? undefined);
    await this.d.t.forgetAutoAllocatedTopology(projectId);
  }

  private async teardown(caller: Caller, networkId: string, routerId?: string): Promise<void> {
    if (routerId && (await this.d.t.routers.get(routerId))) {
      for (const s of await this.d.subnets.list(networkId)) await this.d.routers.removeInterface(caller, routerId, { subnet_id: s.id }).catch(() => {});
      await this.d.routers.delete(routerId);
    }
    if (await this.d.t.networks.get(networkId)) await this.d.networks.delete(networkId);
  }
}
