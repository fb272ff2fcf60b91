// Everything the server routes need, built once by the compute module: the servers service, the
// manager that does the host work, compute hosts and the scheduler over Placement.
import type { Logger } from 'pino';
import type { Db } from '../../../core/db/database.js';
import { TaskManager } from '../../../core/work/task-manager.js';
import { Conflict, NotImplemented } from '../../../core/errors/errors.js';
import type { GuestDiagnostics, HypervisorDriver } from '../../../drivers/hypervisor/hypervisor-driver.js';
import { HostsStore } from '../store/hosts.store.js';
import { ServersStore } from '../store/servers.store.js';
import type { FloatingIpsService } from './floating-ips.service.js';
import { HostsService } from './hosts.service.js';
import { MigrationsStore } from '../store/migrations.store.js';
import { MigrationsService } from './migrations.service.js';
import type { NetworksService } from './networks.service.js';
import { LocalPlacement, type PlacementPort, Scheduler } from './scheduler.service.js';
import { type ManagerPorts, ServersManager } from './servers.manager.js';
import type { SecurityGroupsService } from './security-groups.service.js';
import type { InterfacesService } from './interfaces.service.js';
import type { MetadataService } from './metadata.service.js';
import { ServersService, type ServersPorts } from './servers.service.js';

export interface ServersDomainOptions {
  db: Db;
  log: Logger;
  driver: HypervisorDriver;
  /** Placement (the service's facade adapted), or undefined to track resources in process. */
  placement?: PlacementPort;
  ports: ServersPorts & ManagerPorts;
  computeUrl: () => string;
  maxMv: string;
  /** Nova's `addresses` of a server from networking: network name → addresses. */
  addresses?: (serverId: string) => Promise<Record<string, { addr: string; version: 4 | 6; type: 'fixed' | 'floating'; macAddr: string }[]>>;
}

export class ServersDomain {
  readonly servers: ServersService;
  readonly manager: ServersManager;
  readonly hosts: HostsService;
  readonly migrations: MigrationsService;
  readonly placement: PlacementPort;
  readonly tasks: TaskManager;
  readonly computeUrl: () => string;
  readonly maxMv: string;
  /** Nova's network proxies the server actions use (bound by the compute module when networking runs). */
  networkProxy?: { securityGroups: SecurityGroupsService; floatingIps: FloatingIpsService; networks: NetworksService; interfaces: InterfacesService; metadata: MetadataService };

  constructor(readonly opts: ServersDomainOptions) {
    this.placement = opts.placement ?? new LocalPlacement();
    this.tasks = new TaskManager(opts.db, opts.log, 'compute');
    const store = new ServersStore(opts.db);
    this.hosts = new HostsService(new HostsStore(opts.db), opts.driver, this.placement, {
      hostAz: (h) => opts.ports.hostAz(h),
      instancesOn: async (h) => (await store.list({ projectId: null, host: h, sort: [] })).map((i) => ({ projectId: i.project_id, flavor: i.flavor })),
    });
    const scheduler = new Scheduler({ placement: this.placement, hosts: () => this.hosts.schedulable(), hostAz: (h) => opts.ports.hostAz(h) });
    this.servers = new ServersService(store, this.tasks, opts.ports);
    this.migrations = new MigrationsService(new MigrationsStore(opts.db));
    this.manager = new ServersManager(store, this.tasks, opts.driver, this.placement, scheduler, this.hosts, opts.ports, opts.log, this.migrations);
    this.computeUrl = opts.computeUrl;
    this.maxMv = opts.maxMv;
  }

  get driver(): HypervisorDriver { return this.opts.driver; }

  /** The server's addresses in Nova's shape ({} while building or without networking). */
  async addresses(s: { id: string; vm_state: string }): Promise<Record<string, { version: number; addr: string; 'OS-EXT-IPS:type': string; 'OS-EXT-IPS-MAC:mac_addr': string }[]>> {
    if (!this.opts.addresses || s.vm_state === 'building') return {};
    const raw = await this.opts.addresses(s.id);
    const out: Record<string, { version: number; addr: string; 'OS-EXT-IPS:type': string; 'OS-EXT-IPS-MAC:mac_addr': string }[]> = {};
    for (const [net, list] of Object.entries(raw)) out[net] = list.map((a) => ({ version: a.version, addr: a.addr, 'OS-EXT-IPS:type': a.type, 'OS-EXT-IPS-MAC:mac_addr': a.macAddr }));
    return out;
  }

  /** The guest's diagnostics from its host's driver: 409 while it has no host, 501 when the driver cannot tell. */
  async diagnostics(s: { id: string; host: string | null; vm_state: string }): Promise<GuestDiagnostics> {
    if (!s.host || s.vm_state === 'building') throw new Conflict(`Instance ${s.id} is not ready`);
    if (!this.opts.driver.diagnostics) throw new NotImplemented('Action is not supported.');
    return this.opts.driver.diagnostics(s.host, s.id);
  }

  /** Creates the task table (the compute migrations hold the servers tables). */
  static async migrate(db: Db): Promise<void> { await TaskManager.migrate(db); }

  /** After listen: register hosts in Placement, then init_host (resume tasks, bring guests back). */
  async start(): Promise<void> {
    await this.hosts.register();
    await this.manager.initHost();
  }

  async close(): Promise<void> { await this.tasks.close(); }
}
