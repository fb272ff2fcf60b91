// The compute manager: does the host work of a server's recorded task after the 202 (build,
// actions, delete), one task at a time per server, and ends each in one transaction that writes
// the final state (through the transition table), finishes the instance-action event and drops
// the task. On start (`initHost`) it resumes every task left in flight and brings the guests in
// line with the database, as Nova's init_host with resume_guests_state_on_host_boot.
import { mkdtempSync, rmSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../../../core/db/database.js';
import type { TaskManager, TaskRecord } from '../../../core/work/task-manager.js';
import { type GuestSpec, type HypervisorDriver, HypervisorError, MigrationAborted, POWER_STATE } from '../../../drivers/hypervisor/hypervisor-driver.js';
import { type FlavorSnapshot, type InstanceRecord, now, ServersStore } from '../store/servers.store.js';
import type { HostsService } from './hosts.service.js';
import { flavorResources, NoValidHost, type PlacementPort, Scheduler, LocalPlacement } from './scheduler.service.js';
import type { MigrationsService } from './migrations.service.js';
import type { MigrationRecord } from '../store/migrations.store.js';
import type { ServerTaskPayload } from './servers.service.js';
import { endState, type ServerAction, TASK, VM } from './servers.states.js';
import type { ImageFacade } from '../../image/facade.js';
import type { NetworkFacade } from '../../network/facade.js';
import type { AggregatesService } from './aggregates.service.js';
import type { ServerGroupsService } from './server-groups.service.js';
import type { VolumeAttachmentsService } from './volume-attachments.service.js';
import { configDriveFiles } from './metadata.service.js';

/** Compute's services and the other services' facades the host work uses (wired in compute-domain.ts). */
export interface ManagerDeps {
  aggregates: Pick<AggregatesService, 'hostAz'>;
  serverGroups: Pick<ServerGroupsService, 'groupOf' | 'removeMember'>;
  /** Glance, when it runs: image bytes for the driver, snapshots, backups and their rotation. */
  image?: Pick<ImageFacade, 'imageFilePath' | 'uploadImage' | 'deleteImage' | 'listImages'>;
  /** Networking, when it runs: ports for the requested networks, removed on delete. */
  network?: Pick<NetworkFacade, 'createPortForServer' | 'deletePortsOfDevice' | 'portsOfDevice' | 'bindPortsOfDevice'>;
  /** Block storage, when it runs: the server's volumes detached (and deleted on termination). */
  volumes?: Pick<VolumeAttachmentsService, 'releaseAll' | 'prepareBlockDevices' | 'attachAfterSpawn'>;
}

const EVENTS: Record<ServerAction, string> = {
  start: 'compute_start_instance', stop: 'compute_stop_instance', reboot_soft: 'compute_reboot_instance', reboot_hard: 'compute_reboot_instance',
  pause: 'compute_pause_instance', unpause: 'compute_unpause_instance', suspend: 'compute_suspend_instance', resume: 'compute_resume_instance',
  rebuild: 'compute_rebuild_instance', resize: 'compute_prep_resize', confirmResize: 'compute_confirm_resize', revertResize: 'compute_revert_resize',
  createImage: 'compute_snapshot_instance', createBackup: 'compute_backup_instance', shelve: 'compute_shelve_instance', shelveOffload: 'compute_shelve_offload_instance',
  unshelve: 'compute_unshelve_instance', rescue: 'compute_rescue_instance', unrescue: 'compute_unrescue_instance',
  delete: 'compute_terminate_instance', forceDelete: 'compute_terminate_instance', updateMetadata: 'compute_update_metadata', restore: 'compute_restore_instance',
  migrate: 'compute_prep_resize', liveMigrate: 'compute_live_migration', evacuate: 'compute_rebuild_instance',
};

const guestFlavor = (f: FlavorSnapshot) => ({ vcpus: f.vcpus, memoryMb: f.ram, rootGb: f.disk, ephemeralGb: f.ephemeral, swapMb: f.swap });

/** Actions whose failure leaves the server in ERROR (the others revert their task_state). */
const FAIL_TO_ERROR = new Set<string>(['build', 'rebuild', 'resize', 'revertResize', 'unshelve', 'rescue', 'unrescue']);

export class ServersManager {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly store: ServersStore,
    private readonly tasks: TaskManager,
    private readonly driver: HypervisorDriver,
    private readonly placement: PlacementPort,
    private readonly scheduler: Scheduler,
    private readonly hosts: HostsService,
    private readonly deps: ManagerDeps,
    private readonly log: Logger,
    private readonly migrations?: MigrationsService,
  ) {
    tasks.register<ServerTaskPayload>('server', {
      run: (t) => this.serial(t.resourceId, () => this.run(t)),
      resume: (t) => this.serial(t.resourceId, () => this.run(t)),
      failed: (t, err) => this.fail(t, err),
    });
    driver.onLifecycle?.((e) => { void this.serial(e.id, () => this.syncPowerState(e.id, e.host, e.powerState)).catch(() => {}); });
  }

  /**
   * Nova's power-state sync (_sync_instance_power_state): a guest that stopped on its own (shut
   * down inside, its process killed) leaves an ACTIVE server SHUTOFF; servers with a task are left
   * to the task.
   */
  private async syncPowerState(id: string, host: string, power: number): Promise<void> {
    const s = await this.store.get(id);
    if (!s || s.deleted || s.host !== host || s.task_state !== null) return;
    if (s.vm_state === VM.ACTIVE && (power === POWER_STATE.SHUTDOWN || power === POWER_STATE.CRASHED)) {
      this.log.info({ server: id, power }, 'the guest stopped on its own: the server is now SHUTOFF');
      await this.store.update(id, { vm_state: VM.STOPPED, power_state: power, updated_at: now() }, undefined, { task_state: null });
    } else if (s.power_state !== power) {
      await this.store.update(id, { power_state: power, updated_at: now() }, undefined, { task_state: null });
    }
  }

  private get db(): Db { return this.store.db; }

  /** One task at a time per server, in the order they were accepted. */
  private serial(id: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.chains.set(id, tail);
    void tail.then(() => { if (this.chains.get(id) === tail) this.chains.delete(id); });
    return next;
  }

  /**
   * Nova's max_concurrent_builds (10): builds past it wait their turn in BUILD, so that the API's
   * own reads and writes never queue behind hundreds of builds' statements on the one database.
   */
  private buildSlots = 10;
  private readonly buildQueue: (() => void)[] = [];

  private async withBuildSlot(fn: () => Promise<void>): Promise<void> {
    if (this.buildSlots > 0) this.buildSlots--;
    else await new Promise<void>((resolve) => this.buildQueue.push(resolve));
    try {
      await fn();
    } finally {
      const next = this.buildQueue.shift();
      if (next) next(); else this.buildSlots++;
    }
  }

  private async run(task: TaskRecord<ServerTaskPayload>): Promise<void> {
    const p = task.payload;
    if (p.op === 'build') return this.withBuildSlot(() => this.build(task, p.actionId));
    if (p.op === 'delete') return this.terminate(task, p.actionId);
    return this.action(task, p.action, p.actionId, p.args ?? {});
  }

  /** What the driver needs to (re)create the guest: its flavor, disks, ports and config drive. */
  private async spec(s: InstanceRecord, host: string, imagePath: string | null, flavor: FlavorSnapshot = s.flavor, rootVolume = false): Promise<GuestSpec> {
    const ports = this.deps.network ? await this.deps.network.portsOfDevice(s.id) : [];
    const configDrive = s.config_drive === 'True';
    return {
      id: s.id, host, name: s.hostname, ...guestFlavor(flavor), imagePath, rootVolume, imageId: s.image_ref || null, userData: s.user_data, configDrive,
      configDriveFiles: configDrive ? configDriveFiles(s, ports) : null,
      publicKey: s.key_data, metadata: s.metadata, nics: ports.map((p) => ({ portId: p.id, macAddress: p.macAddress })),
    };
  }

  /** The hosts of the other members of the server's group, with its policy, for the scheduler. */
  private async groupMemberHosts(serverId: string): Promise<{ policy: string; hosts: string[]; maxServerPerHost?: number } | undefined> {
    const g = await this.deps.serverGroups.groupOf(serverId);
    if (!g) return undefined;
    const hosts: string[] = [];
    for (const m of g.members) {
      if (m === serverId) continue;
      const other = await this.store.get(m);
      if (other && !other.deleted && other.host) hosts.push(other.host);
    }
    return { policy: g.policy, hosts, maxServerPerHost: g.rules.max_server_per_host };
  }

  /** The server's backups of a type (image_type=backup), newest first, for rotation. */
  private async backupsOf(serverId: string, backupType: string): Promise<{ id: string }[]> {
    if (!this.deps.image) return [];
    return this.deps.image.listImages({ projectId: '', isAdmin: true }, {
      filters: { status: 'active', properties: { instance_uuid: serverId, image_type: 'backup', backup_type: backupType } },
    });
  }

  /** The file of an image (the server's own when no id is given), or null without one. */
  private async imagePath(s: InstanceRecord, imageId: string | null = s.image_ref || null): Promise<string | null> {
    if (!imageId || !this.deps.image) return null;
    return (await this.deps.image.imageFilePath(imageId).catch(() => undefined)) ?? null;
  }

  private async build(task: TaskRecord<ServerTaskPayload>, actionId: number): Promise<void> {
    const s = await this.store.get(task.resourceId);
    if (!s || s.deleted || s.vm_state !== VM.BUILDING || s.task_state === TASK.DELETING) { await this.tasks.complete(task.id); return; }
    // NOTE: the build's event starts once the scheduler has chosen the host, and is written in the
    // same commit as that host (Nova's compute host starts it when the build reaches it).
    let eventId: number | undefined;
    const startEvent = async (tx?: Db) => { eventId = await this.store.startEvent(actionId, 'compute__do_build_and_run_instance', null, tx); return eventId; };
    let placed: { host: string; node: string; uuid: string };
    try {
      // NOTE: the host is recorded as soon as it is chosen (Nova's scheduler sets it before the spawn), so
      // the next member of a server group scheduled (a multi-create) sees where this one goes.
      placed = await this.place(s, { record: true, alsoRecord: startEvent });
    } catch (err) {
      if (eventId === undefined) await startEvent();
      if (!(err instanceof NoValidHost)) throw err;
      await this.db.transaction().execute(async (tx) => {
        await this.store.update(s.id, { vm_state: VM.ERROR, task_state: null }, tx, { task_state: s.task_state });
        await this.store.addFault({ instance_uuid: s.id, code: 500, message: err.message, details: `nova.exception.NoValidHost: ${err.message}`, host: null, created_at: now() }, tx);
        await this.store.finishEvent(eventId!, 'Error', `NoValidHost: ${err.message}`, tx);
        await this.tasks.complete(task.id, tx);
      });
      return;
    }
    try {
      await this.plugNetworks(s, placed.host);
      const volumes = s.block_devices.some((b) => b.destination_type === 'volume') ? await this.deps.volumes?.prepareBlockDevices(s, placed.host) : undefined;
      await this.driver.spawn(await this.spec(s, placed.host, volumes?.rootPath ?? (await this.imagePath(s)), s.flavor, !!volumes?.rootPath));
      if (volumes) await this.deps.volumes!.attachAfterSpawn(s, placed.host, volumes.others);
    } catch (err) {
      await this.placement.free(s.id);
      await this.deps.network?.deletePortsOfDevice(s.id, userPorts(s)).catch(() => {});
      throw Object.assign(err as Error, { eventId, host: placed.host });
    }
    const az = s.requested_az ?? (await this.deps.aggregates.hostAz(placed.host));
    const t = now();
    await this.db.transaction().execute(async (tx) => {
      const ok = await this.store.update(s.id, {
        vm_state: VM.ACTIVE, task_state: null, power_state: POWER_STATE.RUNNING, host: placed.host, node: placed.node,
        availability_zone: az, launched_at: t, updated_at: t,
      }, tx, { task_state: s.task_state });
      if (!ok) {
        // NOTE: deleted while building: keep the placement for the delete task to undo; record where it is.
        await this.store.update(s.id, { host: placed.host, node: placed.node }, tx);
      }
      await this.store.finishEvent(eventId!, 'Success', null, tx);
      await this.tasks.complete(task.id, tx);
    });
  }

  /** Ports on the networks the server asked for (a list; 'auto' and 'none' plug nothing yet). */
  private async plugNetworks(s: InstanceRecord, host: string): Promise<void> {
    const net = this.deps.network;
    if (!net || !Array.isArray(s.networks)) return;
    for (const n of s.networks) {
      await net.createPortForServer({ projectId: s.project_id, serverId: s.id, host, networkId: n.uuid, portId: n.port, fixedIp: n.fixed_ip, securityGroups: s.security_groups.map((g) => g.name) });
    }
  }

  private scheduling: Promise<unknown> = Promise.resolve();

  /** One scheduling decision at a time (Nova's scheduler sees the previous claim and host before the next). */
  private place(s: InstanceRecord, opts: { ignoreHosts?: string[]; flavor?: FlavorSnapshot; forceHost?: string | null; record?: boolean; alsoRecord?: (tx: Db) => Promise<unknown> } = {}) {
    const next = this.scheduling.then(async () => {
      const placed = await this.selectHost(s, opts);
      if (opts.record) {
        await this.db.transaction().execute(async (tx) => {
          await this.store.update(s.id, { host: placed.host, node: placed.node }, tx);
          await opts.alsoRecord?.(tx);
        });
      }
      return placed;
    });
    this.scheduling = next.catch(() => {});
    return next;
  }

  private async selectHost(s: InstanceRecord, opts: { ignoreHosts?: string[]; flavor?: FlavorSnapshot; forceHost?: string | null }) {
    const group = s.server_group_id ? await this.groupMemberHosts(s.id) : undefined;
    const forced = opts.forceHost ?? (typeof s.scheduler_hints.force_host === 'string' ? s.scheduler_hints.force_host : null);
    return this.scheduler.selectAndClaim({
      instanceId: s.id, projectId: s.project_id, userId: s.user_id, flavor: opts.flavor ?? s.flavor,
      availabilityZone: s.requested_az, forceHost: forced, ignoreHosts: opts.ignoreHosts,
      group: group ? { policy: group.policy, memberHosts: group.hosts, maxServerPerHost: group.maxServerPerHost } : null,
    });
  }

  private async terminate(task: TaskRecord<ServerTaskPayload>, actionId: number | null): Promise<void> {
    const s = await this.store.get(task.resourceId);
    if (!s || s.deleted) { await this.tasks.complete(task.id); return; }
    const eventId = actionId !== null ? await this.store.startEvent(actionId, 'compute_terminate_instance', s.host) : null;
    if (s.host) await this.driver.destroy(s.host, s.id);
    await this.placement.free(s.id);
    if (s.system_metadata?.shelved_image_id) await this.deps.image?.deleteImage(s.system_metadata.shelved_image_id).catch(() => {});
    await this.deps.network?.deletePortsOfDevice(s.id, userPorts(s));
    await this.deps.volumes?.releaseAll(s.id);
    await this.deps.serverGroups.removeMember(s.id);
    const t = now();
    await this.db.transaction().execute(async (tx) => {
      await this.store.update(s.id, { vm_state: VM.DELETED, task_state: null, power_state: POWER_STATE.NOSTATE, deleted: true, deleted_at: t, terminated_at: t, updated_at: t }, tx);
      if (eventId !== null) await this.store.finishEvent(eventId, 'Success', null, tx);
      await this.tasks.complete(task.id, tx);
    });
  }

  private async action(task: TaskRecord<ServerTaskPayload>, action: ServerAction, actionId: number, args: Record<string, unknown>): Promise<void> {
    const s = await this.store.get(task.resourceId);
    if (!s || s.deleted || s.task_state === TASK.DELETING) { await this.tasks.complete(task.id); return; }
    const eventId = await this.store.startEvent(actionId, EVENTS[action], s.host);
    const host = s.host;
    const d = this.driver;
    const patch: Partial<InstanceRecord> = {};
    let power = s.power_state;
    let migrationId: number | undefined;
    const needHost = (): string => { if (!host) throw new HypervisorError(`Instance ${s.id} has no host.`); return host; };
    try {
      switch (action) {
        case 'stop': await d.powerOff(needHost(), s.id, 60); break;
        case 'start': await d.powerOn(needHost(), s.id); break;
        case 'reboot_soft': await d.reboot(needHost(), s.id, 'SOFT'); break;
        case 'reboot_hard': await d.reboot(needHost(), s.id, 'HARD'); break;
        case 'pause': await d.pause(needHost(), s.id); break;
        case 'unpause': await d.unpause(needHost(), s.id); break;
        case 'suspend': await d.suspend(needHost(), s.id); break;
        case 'resume': await d.resume(needHost(), s.id); break;
        case 'rescue': {
          // NOTE: Nova rescues from the image asked for, else from the server's own image.
          const imageId = (args.rescueImageId as string | undefined) ?? (s.image_ref || null);
          await d.rescue(needHost(), s.id, await this.imagePath(s, imageId), imageId);
          break;
        }
        case 'unrescue': await d.unrescue(needHost(), s.id); break;
        case 'rebuild': {
          const h = needHost();
          await d.destroy(h, s.id);
          await d.spawn(await this.spec(s, h, await this.imagePath(s)));
          if (s.prior_vm_state === VM.STOPPED) { await d.powerOff(h, s.id, 0); power = POWER_STATE.SHUTDOWN; } else power = POWER_STATE.RUNNING;
          patch.launched_at = now();
          break;
        }
        case 'resize': {
          const h = needHost();
          const flavor = args.flavor as FlavorSnapshot;
          migrationId = await this.migrations?.beginResize(s, flavor.id);
          const fits = this.placement.reclaim
            ? await this.placement.reclaim(s.id, (await this.hosts.schedulable()).find((x) => x.host === h)!.uuid, flavorResources(flavor), s.project_id, s.user_id)
            : false;
          if (!fits) throw new NoValidHost('There are not enough hosts available.');
          await d.resize(h, s.id, guestFlavor(flavor));
          if (s.prior_vm_state === VM.STOPPED) await d.powerOff(h, s.id, 0);
          patch.old_flavor = s.flavor;
          patch.flavor = flavor;
          break;
        }
        case 'migrate': await this.coldMigrate(s, needHost(), args.host as string | undefined, patch); break;
        case 'liveMigrate': await this.liveMigrate(s, needHost(), args, patch); break;
        case 'evacuate': power = await this.evacuate(s, args, patch); break;
        case 'confirmResize': {
          const m = await this.migrations?.latest(s.id, ['finished']);
          if (m && isMove(m)) {
            // NOTE: the guest's leftovers on the source go, and the source allocation the migration held.
            await d.destroy(m.source_compute!, s.id).catch(() => {});
            await this.placement.free(m.uuid);
          } else await d.confirmResize(needHost(), s.id);
          patch.old_flavor = null;
          await this.migrations?.close(s.id, 'confirmed');
          break;
        }
        case 'revertResize': {
          const m = await this.migrations?.latest(s.id, ['finished']);
          if (m && isMove(m)) { await this.revertMigration(s, needHost(), m, patch); break; }
          const h = needHost();
          const old = s.old_flavor ?? s.flavor;
          const node = (await this.hosts.schedulable()).find((x) => x.host === h)!;
          await this.placement.reclaim?.(s.id, node.uuid, flavorResources(old), s.project_id, s.user_id);
          await d.revertResize(h, s.id, guestFlavor(old));
          if (s.prior_vm_state === VM.STOPPED) await d.powerOff(h, s.id, 0);
          patch.flavor = old;
          patch.old_flavor = null;
          await this.migrations?.close(s.id, 'reverted');
          break;
        }
        case 'createImage': await this.snapshot(s, needHost(), String(args.imageId), TASK.IMAGE_UPLOADING); break;
        case 'createBackup': {
          await this.snapshot(s, needHost(), String(args.imageId), TASK.IMAGE_UPLOADING);
          // NOTE: Nova's _rotate_backups: keep the newest `rotation` backups of this type.
          const others = (await this.backupsOf(s.id, String(args.backupType))).filter((b) => b.id !== args.imageId);
          for (const b of others.slice(Math.max(0, Number(args.rotation) - 1))) await this.deps.image?.deleteImage(b.id).catch(() => {});
          break;
        }
        case 'shelve': case 'shelveOffload': {
          // NOTE: a clean shutdown first, as Nova's shelve (shutdown_timeout 60 s).
          if (host) await d.powerOff(host, s.id, 60).catch(() => {});
          if (host && typeof args.imageId === 'string') {
            await this.snapshot(s, host, args.imageId, TASK.SHELVING_IMAGE_UPLOADING);
            patch.system_metadata = { ...(s.system_metadata ?? {}), shelved_image_id: args.imageId };
          }
          if (host) await d.destroy(host, s.id);
          await this.placement.free(s.id);
          patch.host = null; patch.node = null;
          break;
        }
        case 'unshelve': {
          const placed = await this.place({ ...s, requested_az: (args.availabilityZone as string | undefined) ?? s.requested_az }, { forceHost: args.host as string | undefined });
          // NOTE: the guest comes back from its shelved snapshot (its disk as it was), as Nova unshelves;
          // a volume-backed one from its root volume, its volumes connected again on the new host
          // first (Nova's _prep_block_device in unshelve_instance), the others attached after.
          const shelvedId = s.system_metadata?.shelved_image_id ?? null;
          const shelvedPath = await this.imagePath(s, shelvedId);
          const volumes = s.block_devices.some((b) => b.destination_type === 'volume') ? await this.deps.volumes?.prepareBlockDevices(s, placed.host) : undefined;
          const rootPath = volumes?.rootPath ?? null;
          const spec = await this.spec(s, placed.host, rootPath ?? shelvedPath ?? (await this.imagePath(s)), s.flavor, !!rootPath);
          await d.spawn(shelvedPath && !rootPath ? { ...spec, imageId: shelvedId } : spec);
          if (volumes) await this.deps.volumes!.attachAfterSpawn(s, placed.host, volumes.others);
          patch.host = placed.host; patch.node = placed.node;
          const shelved = s.system_metadata?.shelved_image_id;
          if (shelved) {
            await this.deps.image?.deleteImage(shelved).catch(() => {});
            const { shelved_image_id: _gone, ...rest } = s.system_metadata!;
            patch.system_metadata = rest;
          }
          patch.availability_zone = (args.availabilityZone as string | undefined) ?? s.requested_az ?? (await this.deps.aggregates.hostAz(placed.host));
          break;
        }
        default: break;
      }
    } catch (err) {
      if (migrationId !== undefined) await this.migrations?.setStatus(migrationId, 'error').catch(() => {});
      throw Object.assign(err as Error, { eventId, host });
    }
    if (migrationId !== undefined) await this.migrations?.setStatus(migrationId, 'finished');
    const end = endState(action, s.prior_vm_state, power);
    await this.db.transaction().execute(async (tx) => {
      // NOTE: a resize (or cold migration) keeps the vm_state it started from, for confirm/revert to return to.
      const keepPrior = action === 'resize' || action === 'migrate';
      await this.store.update(s.id, { ...end, ...patch, prior_vm_state: keepPrior ? s.prior_vm_state : null }, tx, { task_state: s.task_state });
      await this.store.finishEvent(eventId, 'Success', null, tx);
      await this.tasks.complete(task.id, tx);
    });
  }

  /** Moves the server's task_state on while the task runs (the final write expects the last one). */
  private async step(s: InstanceRecord, taskState: string): Promise<void> {
    await this.store.update(s.id, { task_state: taskState, updated_at: now() });
    s.task_state = taskState;
  }

  /** The host, node and address of a compute host, as a migration records its destination. */
  private async destination(host: string): Promise<{ host: string; node: string; hostIp: string | null }> {
    const n = (await this.hosts.nodes()).find((x) => x.host === host);
    return { host, node: n?.hypervisor_hostname ?? host, hostIp: n?.host_ip ?? null };
  }

  /** Moves the guest, then its ports' bindings (Nova activates the destination's port bindings). */
  private async moveGuest(host: string, id: string, dest: string, live: boolean): Promise<void> {
    if (!this.driver.migrate) throw new HypervisorError(`The ${this.driver.name} hypervisor cannot move guests between hosts.`);
    await this.driver.migrate(host, id, dest, { live });
    await this.deps.network?.bindPortsOfDevice(id, dest);
  }

  /**
   * Nova's cold migration (a resize keeping the flavor, to another host): the migration holds the
   * source allocation while the server claims the destination; the server waits in VERIFY_RESIZE.
   */
  private async coldMigrate(s: InstanceRecord, src: string, host: string | undefined, patch: Partial<InstanceRecord>): Promise<void> {
    const migrations = this.migrations!;
    const m = await migrations.begin(s, 'migration', 'pre-migrating', host ?? null);
    await this.placement.moveAllocation(s.id, m.uuid, s.project_id, s.user_id);
    let placed: { host: string; node: string };
    try {
      placed = await this.place(s, { ignoreHosts: [src], forceHost: host });
    } catch (err) {
      await this.returnSource(s, m, false);
      await migrations.setStatus(m.id, 'error');
      throw err;
    }
    await migrations.setDestination(m.id, await this.destination(placed.host), 'migrating');
    await this.step(s, TASK.RESIZE_MIGRATING);
    try {
      await this.moveGuest(src, s.id, placed.host, false);
    } catch (err) {
      await this.returnSource(s, m, true);
      await migrations.setStatus(m.id, 'error');
      throw err;
    }
    await this.step(s, TASK.RESIZE_MIGRATED);
    await migrations.setStatus(m.id, 'post-migrating');
    await this.step(s, TASK.RESIZE_FINISH);
    patch.host = placed.host; patch.node = placed.node;
    await migrations.setStatus(m.id, 'finished');
  }

  /** The source allocation a migration held goes back to the server; `claimed`: its destination claim is freed first. */
  private async returnSource(s: InstanceRecord, m: MigrationRecord, claimed: boolean): Promise<void> {
    if (claimed) await this.placement.free(s.id);
    await this.placement.moveAllocation(m.uuid, s.id, s.project_id, s.user_id);
  }

  /** Revert of a cold migration: the guest goes back to the source, which gets its allocation back. */
  private async revertMigration(s: InstanceRecord, host: string, m: MigrationRecord, patch: Partial<InstanceRecord>): Promise<void> {
    const src = m.source_compute!;
    await this.moveGuest(host, s.id, src, false);
    await this.returnSource(s, m, true);
    patch.host = src; patch.node = m.source_node;
    patch.old_flavor = null;
    await this.migrations!.close(s.id, 'reverted');
  }

  /**
   * Nova's live migration: queued → preparing (scheduled; the migration holds the source allocation)
   * → running (the driver copies the guest) → completed, the server on its new host in the state it
   * had. An abort (DELETE /servers/{id}/migrations/{id}) leaves it where it was, the migration cancelled.
   */
  private async liveMigrate(s: InstanceRecord, src: string, args: Record<string, unknown>, patch: Partial<InstanceRecord>): Promise<void> {
    const migrations = this.migrations!;
    const m = await migrations.get(Number(args.migrationId));
    if (!m || m.status === 'cancelled') return;
    await migrations.setStatus(m.id, 'preparing');
    await this.placement.moveAllocation(s.id, m.uuid, s.project_id, s.user_id);
    const rollback = async (status: string) => {
      await this.returnSource(s, m, true);
      await migrations.setStatus(m.id, status);
    };
    const host = args.host as string | undefined;
    let placed: { host: string; node: string };
    try {
      if (host === src) throw new NoValidHost(`Unable to migrate instance (${s.id}) to current host (${src}).`);
      placed = await this.place(s, { ignoreHosts: [src], forceHost: host });
    } catch (err) {
      await rollback('error');
      throw err;
    }
    if ((await migrations.get(m.id))?.status === 'cancelled') { await rollback('cancelled'); return; }
    await migrations.setDestination(m.id, await this.destination(placed.host), 'running');
    try {
      await this.moveGuest(src, s.id, placed.host, true);
    } catch (err) {
      if (err instanceof MigrationAborted) { await rollback('cancelled'); return; }
      await rollback('failed');
      throw err;
    }
    await migrations.setStatus(m.id, 'post-migrating');
    await this.placement.free(m.uuid);
    patch.host = placed.host; patch.node = placed.node;
    await migrations.setStatus(m.id, 'completed');
  }

  /** Live migrations in progress, finished now or cancelled (the API's force_complete and abort). */
  async forceCompleteLiveMigration(host: string, id: string): Promise<void> { await this.driver.forceCompleteMigration?.(host, id); }
  async abortLiveMigration(host: string, id: string): Promise<void> { await this.driver.abortMigration?.(host, id); }

  /**
   * Nova's evacuate: the server is rebuilt on another host while its own is down; it comes back in
   * the state it had (stopped stays stopped; 2.95 asks for stopped), error becomes active.
   */
  private async evacuate(s: InstanceRecord, args: Record<string, unknown>, patch: Partial<InstanceRecord>): Promise<number> {
    const migrations = this.migrations!;
    const m = await migrations.get(Number(args.migrationId));
    const src = s.host;
    if (m) await migrations.setStatus(m.id, 'pre-migrating');
    let placed: { host: string; node: string };
    try {
      placed = await this.place(s, { ignoreHosts: src ? [src] : [], forceHost: args.host as string | undefined });
    } catch (err) {
      if (m) await migrations.setStatus(m.id, 'error');
      throw err;
    }
    if (m) await migrations.setDestination(m.id, await this.destination(placed.host));
    try {
      // NOTE: Nova destroys an evacuated guest when its compute service comes back (init_host); the
      // hosts of one driver share a process here, so the source copy goes now.
      if (src) await this.driver.destroy(src, s.id).catch(() => {});
      await this.step(s, TASK.REBUILD_SPAWNING);
      await this.deps.network?.bindPortsOfDevice(s.id, placed.host);
      await this.driver.spawn(await this.spec(s, placed.host, await this.imagePath(s)));
    } catch (err) {
      if (m) await migrations.setStatus(m.id, 'failed');
      throw err;
    }
    patch.host = placed.host; patch.node = placed.node; patch.launched_at = now();
    patch.availability_zone = s.requested_az ?? (await this.deps.aggregates.hostAz(placed.host));
    let power: number = POWER_STATE.RUNNING;
    if (args.targetState === VM.STOPPED || s.prior_vm_state === VM.STOPPED) {
      await this.driver.powerOff(placed.host, s.id, 0);
      power = POWER_STATE.SHUTDOWN;
      patch.vm_state = VM.STOPPED;
    }
    if (m) await migrations.setStatus(m.id, 'done');
    return power;
  }

  private async snapshot(s: InstanceRecord, host: string, imageId: string, taskState: string): Promise<void> {
    const image = this.deps.image;
    if (!image) throw new HypervisorError('The image service is not available for snapshots.');
    await this.store.update(s.id, { task_state: taskState });
    s.task_state = taskState;
    const dir = mkdtempSync(join(tmpdir(), 'stratus-snap-'));
    try {
      const file = join(dir, `${s.id}.qcow2`);
      await this.driver.snapshot(host, s.id, file);
      // NOTE: an image deleted while saving is refused before its bytes are read: the stream must
      // not open the file after the directory is gone (an unhandled 'error' would end the process).
      const bytes = createReadStream(file);
      bytes.on('error', () => {});
      try { await image.uploadImage(imageId, bytes); } finally { bytes.destroy(); }
    } catch (err) {
      await this.deps.image?.deleteImage(imageId).catch(() => {});
      throw err;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The task's last word: ERROR (build and the actions Nova does not revert) or a reverted task_state, with a fault. */
  private async fail(task: TaskRecord<ServerTaskPayload>, err: unknown): Promise<void> {
    const s = await this.store.get(task.resourceId);
    const e = err as Error & { eventId?: number; host?: string | null };
    this.log.warn({ server: task.resourceId, err: e.message }, 'server task failed');
    if (!s || s.deleted) return;
    const p = task.payload;
    const kind = p.op === 'action' ? p.action : p.op;
    const toError = FAIL_TO_ERROR.has(kind) || p.op === 'delete';
    const message = e instanceof NoValidHost ? e.message : (e.message || 'Unknown error');
    if (p.op === 'build') await this.placement.free(s.id);
    await this.db.transaction().execute(async (tx) => {
      const patch: Partial<InstanceRecord> = toError
        ? { vm_state: VM.ERROR, task_state: null, prior_vm_state: null, ...(e.host && p.op === 'build' ? { host: e.host } : {}) }
        : { task_state: null, prior_vm_state: null };
      if (p.op === 'action' && p.action === 'resize' && e instanceof NoValidHost) { patch.vm_state = s.prior_vm_state ?? VM.ACTIVE; }
      await this.store.update(s.id, patch, tx);
      await this.store.addFault({ instance_uuid: s.id, code: 500, message, details: e.stack ?? null, host: e.host ?? s.host, created_at: now() }, tx);
      if (e.eventId !== undefined) await this.store.finishEvent(e.eventId, 'Error', e.stack ?? message, tx);
    });
  }

  /**
   * Nova's init_host: allocations are rebuilt (local placement), tasks left in flight are resumed
   * (finished, or their server moved to ERROR by the failure handler), and guests the database says
   * exist are brought back if the host lost them (resume_guests_state_on_host_boot).
   */
  async initHost(): Promise<void> {
    const live = await this.store.allLive();
    const nodes = new Map((await this.hosts.schedulable()).map((n) => [n.node, n.uuid]));
    if (this.placement instanceof LocalPlacement) {
      for (const s of live) {
        const uuid = s.node ? nodes.get(s.node) : undefined;
        if (uuid) this.placement.restore(s.id, uuid, flavorResources(s.flavor));
        // NOTE: a cold migration awaiting confirmation: its migration still holds the source host.
        const m = s.vm_state === VM.RESIZED ? await this.migrations?.latest(s.id, ['finished']) : undefined;
        const src = m && isMove(m) && m.source_node ? nodes.get(m.source_node) : undefined;
        if (m && src) this.placement.restore(m.uuid, src, flavorResources(s.flavor));
      }
    }
    const pending = await this.tasks.pendingResources();
    // NOTE: each host's guests listed once (bringing one server's guest back changes no other's presence).
    const guestsOf = new Map<string, Promise<{ id: string; powerState: number }[]>>();
    for (const s of live) {
      if (pending.has(s.id)) continue;
      if (s.vm_state === VM.BUILDING) {
        // NOTE: a build whose task is gone cannot finish: Nova's init_host puts it in ERROR.
        await this.db.transaction().execute(async (tx) => {
          await this.store.update(s.id, { vm_state: VM.ERROR, task_state: null }, tx);
          await this.store.addFault({ instance_uuid: s.id, code: 500, message: 'Instance build was interrupted by a restart of the compute service.', details: null, host: s.host, created_at: now() }, tx);
        });
        continue;
      }
      if (!s.host) continue;
      if (!guestsOf.has(s.host)) guestsOf.set(s.host, this.driver.listGuests(s.host).catch(() => []));
      const guests = await guestsOf.get(s.host)!;
      const guest = guests.find((g) => g.id === s.id);
      if (guest) { await this.syncPowerState(s.id, s.host, guest.powerState); continue; }
      if (![VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED, VM.RESCUED, VM.RESIZED, VM.ERROR].includes(s.vm_state as any)) continue;
      try {
        await this.driver.spawn(await this.spec(s, s.host, await this.imagePath(s)));
        if (s.power_state === POWER_STATE.SHUTDOWN) await this.driver.powerOff(s.host, s.id, 0);
        else if (s.power_state === POWER_STATE.PAUSED) await this.driver.pause(s.host, s.id);
        else if (s.power_state === POWER_STATE.SUSPENDED) await this.driver.suspend(s.host, s.id);
      } catch (err) {
        this.log.warn({ server: s.id, err: (err as Error).message }, 'could not bring a guest back on start');
        await this.store.update(s.id, { power_state: POWER_STATE.NOSTATE });
      }
    }
    await this.tasks.resume();
  }

  async idle(): Promise<void> { await this.tasks.idle(); }
}

/** The ports the user created and gave the server (networks: [{port}]): unbound on delete, not deleted, as Nova. */
const userPorts = (s: InstanceRecord): string[] => (Array.isArray(s.networks) ? s.networks.flatMap((n) => (n.port ? [n.port] : [])) : []);

/** A migration that moved the server to another host (a cold migration, not a same-host resize). */
const isMove = (m: MigrationRecord) => m.migration_type === 'migration' && m.source_compute !== null && m.source_compute !== m.dest_compute;
