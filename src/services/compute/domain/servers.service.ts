// Servers: create (validated, quota-checked, recorded with its build task in one transaction),
// list/show/update, delete and the server actions. Every state change goes through the
// transition table (servers.states.ts); host work happens in the ServersManager after the commit.
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { BadRequest, NotFound } from '../../../core/errors/errors.js';
import type { TaskManager, TaskRecord } from '../../../core/work/task-manager.js';
import type { Db } from '../../../core/db/database.js';
import {
  type BlockDevice, type FaultRecord, type FlavorSnapshot, type InstanceRecord, now,
  type ServerListQuery, ServersStore,
} from '../store/servers.store.js';
import { checkTransition, RESET_STATES, resetState, type ServerAction, TASK, VM } from './servers.states.js';
import { POWER_STATE } from '../../../drivers/hypervisor/hypervisor-driver.js';
import type { ImageFacade } from '../../image/facade.js';
import type { NetworkFacade } from '../../network/facade.js';
import type { VolumeFacade } from '../../volume/facade.js';
import type { HostsService } from './hosts.service.js';
import type { NetworksService } from './networks.service.js';
import type { SecurityGroupsService } from './security-groups.service.js';
import type { AggregatesService } from './aggregates.service.js';
import type { FlavorsService } from './flavors.service.js';
import type { KeypairsService } from './keypairs.service.js';
import type { QuotasService } from './quotas.service.js';
import type { ServerGroupsService } from './server-groups.service.js';
import { availabilityZoneNotAvailable, flavorDiskTooSmall, flavorDiskTooSmallForImageSize, flavorMemoryTooSmall, imageNotActive, imageServiceUnavailable, instanceInvalidState, instanceLocked, instanceNotFound, invalidBdm, multiattachOldMicroversion, volumeNotAvailable, volumeNotBootable, invalidBootSequence, invalidFlavorRef, invalidImageRef, invalidKeyName, invalidServerGroup, markerNotFound, metadataItemNotFound, metadataQuotaExceeded, policyDoesNotAllow, rebuildImageNotFound, requestedImageNotFound, resizeFlavorNotFound, securityGroupNotAssociated } from './errors.js';

/** Who asks: core's caller (admin is the policy engine's context_is_admin). */
export type { Caller } from '../../../core/auth/caller.js';
import type { Caller } from '../../../core/auth/caller.js';

/** Compute's own services and the image facade, which servers use directly (wired in compute-domain.ts). */
export interface ServersDeps {
  flavors: FlavorsService;
  keypairs: KeypairsService;
  quotas: QuotasService;
  aggregates: AggregatesService;
  serverGroups: ServerGroupsService;
  hosts: Pick<HostsService, 'hostStatus' | 'hostStatuses'>;
  /** Glance, when it runs. */
  image?: Pick<ImageFacade, 'findImage' | 'createImage' | 'uploadImage'>;
  /** Networking, when it runs: the servers' addresses, and Nova's proxies create and the actions use. */
  network?: Pick<NetworkFacade, 'addressesOfDevice' | 'addressesOfDevices'>;
  securityGroups?: Pick<SecurityGroupsService, 'resolve' | 'namesOf' | 'addToServer' | 'removeFromServer'>;
  networks?: Pick<NetworksService, 'forAuto'>;
  /** Block storage, when it runs: the volumes a server's mappings name, and their snapshots (volume-backed createImage). */
  volumes?: Pick<VolumeFacade, 'findVolume' | 'proxy'>;
}

/** Nova's `addresses` of a server: network name → its fixed and floating addresses. */
export type Addresses = Record<string, { version: number; addr: string; 'OS-EXT-IPS:type': string; 'OS-EXT-IPS-MAC:mac_addr': string }[]>;

/** What a server's detailed view shows beside the record (each only when asked for). */
export interface ServerExtras {
  fault?: FaultRecord; tags?: string[]; hostStatus?: string; serverGroups?: string[]; addresses: Addresses;
}

/** GET /servers(/detail) once its query is parsed: the store's filters, a marker id and the IP filter. */
export interface ServerListRequest extends Omit<ServerListQuery, 'marker' | 'ip'> {
  markerId?: string;
  /** Nova's ip/ip6 filter: a regular expression over the server's addresses. */
  ip?: string;
}

/** The image as servers see it: undefined when absent, not visible to the caller, or no image service runs. */
export type ServerImage = Awaited<ReturnType<ImageFacade['findImage']>>;

/** Nova's default metadata_items quota (128): more items is its OverQuota 403. */
export const METADATA_ITEMS = 128;
function checkMetadataQuota(metadata: Record<string, string> | undefined): void {
  const n = Object.keys(metadata ?? {}).length;
  if (n > METADATA_ITEMS) throw metadataQuotaExceeded(n, METADATA_ITEMS);
}

/** The password the guest posted to the metadata service (os-server-password), '' when none. */
export const passwordOf = (s: { system_metadata?: Record<string, string> | null }): string => s.system_metadata?.password ?? '';

/** An event of os-server-external-events, as the client sent it. */
export interface ExternalEvent { name: string; server_uuid: string; status?: string; tag?: string }
/** Events that name what they are about in their tag (Nova's TAG_REQUIRED). */
const TAG_REQUIRED = ['volume-extended', 'power-update', 'accelerator-request-bound'];

export interface CreateServerInput {
  name: string; description?: string | null; imageRef?: string; flavorRef: string; key_name?: string | null;
  user_data?: string | null; metadata?: Record<string, string>; availability_zone?: string | null;
  min_count?: number; max_count?: number; return_reservation_id?: boolean;
  networks?: 'auto' | 'none' | { uuid?: string; port?: string; fixed_ip?: string; tag?: string }[];
  security_groups?: { name: string }[]; config_drive?: boolean | string; block_device_mapping_v2?: any[];
  block_device_mapping?: any[]; accessIPv4?: string; accessIPv6?: string; tags?: string[];
  'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL'; adminPass?: string; trusted_image_certificates?: string[] | null;
  host?: string; hypervisor_hostname?: string; hostname?: string;
  schedulerHints?: Record<string, unknown>;
}

export interface CreateResult { servers: InstanceRecord[]; reservationId: string; adminPass: string }

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const lastSegment = (ref: string) => ref.replace(/\/+$/, '').split('/').pop() ?? ref;

export function newPassword(): string {
  // NOTE: Nova's generate_password: 12 characters from an unambiguous alphabet.
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return [...randomBytes(12)].map((b) => alphabet[b % alphabet.length]).join('');
}

function sanitizeHostname(name: string): string {
  const h = name.toLowerCase().replace(/[ _]/g, '-').replace(/[^\w.-]+/g, '').replace(/^[.-]+|[.-]+$/g, '').slice(0, 63);
  return h || 'server';
}

/** Nova's is_volume_backed_instance: a server without an image, or whose root mapping is a volume. */
export function isVolumeBacked(s: Pick<InstanceRecord, 'image_ref' | 'block_devices'>): boolean {
  return !s.image_ref || s.block_devices.some((b) => b.boot_index === 0 && b.destination_type === 'volume');
}

/**
 * A mapping as an image's block_device_mapping property holds it (Nova's get_image_mapping: the
 * BlockDeviceDict's fields less the database's own), for a server built from the image later.
 */
function imageMapping(b: BlockDevice, over: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    source_type: b.source_type, destination_type: b.destination_type, guest_format: b.guest_format ?? null, device_type: b.device_type ?? null,
    disk_bus: b.disk_bus ?? null, boot_index: b.boot_index, device_name: b.device_name, delete_on_termination: b.delete_on_termination,
    snapshot_id: b.source_type === 'snapshot' ? b.uuid : null, volume_id: b.volume_id, volume_size: b.volume_size,
    image_id: b.source_type === 'image' ? b.uuid : null, no_device: null, tag: b.tag ?? null, volume_type: null, ...over,
  };
}

/**
 * The mappings an image defines (a volume-backed server's snapshot: properties block_device_mapping
 * and bdm_v2), as a server built from the image gets them; none when the image has none.
 */
export function imageDefinedBdms(properties: Record<string, string>): BlockDevice[] {
  const raw = properties.block_device_mapping;
  if (!raw || !/^true$/i.test(properties.bdm_v2 ?? '')) return [];
  let list: unknown;
  try { list = JSON.parse(raw); } catch { return []; }
  if (!Array.isArray(list)) return [];
  return list.filter((m): m is Record<string, any> => !!m && typeof m === 'object' && !m.no_device).map((m) => {
    const source = String(m.source_type ?? 'blank');
    const uuid = source === 'snapshot' ? m.snapshot_id : source === 'volume' ? m.volume_id : source === 'image' ? m.image_id : null;
    return {
      boot_index: m.boot_index === null || m.boot_index === undefined ? null : Number(m.boot_index), uuid: uuid ?? null, source_type: source,
      destination_type: m.destination_type ?? 'volume', volume_size: m.volume_size ?? null, delete_on_termination: Boolean(m.delete_on_termination),
      device_name: m.device_name ?? null, volume_id: source === 'volume' ? m.volume_id ?? null : null, tag: m.tag ?? null,
      guest_format: m.guest_format ?? null, disk_bus: m.disk_bus ?? null, device_type: m.device_type ?? null,
    };
  });
}

/** The build and action tasks: kinds the ServersManager registers. */
export type ServerTaskPayload =
  | { op: 'build'; actionId: number }
  | { op: 'delete'; actionId: number | null }
  | { op: 'action'; action: ServerAction; actionId: number; args?: Record<string, unknown> };

export class ServersService {
  constructor(
    readonly store: ServersStore,
    private readonly tasks: TaskManager,
    private readonly deps: ServersDeps,
  ) {}

  private get db(): Db { return this.store.db; }

  /** The flavor a server is built or resized with, if the caller may see it. */
  private async flavor(id: string, caller: Caller): Promise<FlavorSnapshot | undefined> {
    const f = await this.deps.flavors.store.get(id);
    if (!f || !(await this.deps.flavors.visible(f, { projectId: caller.projectId ?? null, isAdmin: caller.isAdmin }))) return undefined;
    return { id: f.id, name: f.name, vcpus: f.vcpus, ram: f.ram, disk: f.disk, ephemeral: f.ephemeral, swap: f.swap, extraSpecs: await this.deps.flavors.extraSpecs(f.id) };
  }

  private async keypair(userId: string, name: string): Promise<{ name: string; publicKey: string } | undefined> {
    const k = await this.deps.keypairs.find(userId, name);
    return k && { name: k.name, publicKey: k.public_key };
  }

  /** The image if the caller may see it (rescue, create, rebuild); undefined without an image service. */
  findImage(id: string, caller: Caller): Promise<ServerImage> {
    return this.deps.image ? this.deps.image.findImage(id, { projectId: caller.projectId ?? '', isAdmin: caller.isAdmin }) : Promise.resolve(undefined);
  }

  private checkQuota(projectId: string, userId: string, deltas: { instances: number; cores: number; ram: number }): Promise<void> {
    return this.deps.quotas.checkAndReserve(projectId, userId, deltas);
  }

  /** The server if the caller may see it (own project, or admin); Nova's 404 otherwise. */
  async get(id: string, caller: Caller, opts: { allowDeleted?: boolean } = {}): Promise<InstanceRecord> {
    const s = await this.store.get(id);
    if (!s || (s.deleted && !opts.allowDeleted) || (!caller.isAdmin && s.project_id !== caller.projectId)) {
      throw instanceNotFound(id);
    }
    return s;
  }

  /**
   * One page of servers, with their extras when `detail` asks (GET /servers/detail): the marker
   * must be a server the list may show (400 otherwise).
   */
  async list(q: ServerListRequest, detail?: { tags: boolean; hostStatus: boolean }): Promise<{ servers: InstanceRecord[]; extras?: Map<string, ServerExtras> }> {
    const servers = await this.page(q);
    return { servers, extras: detail && await this.extrasOf(servers, detail) };
  }

  private async page(q: ServerListRequest): Promise<InstanceRecord[]> {
    const { markerId, ip, ...query } = q;
    let marker: InstanceRecord | undefined;
    if (markerId) {
      marker = await this.store.get(markerId);
      if (!marker || (q.projectId !== null && marker.project_id !== q.projectId)) throw markerNotFound(markerId);
    }
    const servers = await this.store.list({ ...query, marker });
    if (ip === undefined) return servers;
    let re: RegExp; try { re = new RegExp(ip); } catch { re = new RegExp(ip.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')); }
    const keep: InstanceRecord[] = [];
    for (const s of servers) if (Object.values(await this.addresses(s)).flat().some((a) => re.test(a.addr))) keep.push(s);
    return keep;
  }

  /** The servers on a compute node (os-hypervisors). */
  onNode(node: string): Promise<InstanceRecord[]> { return this.store.onNode(node); }

  /** Servers that existed between start and end, of a project or all (os-simple-tenant-usage). */
  usage(projectId: string | null, start: string, end: string): Promise<InstanceRecord[]> { return this.store.usageRows(projectId, start, end); }

  /** The server's addresses in Nova's shape ({} while building or without networking). */
  async addresses(s: { id: string; vm_state: string }): Promise<Addresses> {
    return (await this.addressesOf([s])).get(s.id)!;
  }

  /** The addresses of many servers at once (a page), by server id. */
  private async addressesOf(servers: { id: string; vm_state: string }[]): Promise<Map<string, Addresses>> {
    const out = new Map<string, Addresses>(servers.map((s) => [s.id, {}]));
    const shown = servers.filter((s) => s.vm_state !== 'building').map((s) => s.id);
    if (!this.deps.network || shown.length === 0) return out;
    const raw = await this.deps.network.addressesOfDevices(shown);
    for (const id of shown) {
      const addresses: Addresses = {};
      for (const [net, list] of Object.entries(raw.get(id) ?? {})) addresses[net] = list.map((a) => ({ version: a.version, addr: a.addr, 'OS-EXT-IPS:type': a.type, 'OS-EXT-IPS-MAC:mac_addr': a.macAddr }));
      out.set(id, addresses);
    }
    return out;
  }

  /** What one server's view shows beside its record: its fault (error or deleted), tags, host status, groups, addresses. */
  async extras(s: InstanceRecord, want: { tags: boolean; hostStatus: boolean; serverGroups: boolean }): Promise<ServerExtras> {
    return {
      fault: ['error', 'deleted'].includes(s.vm_state) || s.deleted ? await this.store.latestFault(s.id) : undefined,
      tags: want.tags ? await this.store.tags(s.id) : undefined,
      hostStatus: want.hostStatus ? await this.deps.hosts.hostStatus(s.host) : undefined,
      serverGroups: want.serverGroups ? await this.serverGroupsOf(s.id) : undefined,
      addresses: await this.addresses(s),
    };
  }

  /** The extras of a page of servers (detail lists), by server id. */
  private async extrasOf(servers: InstanceRecord[], want: { tags: boolean; hostStatus: boolean }): Promise<Map<string, ServerExtras>> {
    const faults = await this.store.latestFaults(servers.filter((s) => s.vm_state === 'error' || s.deleted).map((s) => s.id));
    const tags = want.tags ? await this.store.tagsOf(servers.map((s) => s.id)) : undefined;
    const addresses = await this.addressesOf(servers);
    const statuses = want.hostStatus ? await this.deps.hosts.hostStatuses(servers.map((s) => s.host)) : undefined;
    const out = new Map<string, ServerExtras>();
    for (const s of servers) {
      out.set(s.id, {
        fault: faults.get(s.id), tags: tags ? tags.get(s.id) ?? [] : undefined, hostStatus: statuses?.get(s.host),
        addresses: addresses.get(s.id)!,
      });
    }
    return out;
  }

  /** A console token for the server (the console proxy looks it up). */
  async openConsole(id: string, protocol: string, type: string): Promise<string> {
    const token = randomBytes(16).toString('hex');
    await this.store.addConsole(token, id, protocol, type);
    return token;
  }

  /** addSecurityGroup: on the server's ports when networking runs, and in the server's record. */
  async addSecurityGroup(caller: Caller, s: InstanceRecord, name: string): Promise<void> {
    await this.deps.securityGroups?.addToServer(caller, s.id, name);
    if (!s.security_groups.some((g) => g.name === name)) await this.store.update(s.id, { security_groups: [...s.security_groups, { name }] });
  }

  /** removeSecurityGroup: 404 when the server does not have it. */
  async removeSecurityGroup(caller: Caller, s: InstanceRecord, name: string): Promise<void> {
    if (this.deps.securityGroups) await this.deps.securityGroups.removeFromServer(caller, s.id, name);
    else if (!s.security_groups.some((g) => g.name === name)) throw securityGroupNotAssociated(name, s.id);
    await this.store.update(s.id, { security_groups: s.security_groups.filter((g) => g.name !== name) });
  }

  async create(caller: Caller, input: CreateServerInput, opts: { mv: (v: string) => boolean }): Promise<CreateResult> {
    // NOTE: the server's owner; the create policy has checked the caller has a project.
    const projectId = caller.projectId ?? ''; const userId = caller.userId ?? '';
    // NOTE: Nova checks the requested security groups with Neutron before anything is built (400 when unknown).
    if (input.security_groups?.length && this.deps.securityGroups) {
      await this.deps.securityGroups.resolve(caller, input.security_groups.map((g) => g.name));
      // NOTE: as Nova shows them: a group asked for by id is shown by its name.
      input.security_groups = (await this.deps.securityGroups.namesOf(caller, input.security_groups.map((g) => g.name))).map((name) => ({ name }));
    }
    // NOTE: networks 'auto' resolves now to the project's network, auto-allocated when it has none
    // (Nova's allocate_for_instance does it on the compute host; one network for a multi-create).
    if (input.networks === 'auto' && this.deps.networks) input.networks = [{ uuid: await this.deps.networks.forAuto(projectId) }];
    const flavorId = lastSegment(String(input.flavorRef));
    const flavor = await this.flavor(flavorId, caller);
    if (!flavor) throw invalidFlavorRef();
    checkMetadataQuota(input.metadata);

    const bdms = this.blockDevices(input);
    for (const b of bdms) {
      if (b.destination_type !== 'volume') continue;
      if (!this.deps.volumes) throw invalidBdm('the block storage service is not running.');
      if (b.source_type === 'volume') {
        const v = await this.deps.volumes.findVolume(b.volume_id!, { projectId: caller.projectId, isAdmin: caller.isAdmin });
        if (!v) throw invalidBdm(`failed to get volume ${b.volume_id}.`);
        // NOTE: Nova's order: the root volume's bootable flag (_get_bdm_image_metadata), then
        // _check_attach_and_reserve_volume's multiattach check, then Cinder's attachment_create.
        if (b.boot_index === 0 && !v.bootable) throw volumeNotBootable(v.id);
        if (v.multiattach && !opts.mv('2.60')) throw multiattachOldMicroversion();
        if (v.status !== 'available' && !(v.multiattach && v.status === 'in-use')) throw volumeNotAvailable(v.id, v.status);
      }
    }
    let bootVolume = bdms.some((b) => b.boot_index === 0 && b.source_type !== 'image' || (b.boot_index === 0 && b.destination_type === 'volume'));
    let imageId = input.imageRef ? lastSegment(input.imageRef) : '';
    const bootImage = bdms.find((b) => b.boot_index === 0 && b.source_type === 'image');
    if (!imageId && bootImage?.uuid && bootImage.destination_type !== 'volume') imageId = bootImage.uuid;
    if (!imageId && !bootVolume) throw invalidBootSequence();
    if (imageId) {
      if (!UUID_RE.test(imageId)) throw invalidImageRef();
      const image = await this.findImage(imageId, caller);
      if (!image) throw requestedImageNotFound();
      if (image.status !== 'active') throw imageNotActive(imageId);
      // NOTE: Nova's _check_and_transform_bdm: the image's own mappings (a volume-backed server's
      // snapshot) come first, a mapping of the request at the same device or boot index wins.
      const defined = imageDefinedBdms(image.properties).filter((m) => !bdms.some((b) => (m.device_name && b.device_name === m.device_name) || (m.boot_index === 0 && b.boot_index === 0)));
      if (defined.length && !this.deps.volumes) throw invalidBdm('the block storage service is not running.');
      bdms.unshift(...defined);
      if (defined.some((b) => b.boot_index === 0 && b.destination_type === 'volume')) bootVolume = true;
      if (!bootVolume) {
        if (image.minRam > flavor.ram) throw flavorMemoryTooSmall();
        if (flavor.disk > 0 && image.minDisk > flavor.disk) throw flavorDiskTooSmall();
        if (flavor.disk > 0 && image.size !== null && image.size > flavor.disk * 1024 ** 3) {
          throw flavorDiskTooSmallForImageSize(flavor.disk * 1024 ** 3, image.size);
        }
      }
    }

    let key: { name: string; publicKey: string } | undefined;
    if (input.key_name) {
      key = await this.keypair(userId, input.key_name);
      if (!key) throw invalidKeyName();
    }
    if (input.user_data) this.checkUserData(input.user_data);

    let az: string | null = null;
    let forceHost: string | null = input.host ?? null;
    if (input.availability_zone) {
      const [zone, host] = input.availability_zone.split(':');
      if (host !== undefined && host !== '') {
        if (!caller.isAdmin) throw policyDoesNotAllow('os_compute_api:servers:create:forced_host');
        forceHost = host.split(':')[0]!;
      }
      if (zone) {
        if (!(await this.deps.aggregates.azExists(zone))) throw availabilityZoneNotAvailable();
        az = zone;
      }
    }

    const hints = input.schedulerHints ?? {};
    let groupId: string | null = null;
    if (typeof hints.group === 'string') {
      const g = await this.deps.serverGroups.get(hints.group, { projectId: caller.projectId ?? null, isAdmin: caller.isAdmin }).catch((e) => {
        if (e instanceof NotFound) return undefined;
        throw e;
      });
      if (!g) throw invalidServerGroup(hints.group) ;
      groupId = g.id;
    }

    const minCount = input.min_count ?? 1;
    const maxCount = input.max_count ?? minCount;
    if (minCount > maxCount) throw new BadRequest('min_count must be <= max_count');
    let count = maxCount;
    try {
      await this.checkQuota(projectId, userId, { instances: maxCount, cores: flavor.vcpus * maxCount, ram: flavor.ram * maxCount });
    } catch (e) {
      if (minCount === maxCount) throw e;
      // NOTE: Nova boots as many as fit between min_count and max_count.
      let fit = minCount;
      for (let n = maxCount - 1; n >= minCount; n--) {
        try { await this.checkQuota(projectId, userId, { instances: n, cores: flavor.vcpus * n, ram: flavor.ram * n }); fit = n; break; } catch { if (n === minCount) throw e; }
      }
      count = fit;
    }

    const networks = input.networks ?? 'auto';
    const reservationId = `r-${randomBytes(4).toString('hex').slice(0, 8)}`;
    const adminPass = input.adminPass ?? newPassword();
    const t = now();
    const servers: InstanceRecord[] = [];
    for (let i = 0; i < count; i++) {
      const name = count > 1 ? `${input.name}-${i + 1}` : input.name;
      servers.push({
        id: randomUUID(), name, description: input.description ?? null, project_id: projectId, user_id: userId,
        vm_state: VM.BUILDING, task_state: TASK.SCHEDULING, power_state: POWER_STATE.NOSTATE,
        host: null, node: null, availability_zone: az, requested_az: az,
        flavor, old_flavor: null, image_ref: imageId,
        key_name: key?.name ?? null, key_data: key?.publicKey ?? null, user_data: input.user_data ?? null,
        config_drive: input.config_drive === true || input.config_drive === 'true' || input.config_drive === 'True' ? 'True' : '',
        metadata: input.metadata ?? {}, security_groups: input.security_groups ?? [{ name: 'default' }],
        networks, block_devices: bdms, access_ip_v4: input.accessIPv4 ?? null, access_ip_v6: input.accessIPv6 ?? null,
        reservation_id: reservationId, launch_index: i,
        hostname: input.hostname ?? sanitizeHostname(count > 1 ? `${input.name}-${i + 1}` : input.name),
        locked: false, locked_by: null, locked_reason: null, progress: 0,
        auto_disk_config: input['OS-DCF:diskConfig'] === 'AUTO', trusted_certs: input.trusted_image_certificates ?? null,
        server_group_id: groupId, scheduler_hints: { ...hints, ...(forceHost ? { force_host: forceHost } : {}) }, prior_vm_state: null,
        created_at: t, updated_at: t, launched_at: null, terminated_at: null, deleted: false, deleted_at: null,
      });
    }

    const tasks = await this.db.transaction().execute(async (tx) => {
      const out: TaskRecord[] = [];
      for (const s of servers) {
        await this.store.insert(s, tx);
        if (input.tags?.length) await this.store.setTags(s.id, input.tags, tx);
        const actionId = await this.store.startAction({ action: 'create', instance_uuid: s.id, ...recordedBy(caller), start_time: t }, tx);
        out.push(await this.tasks.record<ServerTaskPayload>(tx, 'server', s.id, { op: 'build', actionId }));
      }
      return out;
    });
    if (groupId) for (const s of servers) await this.deps.serverGroups.addMember(groupId, s.id);
    for (const task of tasks) this.tasks.start(task);
    return { servers, reservationId, adminPass };
  }

  private checkUserData(data: string): void {
    const clean = data.replace(/\s/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
      throw new BadRequest("Invalid input for field/attribute user_data. Value: " + data.slice(0, 50) + ". '" + data.slice(0, 50) + "' is not a 'base64'");
    }
    if (Buffer.from(clean, 'base64').length > 65535) throw new BadRequest('User data too large. User data must be no larger than 65535 bytes once base64 encoded.');
  }

  private blockDevices(input: CreateServerInput): BlockDevice[] {
    const list = input.block_device_mapping_v2 ?? [];
    const out: BlockDevice[] = [];
    let boot = 0;
    for (const b of list) {
      const source = b.source_type ?? (b.uuid ? 'image' : 'blank');
      if (!['image', 'volume', 'snapshot', 'blank'].includes(source)) throw invalidBdm('Invalid source_type field.');
      if (b.destination_type && !['local', 'volume'].includes(b.destination_type)) throw invalidBdm('Invalid destination_type field.');
      if (source !== 'blank' && !b.uuid) throw invalidBdm('Missing uuid for the given source type.');
      if (source === 'blank' && b.destination_type === 'volume' && !b.volume_size) throw invalidBdm('You specified more local devices than the limit allows');
      const bi = b.boot_index === undefined || b.boot_index === null || b.boot_index === 'none' ? null : Number(b.boot_index);
      if (bi === 0) boot++;
      out.push({
        boot_index: bi, uuid: b.uuid ?? null, source_type: source, destination_type: b.destination_type ?? (source === 'image' || source === 'blank' ? 'local' : 'volume'),
        volume_size: b.volume_size ?? null, delete_on_termination: Boolean(b.delete_on_termination), device_name: b.device_name ?? null,
        volume_id: source === 'volume' ? b.uuid : null, tag: b.tag ?? null, guest_format: b.guest_format ?? null, disk_bus: b.disk_bus ?? null, device_type: b.device_type ?? null,
      });
    }
    if (boot > 1) throw invalidBootSequence();
    return out;
  }

  async update(caller: Caller, id: string, patch: { name?: string; description?: string | null; accessIPv4?: string; accessIPv6?: string; hostname?: string; diskConfig?: string }): Promise<InstanceRecord> {
    const s = await this.get(id, caller);
    const p: Partial<InstanceRecord> = {};
    if (patch.name !== undefined) p.name = patch.name;
    if (patch.description !== undefined) p.description = patch.description;
    if (patch.accessIPv4 !== undefined) p.access_ip_v4 = patch.accessIPv4 || null;
    if (patch.accessIPv6 !== undefined) p.access_ip_v6 = patch.accessIPv6 || null;
    if (patch.hostname !== undefined) p.hostname = patch.hostname;
    if (patch.diskConfig !== undefined) p.auto_disk_config = patch.diskConfig === 'AUTO';
    await this.store.update(s.id, p);
    return (await this.store.get(s.id))!;
  }

  private checkLock(s: InstanceRecord, caller: Caller): void {
    // NOTE: Nova's check_instance_lock: a locked server refuses changes unless the caller is admin.
    if (s.locked && !caller.isAdmin) throw instanceLocked(s.id);
  }

  /** Accepts a state-changing action: checks the table, sets the task_state, records the task. */
  async act(caller: Caller, id: string, action: ServerAction, args: Record<string, unknown> = {}, opts: {
    actionName?: string; patch?: Partial<InstanceRecord>; check?: (s: InstanceRecord) => Promise<void>;
    /** Writes what the action records beside the server in the same transaction (a migration), before `args` are recorded. */
    onAccept?: (tx: Db, s: InstanceRecord) => Promise<void>;
  } = {}): Promise<InstanceRecord> {
    const s = await this.get(id, caller);
    this.checkLock(s, caller);
    const t = checkTransition(s, action);
    await opts.check?.(s);
    const actionName = opts.actionName;
    const task = await this.db.transaction().execute(async (tx) => {
      const prior = action === 'confirmResize' || action === 'revertResize' ? s.prior_vm_state : s.vm_state;
      const ok = await this.store.update(s.id, { ...opts.patch, task_state: t.begin, prior_vm_state: prior }, tx, { task_state: s.task_state, vm_state: s.vm_state });
      if (!ok) throw instanceInvalidState(t.api, s.id, 'task_state', s.task_state ?? 'None');
      const actionId = await this.store.startAction({ action: actionName ?? defaultActionName(action), instance_uuid: s.id, ...recordedBy(caller), start_time: now() }, tx);
      await opts.onAccept?.(tx, s);
      const payload: ServerTaskPayload = action === 'delete' || action === 'forceDelete' ? { op: 'delete', actionId } : { op: 'action', action, actionId, args };
      return this.tasks.record<ServerTaskPayload>(tx, 'server', s.id, payload);
    });
    this.tasks.start(task);
    return { ...s, ...opts.patch, task_state: t.begin };
  }

  async resize(caller: Caller, id: string, flavorRef: string, diskConfig?: string): Promise<void> {
    const flavor = await this.flavor(lastSegment(flavorRef), caller);
    if (!flavor) throw resizeFlavorNotFound();
    await this.act(caller, id, 'resize', { flavor }, {
      patch: diskConfig !== undefined ? { auto_disk_config: diskConfig === 'AUTO' } : undefined,
      check: async (s) => {
        if (s.flavor.id === flavor.id) throw new BadRequest('When resizing, instances must change flavor!');
        const dv = flavor.vcpus - s.flavor.vcpus; const dr = flavor.ram - s.flavor.ram;
        if (dv > 0 || dr > 0) await this.checkQuota(s.project_id, s.user_id, { instances: 0, cores: Math.max(0, dv), ram: Math.max(0, dr) });
      },
    });
  }

  async rebuild(caller: Caller, id: string, input: { imageRef: string; name?: string; metadata?: Record<string, string>; description?: string | null; key_name?: string | null; user_data?: string | null; accessIPv4?: string; accessIPv6?: string; hostname?: string; 'OS-DCF:diskConfig'?: string }): Promise<InstanceRecord> {
    const imageId = lastSegment(input.imageRef);
    const patch: Partial<InstanceRecord> = { image_ref: imageId };
    if (input.name !== undefined) patch.name = input.name;
    if (input.metadata !== undefined) { checkMetadataQuota(input.metadata); patch.metadata = input.metadata; }
    if (input.description !== undefined) patch.description = input.description;
    if (input.accessIPv4 !== undefined) patch.access_ip_v4 = input.accessIPv4 || null;
    if (input.accessIPv6 !== undefined) patch.access_ip_v6 = input.accessIPv6 || null;
    if (input.hostname !== undefined) patch.hostname = input.hostname;
    if (input.user_data !== undefined) { if (input.user_data) this.checkUserData(input.user_data); patch.user_data = input.user_data; }
    if (input['OS-DCF:diskConfig'] !== undefined) patch.auto_disk_config = input['OS-DCF:diskConfig'] === 'AUTO';
    return this.act(caller, id, 'rebuild', {}, {
      patch,
      check: async (s) => {
        if (!UUID_RE.test(imageId)) throw invalidImageRef();
        const image = await this.findImage(imageId, caller);
        if (!image) throw rebuildImageNotFound();
        if (image.status !== 'active') throw imageNotActive(imageId);
        if (image.minRam > s.flavor.ram) throw flavorMemoryTooSmall();
        if (s.flavor.disk > 0 && image.minDisk > s.flavor.disk) throw flavorDiskTooSmall();
        if (input.key_name !== undefined) {
          if (input.key_name === null) { patch.key_name = null; patch.key_data = null; } else {
            const key = await this.keypair(s.user_id, input.key_name);
            if (!key) throw invalidKeyName();
            patch.key_name = key.name; patch.key_data = key.publicKey;
          }
        }
      },
    });
  }

  /** Shelve: an image-backed server leaves a '<name>-shelved' snapshot image, removed on unshelve. */
  async shelve(caller: Caller, id: string): Promise<void> {
    const image = this.deps.image;
    const args: Record<string, unknown> = {};
    await this.act(caller, id, 'shelve', args, {
      check: async (s) => {
        // NOTE: a volume-backed server keeps its disk in its volumes: no image (Nova's shelve).
        if (!image || isVolumeBacked(s)) return;
        const props = { image_type: 'snapshot', instance_uuid: s.id, user_id: caller.userId ?? '', base_image_ref: s.image_ref };
        args.imageId = (await image.createImage({ visibility: 'private', name: `${s.name}-shelved`, projectId: s.project_id, diskFormat: 'qcow2', containerFormat: 'bare', properties: props })).id;
      },
    });
  }

  /** Snapshot: a queued image in Glance now, the bytes after the driver wrote them (task). */
  async createImage(caller: Caller, id: string, name: string, metadata: Record<string, string>): Promise<string> {
    const image = this.deps.image;
    if (!image) throw imageServiceUnavailable();
    const server = await this.get(id, caller);
    if (isVolumeBacked(server)) return this.snapshotVolumeBacked(caller, server, name, metadata);
    let imageId = '';
    // NOTE: `args` is recorded with the task after `check` ran, so the task knows the image id.
    const args: Record<string, unknown> = {};
    await this.act(caller, id, 'createImage', args, {
      check: async (s) => {
        const props = await this.snapshotProperties(caller, s, metadata);
        imageId = (await image.createImage({ visibility: 'private', name, projectId: s.project_id, diskFormat: 'qcow2', containerFormat: 'bare', properties: props })).id;
        args.imageId = imageId;
      },
    });
    return imageId;
  }

  /** A snapshot image's properties: the base image's inheritable ones, who and what it is of, then the caller's metadata. */
  private async snapshotProperties(caller: Caller, s: InstanceRecord, metadata: Record<string, string>): Promise<Record<string, string>> {
    const base = s.image_ref ? await this.deps.image?.findImage(s.image_ref, { projectId: caller.projectId ?? '', isAdmin: true }).catch(() => undefined) : undefined;
    const skip = ['owner', 'image_location', 'image_state', 'image_type', 'instance_uuid', 'user_id', 'base_image_ref', 'block_device_mapping', 'bdm_v2', 'root_device_name'];
    return {
      ...Object.fromEntries(Object.entries(base?.properties ?? {}).filter(([k]) => !skip.includes(k))),
      image_type: 'snapshot', instance_uuid: s.id, user_id: caller.userId ?? '', ...(s.image_ref ? { base_image_ref: s.image_ref } : {}),
      // NOTE: as Nova's _create_image, the caller's metadata wins (image_type included).
      ...metadata,
    };
  }

  /**
   * Nova's snapshot_volume_backed: no bytes are copied from the guest. Each volume of the server's
   * mappings gets a Cinder snapshot (forced: the volume is in use), and the image is only a bucket
   * of properties, its size 0: the mappings with those snapshots as their source
   * (block_device_mapping, bdm_v2, root_device_name). A server built from the image boots from a
   * new volume made from the root volume's snapshot. Answered at once, the image already active.
   */
  private async snapshotVolumeBacked(caller: Caller, s: InstanceRecord, name: string, metadata: Record<string, string>): Promise<string> {
    const image = this.deps.image!;
    const volumes = this.deps.volumes;
    this.checkLock(s, caller);
    checkTransition(s, 'createImage');
    const props = await this.snapshotProperties(caller, s, metadata);
    const actionId = await this.store.startAction({ action: 'createImage', instance_uuid: s.id, ...recordedBy(caller), start_time: now() });
    const eventId = await this.store.startEvent(actionId, 'api_snapshot_instance', null);
    const mapping: Record<string, unknown>[] = [];
    try {
      for (const b of s.block_devices) {
        if (b.destination_type === 'volume' && b.volume_id) {
          if (!volumes) throw invalidBdm('the block storage service is not running.');
          const v = await volumes.findVolume(b.volume_id, { projectId: undefined, isAdmin: true });
          const snap = await volumes.proxy.createSnapshot({ projectId: caller.projectId, userId: caller.userId, isAdmin: caller.isAdmin }, {
            volumeId: b.volume_id, force: true, name: `snapshot for ${name}`, description: null,
          });
          mapping.push(imageMapping({ ...b, source_type: 'snapshot', uuid: snap.id }, { volume_id: null, volume_size: b.volume_size ?? v?.size ?? snap.size }));
        } else mapping.push(imageMapping(b));
      }
    } catch (err) {
      await this.store.finishEvent(eventId, 'Error', (err as Error).stack ?? String(err));
      throw err;
    }
    await this.store.finishEvent(eventId, 'Success', null);
    const properties = { ...props, ...(mapping.length ? { block_device_mapping: JSON.stringify(mapping), bdm_v2: 'True' } : {}), root_device_name: '/dev/vda' };
    // NOTE: as Nova's glance client: an image without data is activated by an upload of nothing, as raw.
    const { id } = await image.createImage({ visibility: 'private', name, projectId: s.project_id, diskFormat: 'raw', containerFormat: 'bare', properties });
    await image.uploadImage(id, Readable.from([]));
    return id;
  }

  /** createBackup: a snapshot image typed 'backup' with its backup_type; rotation keeps the newest N (task). */
  async createBackup(caller: Caller, id: string, input: { name: string; backupType: string; rotation: number; metadata: Record<string, string> }): Promise<string> {
    const image = this.deps.image;
    if (!image) throw imageServiceUnavailable();
    const args: Record<string, unknown> = { backupType: input.backupType, rotation: input.rotation };
    await this.act(caller, id, 'createBackup', args, {
      check: async (s) => {
        const props: Record<string, string> = {
          instance_uuid: s.id, user_id: caller.userId ?? '', ...(s.image_ref ? { base_image_ref: s.image_ref } : {}),
          ...input.metadata, image_type: 'backup', backup_type: input.backupType,
        };
        args.imageId = (await image.createImage({ visibility: 'private', name: input.name, projectId: s.project_id, diskFormat: 'qcow2', containerFormat: 'bare', properties: props })).id;
      },
    });
    return String(args.imageId);
  }

  async delete(caller: Caller, id: string, force = false): Promise<void> {
    const s = await this.get(id, caller);
    if (s.task_state === TASK.DELETING) return;
    await this.act(caller, id, force ? 'forceDelete' : 'delete');
  }

  async lock(caller: Caller, id: string, reason: string | null): Promise<void> {
    const s = await this.get(id, caller);
    await this.db.transaction().execute(async (tx) => {
      await this.store.update(s.id, { locked: true, locked_by: caller.isAdmin && caller.projectId !== s.project_id ? 'admin' : 'owner', locked_reason: reason }, tx);
      await this.store.startAction({ action: 'lock', instance_uuid: s.id, ...recordedBy(caller), start_time: now() }, tx);
    });
  }

  /** os-resetState (admin): forces vm_state, clears task_state; recorded as a 'resetState' action. */
  async resetState(caller: Caller, id: string, state: keyof typeof RESET_STATES): Promise<void> {
    const s = await this.get(id, caller);
    await this.db.transaction().execute(async (tx) => {
      await this.store.update(s.id, resetState(state), tx);
      await this.store.startAction({ action: 'resetState', instance_uuid: s.id, ...recordedBy(caller), start_time: now() }, tx);
    });
  }

  /**
   * os-server-external-events: each event answered with its code. Nothing here waits for the
   * network-vif-* events (ports are bound synchronously), so accepted events only get recorded.
   */
  async externalEvents(events: ExternalEvent[]): Promise<(ExternalEvent & { status: string; code: number })[]> {
    const out: (ExternalEvent & { status: string; code: number })[] = [];
    for (const e of events) {
      const s = await this.store.get(e.server_uuid);
      let code = 200;
      if (!s || s.deleted) code = 404;
      else if (TAG_REQUIRED.includes(e.name) && e.tag === undefined) code = 400;
      else if (!s.host) code = 422;
      out.push({ ...e, status: code === 200 ? 'completed' : 'failed', code });
      // NOTE: as Nova's compute manager: a grown volume is resized on the guest (the fake and file
      // hypervisors see the new size on the next read) and recorded as the extend_volume action.
      if (code === 200 && e.name === 'volume-extended') {
        await this.db.transaction().execute(async (tx) => {
          const t = now();
          const actionId = await this.store.startAction({ action: 'extend_volume', instance_uuid: e.server_uuid, request_id: `req-${randomUUID()}`, user_id: s!.user_id, project_id: s!.project_id, start_time: t }, tx);
          const eventId = await this.store.startEvent(actionId, 'compute_extend_volume', s!.host, tx);
          await this.store.finishEvent(eventId, 'Success', null, tx);
        });
      }
    }
    return out;
  }

  /** os-server-password clear: forgets the password the guest posted (the server must be the caller's). */
  async clearPassword(caller: Caller, id: string): Promise<void> {
    const s = await this.get(id, caller);
    const { password: _gone, ...rest } = s.system_metadata ?? {};
    await this.store.update(s.id, { system_metadata: rest });
  }

  /** The server groups a server is in (none or one), as 2.71 shows them. */
  async serverGroupsOf(id: string): Promise<string[]> {
    const g = await this.deps.serverGroups.groupOf(id);
    return g ? [g.id] : [];
  }

  async unlock(caller: Caller, id: string): Promise<void> {
    const s = await this.get(id, caller);
    if (s.locked && s.locked_by === 'admin' && !caller.isAdmin) throw policyDoesNotAllow('os_compute_api:os-lock-server:unlock:unlock_override');
    await this.db.transaction().execute(async (tx) => {
      await this.store.update(s.id, { locked: false, locked_by: null, locked_reason: null }, tx);
      await this.store.startAction({ action: 'unlock', instance_uuid: s.id, ...recordedBy(caller), start_time: now() }, tx);
    });
  }

  // Metadata (Nova checks the lock and the vm_state for changes)
  async setMetadata(caller: Caller, id: string, metadata: Record<string, string>, replace: boolean): Promise<Record<string, string>> {
    const s = await this.get(id, caller);
    this.checkLock(s, caller);
    checkTransition(s, 'updateMetadata');
    const next = replace ? { ...metadata } : { ...s.metadata, ...metadata };
    if (Object.keys(next).length > 128) throw metadataQuotaExceeded(129, 128);
    await this.store.update(s.id, { metadata: next });
    return next;
  }

  async deleteMetadataKey(caller: Caller, id: string, key: string): Promise<void> {
    const s = await this.get(id, caller);
    if (!(key in s.metadata)) throw metadataItemNotFound();
    this.checkLock(s, caller);
    checkTransition(s, 'updateMetadata');
    const next = { ...s.metadata };
    delete next[key];
    await this.store.update(s.id, { metadata: next });
  }
}

/** Who an instance action is recorded for: the request, its user and project. */
/** Who an instance action is recorded for. */
export const recordedBy = (c: Caller) => ({ request_id: c.requestId, user_id: c.userId ?? '', project_id: c.projectId ?? '' });

function defaultActionName(a: ServerAction): string {
  switch (a) {
    case 'reboot_soft': case 'reboot_hard': return 'reboot';
    case 'forceDelete': return 'delete';
    default: return a;
  }
}
