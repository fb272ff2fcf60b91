// The compute domain, built once by the module: flavors, keypairs, quotas, server groups,
// aggregates and availability zones; servers, the manager that does their host work, compute
// hosts and the scheduler over Placement; the image proxy; and, when networking runs, Nova's
// network proxies (security groups, floating IPs, networks, interfaces, the metadata API).
import type { Logger } from 'pino';
import type { Db } from '../../../core/db/database.js';
import { NotImplemented } from '../../../core/errors/errors.js';
import { TaskManager } from '../../../core/work/task-manager.js';
import type { GuestDiagnostics, HypervisorDriver } from '../../../drivers/hypervisor/hypervisor-driver.js';
import type { IdentityFacade } from '../../service-module.js';
import type { ImageFacade } from '../../image/facade.js';
import type { NetworkFacade } from '../../network/facade.js';
import type { PlacementFacade } from '../../placement/facade.js';
import { AggregatesStore } from '../store/aggregates.store.js';
import { FlavorsStore } from '../store/flavors.store.js';
import { HostsStore } from '../store/hosts.store.js';
import { KeypairsStore } from '../store/keypairs.store.js';
import { MigrationsStore } from '../store/migrations.store.js';
import { QuotasStore } from '../store/quotas.store.js';
import { ServerGroupsStore } from '../store/server-groups.store.js';
import { ServersStore } from '../store/servers.store.js';
import { AggregatesService } from './aggregates.service.js';
import { FlavorsService } from './flavors.service.js';
import { FloatingIpsService } from './floating-ips.service.js';
import { HostsService } from './hosts.service.js';
import { ImagesService } from './images.service.js';
import { InstanceActionsService } from './instance-actions.service.js';
import { InterfacesService } from './interfaces.service.js';
import { VolumeAttachmentsService } from './volume-attachments.service.js';
import type { VolumeFacade } from '../../volume/facade.js';
import { KeypairsService } from './keypairs.service.js';
import { MetadataService } from './metadata.service.js';
import { MigrationsService } from './migrations.service.js';
import { ServerMigrationsService } from './server-migrations.service.js';
import { NetworksService } from './networks.service.js';
import { QuotasService } from './quotas.service.js';
import { LocalPlacement, type PlacementPort, placementPort, Scheduler } from './scheduler.service.js';
import { SecurityGroupsService } from './security-groups.service.js';
import { ServerGroupsService } from './server-groups.service.js';
import { ServerTagsService } from './server-tags.service.js';
import { ServersManager } from './servers.manager.js';
import { ServersService } from './servers.service.js';
import { instanceNotReady } from './errors.js';

/** Nova's [consoleauth] token_ttl. */
const CONSOLE_TOKEN_TTL_MS = 600_000;

export interface ComputeDomainOptions {
  db: Db;
  log: Logger;
  driver: HypervisorDriver;
  identity: IdentityFacade;
  /** Placement, or undefined to track resources in process. */
  placement?: PlacementFacade;
  image?: ImageFacade;
  network?: NetworkFacade;
  volume?: VolumeFacade;
  computeUrl: () => string;
  /** The metadata proxy's per-start secret. */
  metadataSecret?: string;
}

export class ComputeDomain {
  readonly identity: IdentityFacade;
  readonly flavors: FlavorsService;
  readonly keypairs: KeypairsService;
  readonly quotas: QuotasService;
  readonly serverGroups: ServerGroupsService;
  readonly aggregates: AggregatesService;
  readonly servers: ServersService;
  readonly serverTags: ServerTagsService;
  readonly instanceActions: InstanceActionsService;
  readonly manager: ServersManager;
  readonly hosts: HostsService;
  readonly migrations: MigrationsService;
  readonly serverMigrations: ServerMigrationsService;
  readonly placement: PlacementPort;
  readonly tasks: TaskManager;
  readonly images: ImagesService;
  readonly computeUrl: () => string;
  /** Nova's network proxies: present only when networking runs. */
  readonly securityGroups?: SecurityGroupsService;
  readonly floatingIps?: FloatingIpsService;
  readonly networks?: NetworksService;
  readonly interfaces?: InterfacesService;
  readonly volumeAttachments?: VolumeAttachmentsService;
  readonly metadata?: MetadataService;

  constructor(private readonly opts: ComputeDomainOptions) {
    const { db, network, image } = opts;
    this.identity = opts.identity;
    this.computeUrl = opts.computeUrl;
    this.placement = opts.placement ? placementPort(opts.placement) : new LocalPlacement();
    this.tasks = new TaskManager(db, opts.log, 'compute');
    const store = new ServersStore(db);

    this.flavors = new FlavorsService(new FlavorsStore(db));
    this.serverGroups = new ServerGroupsService(new ServerGroupsStore(db), () => this.quotas);
    this.quotas = new QuotasService(new QuotasStore(db), {
      servers: (projectId) => store.countActive(projectId),
      keypairs: (userId) => this.keypairs.count(userId),
      serverGroups: (projectId) => this.serverGroups.count(projectId),
    });
    // NOTE: key_pairs is a per-user limit; the project's (or user's) override applies when known.
    this.keypairs = new KeypairsService(new KeypairsStore(db), async (userId, projectId) => (await this.quotas.limits(projectId ?? '', projectId ? userId : undefined)).key_pairs!);
    const placement = opts.placement;
    this.aggregates = new AggregatesService(new AggregatesStore(db), {
      hosts: async () => (await this.hosts.nodes()).map((n) => ({ host: n.host, nodeUuid: n.id })),
      services: async () => (await this.hosts.services({})).map((s) => ({ host: s.host, binary: s.binary, disabled: s.disabled, forcedDown: s.forced_down, updatedAt: s.updated_at })),
      setProviderAggregates: placement ? (uuid, aggs) => placement.setProviderAggregates(uuid, aggs) : undefined,
    });

    this.hosts = new HostsService(new HostsStore(db), opts.driver, this.placement, {
      hostAz: (h) => this.aggregates.hostAz(h),
      instancesOn: async (h) => (await store.list({ projectId: null, host: h, sort: [] })).map((i) => ({ projectId: i.project_id, flavor: i.flavor })),
    });
    // NOTE: Nova's network proxies (security groups, floating IPs) exist only with networking.
    if (network) {
      this.securityGroups = new SecurityGroupsService(network);
      this.floatingIps = new FloatingIpsService(network);
      this.networks = new NetworksService(network);
      this.interfaces = new InterfacesService(network, store, this.tasks, opts.driver);
      this.metadata = new MetadataService(network, store, opts.metadataSecret);
    }
    if (opts.volume) this.volumeAttachments = new VolumeAttachmentsService(store, this.tasks, opts.volume, opts.driver);
    const scheduler = new Scheduler({ placement: this.placement, hosts: () => this.hosts.schedulable(), hostAz: (h) => this.aggregates.hostAz(h) });
    this.servers = new ServersService(store, this.tasks, {
      flavors: this.flavors, keypairs: this.keypairs, quotas: this.quotas, aggregates: this.aggregates, serverGroups: this.serverGroups,
      hosts: this.hosts, image, network, securityGroups: this.securityGroups, networks: this.networks, volumes: opts.volume,
    });
    this.serverTags = new ServerTagsService(store);
    this.instanceActions = new InstanceActionsService(store);
    this.migrations = new MigrationsService(new MigrationsStore(db));
    this.manager = new ServersManager(store, this.tasks, opts.driver, this.placement, scheduler, this.hosts, {
      aggregates: this.aggregates, serverGroups: this.serverGroups, image, network, volumes: this.volumeAttachments,
    }, opts.log, this.migrations);
    this.serverMigrations = new ServerMigrationsService(this.servers, this.migrations, this.hosts, this.placement, this.manager);
    this.images = new ImagesService(image);

  }

  get driver(): HypervisorDriver { return this.opts.driver; }

  /** The guest's diagnostics from its host's driver: 409 while it has no host, 501 when the driver cannot tell. */
  async diagnostics(s: { id: string; host: string | null; vm_state: string }): Promise<GuestDiagnostics> {
    if (!s.host || s.vm_state === 'building') throw instanceNotReady(s.id);
    if (!this.opts.driver.diagnostics) throw new NotImplemented('Action is not supported.');
    return this.opts.driver.diagnostics(s.host, s.id);
  }

  /** The guest's console log, its last `length` lines when given: 409 while it has no host or the driver cannot tell. */
  async consoleOutput(s: { id: string; host: string | null; vm_state: string }, length?: number): Promise<string> {
    if (!s.host || s.vm_state === 'building') throw instanceNotReady(s.id);
    try {
      const full = await this.opts.driver.getConsoleOutput(s.host, s.id);
      // NOTE: Nova's _tail_log: the last `length` items of output.split('\n') (a trailing '' counts).
      if (length === undefined) return full;
      return length === 0 ? '' : full.split('\n').slice(-length).join('\n');
    } catch {
      throw instanceNotReady(s.id);
    }
  }

  /**
   * What a console URL's token opens, as nova-novncproxy checks it: the token is used up, must be
   * younger than Nova's token_ttl (600 s) and of the protocol asked for, and its server's guest
   * must run on a driver with consoles. Resolves with the guest's console socket, else undefined.
   */
  async openConsoleStream(token: string, kind: 'vnc' | 'serial'): Promise<string | undefined> {
    const row = await this.servers.store.takeConsole(token);
    if (!row || row.protocol !== kind || Date.now() - Date.parse(row.created_at) > CONSOLE_TOKEN_TTL_MS) return undefined;
    const s = await this.servers.store.get(row.instance_uuid);
    if (!s || s.deleted || !s.host || !this.opts.driver.consoleSocket) return undefined;
    return this.opts.driver.consoleSocket(s.host, s.id, kind).catch(() => undefined);
  }

  async seed(): Promise<void> { await this.flavors.seed(); }

  /** After listen: register hosts in Placement, then init_host (resume tasks, bring guests back). */
  async start(): Promise<void> {
    await this.hosts.register();
    await this.manager.initHost();
  }

  async close(): Promise<void> { await this.tasks.close(); }
}
