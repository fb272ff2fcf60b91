// Attachments (cinder/volume/api.py attachment_* and the legacy attach actions): a volume is
// reserved for a server, connected to a host (os-brick's connector in, connection info out),
// marked attached at a device, and detached. The volume's status follows its attachments:
// reserved → attaching → in-use → detaching → available.
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../core/auth/caller.js';
import type { Db } from '../../../core/db/database.js';
import type { BlockStorageDriver } from '../../../drivers/block-storage/block-storage-driver.js';
import type { AttachmentRecord, VolumeRecord, VolumeTables } from '../store/tables.js';
import { attachmentNotFound, invalidVolume } from './errors.js';
import { now } from './times.js';

/** What a host needs to reach the volume (Cinder's connection_info). */
export interface ConnectionInfo {
  driver_volume_type: string;
  data: Record<string, unknown>;
}

export class AttachmentsService {
  constructor(private readonly t: VolumeTables, private readonly driver: BlockStorageDriver) {}

  async get(caller: Caller, id: string): Promise<AttachmentRecord> {
    const a = await this.t.attachments.get(id);
    if (!a || (!caller.isAdmin && a.project_id !== caller.projectId)) throw attachmentNotFound(id);
    return a;
  }

  async list(caller: Caller, allProjects: boolean): Promise<AttachmentRecord[]> {
    if (caller.isAdmin && allProjects) return this.t.attachments.list();
    return this.t.attachments.list({ project_id: caller.projectId ?? '' });
  }

  byVolumes(ids: string[]): Promise<Map<string, AttachmentRecord[]>> { return this.t.attachmentsByVolume(ids); }

  /**
   * Reserves `volume` for a server: a new attachment, and the volume `reserved` (attachments
   * API) or `attaching` (os-reserve). A multiattach volume may be reserved while in use.
   */
  async reserve(volume: VolumeRecord, instanceUuid: string | null, mode: 'rw' | 'ro', legacy = false, id: string = randomUUID()): Promise<AttachmentRecord> {
    const shareable = volume.multiattach && volume.status === 'in-use';
    if (volume.status !== 'available' && !shareable) {
      throw invalidVolume(`Volume ${volume.id} status must be available or downloading to reserve, but the current status is ${volume.status}.`);
    }
    const a: AttachmentRecord = {
      id, volume_id: volume.id, project_id: volume.project_id, instance_uuid: instanceUuid, attached_host: null, mountpoint: null,
      attach_mode: mode, attach_status: 'reserved', connector: null, attach_time: null, created_at: now(), updated_at: null,
    };
    await this.t.db.transaction().execute(async (tx) => {
      await this.t.attachments.insert(a, tx as Db);
      if (!shareable) await this.t.volumes.update(volume.id, { status: legacy ? 'attaching' : 'reserved', attach_status: 'attaching', updated_at: now() }, tx as Db);
    });
    return a;
  }

  /** Connects the volume for the host the connector names; the volume goes `attaching`. */
  async connect(a: AttachmentRecord, connector: Record<string, unknown>): Promise<ConnectionInfo> {
    const info = await this.connectionInfo(a.volume_id, a.attach_mode, a.id);
    await this.t.db.transaction().execute(async (tx) => {
      await this.t.attachments.update(a.id, { connector, attached_host: typeof connector.host === 'string' ? connector.host : null, attach_status: 'attaching', updated_at: now() }, tx as Db);
      const v = await this.t.volumes.get(a.volume_id, tx as Db);
      if (v && v.status !== 'in-use') await this.t.volumes.update(a.volume_id, { status: 'attaching', updated_at: now() }, tx as Db);
    });
    return info;
  }

  async connectionInfo(volumeId: string, mode: 'rw' | 'ro', attachmentId?: string): Promise<ConnectionInfo> {
    const c = await this.driver.connection(volumeId);
    return {
      driver_volume_type: c.driverVolumeType,
      data: {
        device_path: c.path, format: c.format, name: `volume-${volumeId}`, volume_id: volumeId, access_mode: mode, encrypted: false,
        discard: false, qos_specs: await this.frontEndQos(volumeId), ...(attachmentId ? { attachment_id: attachmentId } : {}),
      },
    };
  }

  /**
   * cinder/volume/manager.py initialize_connection: the volume type's QoS specs when their consumer
   * is front-end or both (null otherwise), the per-GB IOPS keys turned into fixed ones for the
   * volume's size (at least their `_per_gb_min`).
   */
  private async frontEndQos(volumeId: string): Promise<Record<string, string> | null> {
    const v = await this.t.volumes.get(volumeId);
    const type = v?.volume_type_id ? await this.t.types.get(v.volume_type_id) : undefined;
    const qos = type?.qos_specs_id ? await this.t.qos.get(type.qos_specs_id) : undefined;
    if (!v || !qos || !['front-end', 'both'].includes(qos.consumer)) return null;
    const specs = { ...qos.specs };
    for (const dir of ['read', 'write', 'total']) {
      const perGb = specs[`${dir}_iops_sec_per_gb`];
      if (perGb === undefined) continue;
      const min = Number(specs[`${dir}_iops_sec_per_gb_min`] ?? 0);
      specs[`${dir}_iops_sec`] = String(Math.max(Math.trunc(Number(perGb)) * v.size, Math.trunc(min)));
      delete specs[`${dir}_iops_sec_per_gb`];
      delete specs[`${dir}_iops_sec_per_gb_min`];
    }
    return specs;
  }

  /** The attachment is in place at `mountpoint`: attached, and the volume in use. */
  async complete(a: AttachmentRecord, opts: { mountpoint?: string | null; instanceUuid?: string | null; hostName?: string | null } = {}): Promise<void> {
    await this.t.db.transaction().execute(async (tx) => {
      await this.t.attachments.update(a.id, {
        attach_status: 'attached', attach_time: now(), updated_at: now(), mountpoint: opts.mountpoint ?? a.mountpoint,
        instance_uuid: opts.instanceUuid ?? a.instance_uuid, attached_host: opts.hostName ?? a.attached_host,
      }, tx as Db);
      const v = (await this.t.volumes.get(a.volume_id, tx as Db))!;
      await this.t.volumes.update(a.volume_id, {
        status: 'in-use', attach_status: 'attached', updated_at: now(),
        admin_metadata: { ...v.admin_metadata, attached_mode: a.attach_mode },
      }, tx as Db);
    });
  }

  /** Removes the attachment; the volume is available again when none is left. */
  async remove(a: AttachmentRecord): Promise<void> {
    await this.t.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('cinder_attachments').where('id', '=', a.id).execute();
      const left = await tx.selectFrom('cinder_attachments').select('attach_status').where('volume_id', '=', a.volume_id).execute();
      const v = await this.t.volumes.get(a.volume_id, tx as Db);
      if (!v) return;
      const attached = left.some((x) => x.attach_status === 'attached');
      const { attached_mode: _gone, ...admin } = v.admin_metadata;
      await this.t.volumes.update(a.volume_id, attached
        ? { status: 'in-use', updated_at: now() }
        : { status: 'available', attach_status: 'detached', admin_metadata: admin, updated_at: now() }, tx as Db);
    });
  }

  /** The volume's attachment for `instanceUuid` (or its only one), for the legacy actions. */
  async find(volumeId: string, opts: { attachmentId?: string; instanceUuid?: string | null } = {}): Promise<AttachmentRecord | undefined> {
    const all = await this.t.attachmentsOf(volumeId);
    if (opts.attachmentId) return all.find((a) => a.id === opts.attachmentId);
    if (opts.instanceUuid) return all.find((a) => a.instance_uuid === opts.instanceUuid);
    return all.length === 1 ? all[0] : all.find((a) => a.attach_status !== 'attached') ?? all[0];
  }

  /** Status-only steps of the legacy detach (os-begin_detaching, os-roll_detaching). */
  async setVolumeStatus(volumeId: string, status: VolumeRecord['status']): Promise<void> {
    await this.t.volumes.update(volumeId, { status, updated_at: now() });
  }

  /** os-unreserve: the reservations made and not attached go; the volume is available again. */
  async unreserve(volume: VolumeRecord): Promise<void> {
    for (const a of await this.t.attachmentsOf(volume.id)) if (a.attach_status !== 'attached') await this.remove(a);
    const left = await this.t.attachmentsOf(volume.id);
    if (left.length === 0) await this.t.volumes.update(volume.id, { status: 'available', attach_status: 'detached', updated_at: now() });
  }

  async ownerCheck(caller: Caller, a: AttachmentRecord): Promise<void> {
    if (!caller.isAdmin && a.project_id !== caller.projectId) throw attachmentNotFound(a.id);
  }
}
