// Moving servers between compute hosts (nova/compute/api.py resize without a flavor, live_migrate,
// evacuate, live_migrate_force_complete, live_migrate_abort) and the in-progress live migrations of
// a server (/servers/{id}/migrations). The API side checks and records; the ServersManager moves
// the guest after the 202 and writes the migration's statuses.
import type { Caller } from '../../../core/auth/caller.js';
import { now } from '../store/servers.store.js';
import type { InstanceRecord } from '../store/servers.store.js';
import type { MigrationRecord } from '../store/migrations.store.js';
import type { HostsService } from './hosts.service.js';
import type { MigrationsService } from './migrations.service.js';
import { flavorResources, type PlacementPort } from './scheduler.service.js';
import { recordedBy, type ServersService } from './servers.service.js';
import { TASK, VM } from './servers.states.js';
import {
  cannotMigrateToSameHost, computeHostNotFoundBadRequest, computeServiceInUse, evacuateHostNotFound, evacuateSameHost, instanceInvalidState,
  instanceLocked, invalidMigrationState, liveMigrationNotFound, liveMigrationNotInProgress, migrationNotFoundForInstance, noValidHostBadRequest,
  notLiveMigration, serviceUnavailable, unableToMigrateToSelf, BadRequest,
} from './errors.js';

/** Live migrations in progress as the manager reaches them (outside the server's task queue). */
export interface LiveMigrationControl {
  forceCompleteLiveMigration(host: string, id: string): Promise<void>;
  abortLiveMigration(host: string, id: string): Promise<void>;
}

/** Nova's in-progress statuses of a live migration (MigrationList.get_in_progress_by_instance). */
export const LIVE_IN_PROGRESS = ['queued', 'preparing', 'running', 'post-migrating'];

export interface LiveMigrateRequest {
  host: string | null;
  /** 2.34+: the destination is checked after the 202 (a failure leaves the server ACTIVE, the migration in error). */
  async: boolean;
}

export interface EvacuateRequest { host?: string | null; targetStopped: boolean }

export class ServerMigrationsService {
  constructor(
    private readonly servers: ServersService,
    private readonly migrations: MigrationsService,
    private readonly hosts: HostsService,
    private readonly placement: PlacementPort,
    private readonly control: LiveMigrationControl,
  ) {}

  private async hostExists(host: string): Promise<boolean> {
    return (await this.hosts.nodes()).some((n) => n.host === host);
  }

  /** POST migrate (cold migration), optionally to `host` (2.56): 400 when it is the server's own or unknown. */
  async migrate(caller: Caller, id: string, host: string | null | undefined): Promise<void> {
    await this.servers.act(caller, id, 'migrate', { host: host ?? undefined }, {
      check: async (s) => {
        // NOTE: Nova's check_instance_host(check_is_up=True): the source compute must be up.
        if ((await this.hosts.hostStatus(s.host)) === 'DOWN') throw serviceUnavailable();
        if (!host) return;
        if (host === s.host) throw cannotMigrateToSameHost();
        if (!(await this.hostExists(host))) throw computeHostNotFoundBadRequest(host);
      },
    });
  }

  /** os-migrateLive: recorded with its migration (queued) in the transaction that answers 202. */
  async liveMigrate(caller: Caller, id: string, req: LiveMigrateRequest): Promise<void> {
    const args: Record<string, unknown> = { host: req.host ?? undefined };
    await this.servers.act(caller, id, 'liveMigrate', args, {
      actionName: 'live-migration',
      check: async (s) => {
        if (req.host && !(await this.hostExists(req.host))) throw computeHostNotFoundBadRequest(req.host);
        if (req.async) return;
        // NOTE: before 2.34 the conductor's checks answer the request itself.
        if (req.host && req.host === s.host) throw unableToMigrateToSelf(s.id, s.host);
        if (!(await this.anotherHostFits(s, req.host))) throw noValidHostBadRequest('No valid host was found. There are not enough hosts available.');
      },
      onAccept: async (tx, s) => { args.migrationId = (await this.migrations.begin(s, 'live-migration', 'queued', req.host ?? null, tx)).id; },
    });
  }

  /** Whether an enabled compute host other than the server's (or `host`) has room for its flavor now. */
  private async anotherHostFits(s: InstanceRecord, host: string | null): Promise<boolean> {
    const fit = new Set((await this.placement.candidates(flavorResources(s.flavor))).map((c) => c.provider));
    return (await this.hosts.schedulable()).some((h) => h.enabled && fit.has(h.uuid) && h.host !== s.host && (!host || h.host === host));
  }

  /** evacuate: the server's compute service must be down (forced down); `host` must exist and be another. */
  async evacuate(caller: Caller, id: string, req: EvacuateRequest): Promise<void> {
    if (req.host && !(await this.hostExists(req.host))) throw evacuateHostNotFound(req.host);
    const s0 = await this.servers.get(id, caller);
    if (req.host && s0.host === req.host) throw evacuateSameHost();
    const args: Record<string, unknown> = { host: req.host ?? undefined, targetState: req.targetStopped ? VM.STOPPED : undefined };
    await this.servers.act(caller, id, 'evacuate', args, {
      check: async (s) => {
        if ((await this.hosts.hostStatus(s.host)) !== 'DOWN') throw computeServiceInUse(s.host ?? '');
      },
      onAccept: async (tx, s) => { args.migrationId = (await this.migrations.begin(s, 'evacuation', 'accepted', req.host ?? null, tx)).id; },
    });
  }

  /** GET /servers/{id}/migrations: the server's live migrations in progress. */
  async inProgress(serverId: string): Promise<MigrationRecord[]> {
    return (await this.migrations.list({ instanceUuid: serverId, migrationType: 'live-migration' })).filter((m) => LIVE_IN_PROGRESS.includes(m.status));
  }

  /** GET /servers/{id}/migrations/{id}: 404 unless it is a live migration of the server in progress. */
  async show(serverId: string, migrationId: string): Promise<MigrationRecord> {
    const m = /^\d+$/.test(migrationId) ? await this.migrations.get(Number(migrationId)) : undefined;
    if (!m || m.instance_uuid !== serverId) throw liveMigrationNotFound(migrationId, serverId);
    if (m.migration_type !== 'live-migration') throw notLiveMigration(migrationId, serverId);
    if (!LIVE_IN_PROGRESS.includes(m.status)) throw liveMigrationNotInProgress(migrationId, serverId);
    return m;
  }

  private async migrationOf(s: InstanceRecord, migrationId: string): Promise<MigrationRecord | undefined> {
    const m = /^\d+$/.test(migrationId) ? await this.migrations.get(Number(migrationId)) : undefined;
    return m && m.instance_uuid === s.id ? m : undefined;
  }

  private checkLock(s: InstanceRecord, caller: Caller): void {
    if (s.locked && !caller.isAdmin) throw instanceLocked(s.id);
  }

  private async record(caller: Caller, s: InstanceRecord, action: string): Promise<void> {
    await this.servers.store.startAction({ action, instance_uuid: s.id, ...recordedBy(caller), start_time: now() });
  }

  /** force_complete (2.22): the server ACTIVE and migrating, the migration running; 400 otherwise. */
  async forceComplete(caller: Caller, serverId: string, migrationId: string): Promise<void> {
    const s = await this.servers.get(serverId, caller);
    this.checkLock(s, caller);
    if (s.vm_state !== VM.ACTIVE) throw instanceInvalidState('force_complete', s.id, 'vm_state', s.vm_state);
    if (s.task_state !== TASK.MIGRATING) throw instanceInvalidState('force_complete', s.id, 'task_state', s.task_state ?? 'None');
    const m = await this.migrationOf(s, migrationId);
    if (!m) throw new BadRequest(migrationNotFoundForInstance(migrationId, s.id).message);
    if (m.status !== 'running') throw invalidMigrationState(m.id, s.id, m.status, 'force complete');
    await this.record(caller, s, 'live_migration_force_complete');
    await this.control.forceCompleteLiveMigration(s.host!, s.id);
  }

  /** Abort (2.24; queued or preparing ones from 2.65): the server stays where it is. */
  async abort(caller: Caller, serverId: string, migrationId: string, abortQueued: boolean): Promise<void> {
    const s = await this.servers.get(serverId, caller);
    this.checkLock(s, caller);
    if (s.task_state !== TASK.MIGRATING) throw instanceInvalidState('abort live migration', s.id, 'task_state', s.task_state ?? 'None');
    const m = await this.migrationOf(s, migrationId);
    if (!m) throw migrationNotFoundForInstance(migrationId, s.id);
    const allowed = abortQueued ? ['running', 'queued', 'preparing'] : ['running'];
    if (!allowed.includes(m.status)) throw invalidMigrationState(m.id, s.id, m.status, 'abort live migration');
    await this.record(caller, s, 'live_migration_cancel');
    // NOTE: one not yet running is cancelled in its record; the manager finds it so and moves nothing.
    if (m.status !== 'running') await this.migrations.setStatus(m.id, 'cancelled');
    else await this.control.abortLiveMigration(s.host!, s.id);
  }
}
