// Volume attachments (nova/api/openstack/compute/volumes.py and the compute manager's
// attach_volume/detach_volume): the API reserves the volume in Cinder and names a device, then
// the work after the answer connects it on the server's host, hands it to the hypervisor and
// completes the attachment; detach undoes that in the other order. A server's volumes are its
// block device mappings with a volume_id.
import { randomUUID } from 'node:crypto';
import {
  attachmentNotMutable, instanceInvalidState, instanceLocked, invalidVolume, multiattachOldMicroversion, multiattachSwapNotSupported, multiattachToShelved, newVolumeAttached, newVolumeTooSmall, noFreeDevice,
  oldVolumeElsewhere, swapVolumeNotFound, volumeBdmIdNotFound, volumeBdmNotFound, volumeNotAttached, volumeNotAvailable, volumeNotDetachable, volumeNotFound,
  volumeStillAttaching,
} from './errors.js';
import type { Db } from '../../../core/db/database.js';
import type { TaskManager } from '../../../core/work/task-manager.js';
import { type HypervisorDriver, VOLUME_QOS_KEYS, type VolumeQos } from '../../../drivers/hypervisor/hypervisor-driver.js';
import type { VolumeFacade } from '../../volume/facade.js';
import type { Caller } from '../../../core/auth/caller.js';
import { type BlockDevice, type InstanceRecord, now, type ServersStore } from '../store/servers.store.js';
import { recordedBy } from './servers.service.js';

/** The vm states a volume may be attached or detached in (Nova's check_instance_state). */
const ATTACHABLE = new Set(['active', 'paused', 'stopped', 'suspended', 'shelved', 'shelved_offloaded', 'resized', 'soft-delete']);

export interface AttachRequest {
  volumeId: string; device?: string | null; tag?: string | null; deleteOnTermination?: boolean;
  /** 2.60: the caller may attach a multiattach volume (Nova's supports_multiattach_volume). */
  supportsMultiattach: boolean;
}

interface AttachPayload { volumeId: string; attachmentId: string; device: string; actionId: number }
interface DetachPayload { volumeId: string; attachmentId: string; device: string; actionId: number }

/**
 * The limits the hypervisor applies from a connection's qos_specs: the keys Nova's libvirt volume
 * driver passes on (disk_total_bytes_sec ... and the _max bursts, size_iops_sec), as positive whole
 * numbers; other keys (a back-end's own) and values that are not are left out, as libvirt would.
 */
export function volumeQos(specs: Record<string, string> | null | undefined): VolumeQos | undefined {
  if (!specs) return undefined;
  const qos: VolumeQos = {};
  for (const k of VOLUME_QOS_KEYS) {
    const v = specs[k];
    if (v !== undefined && /^\s*\d+\s*$/.test(v) && Number(v) > 0) qos[k] = Number(v);
  }
  return Object.keys(qos).length ? qos : undefined;
}

/** The vm states a volume may be swapped in (Nova's swap_volume check_instance_state). */
const SWAPPABLE = new Set(['active', 'paused', 'resized']);

/** PUT os-volume_attachments/{volume_id}: the body's attachment, and what the microversion makes of it. */
export interface UpdateRequest {
  volumeId: string; deleteOnTermination?: boolean; id?: string; serverId?: string; device?: string | null; tag?: string;
  /** From 2.85 the attachment's own attributes are checked and updated; before it, a PUT is always a swap. */
  regular: boolean;
}

interface SwapPayload {
  oldVolumeId: string; newVolumeId: string; oldAttachmentId: string; newAttachmentId: string; device: string; actionId: number;
}

const volumeBdms = (s: InstanceRecord) => s.block_devices.filter((b) => b.volume_id);

export class VolumeAttachmentsService {
  constructor(
    private readonly store: ServersStore,
    private readonly tasks: TaskManager,
    private readonly volumes: VolumeFacade,
    private readonly driver: HypervisorDriver,
  ) {
    tasks.register<AttachPayload>('volume-attach', {
      run: async (task) => {
        const s = await this.store.get(task.resourceId);
        const p = task.payload;
        const event = await this.store.startEvent(p.actionId, 'compute_attach_volume', s?.host ?? null);
        if (!s) throw new Error(`Instance ${task.resourceId} could not be found.`);
        // NOTE: the reservation is made here, under the attachment id the API chose, so that a task
        // resumed after a crash finds its own reservation instead of a volume someone reserved.
        await this.volumes.reserve(p.volumeId, s.id, { projectId: s.project_id, isAdmin: true }, p.attachmentId);
        // NOTE: as Nova for a shelved-offloaded server: no host to connect; the volume is in use for it.
        if (s.host) {
          const { path, qosSpecs } = await this.volumes.connect(p.attachmentId, s.host);
          await this.driver.attachVolume(s.host, s.id, p.device, path, volumeQos(qosSpecs));
        }
        await this.volumes.complete(p.attachmentId, p.device);
        await this.store.db.transaction().execute(async (tx) => {
          await this.store.finishEvent(event, 'Success', null, tx as Db);
          await this.tasks.complete(task.id, tx as Db);
        });
      },
      failed: async (task, err) => {
        // NOTE: as Nova: a failed attach rolls the reservation back and drops the mapping.
        await this.volumes.rollback(task.payload.attachmentId).catch(() => {});
        await this.dropBdm(task.resourceId, task.payload.volumeId);
        await this.store.addFault({ instance_uuid: task.resourceId, code: 500, message: err instanceof Error ? err.message : String(err), details: '', host: null, created_at: now() }).catch(() => {});
      },
    });
    tasks.register<DetachPayload>('volume-detach', {
      run: async (task) => {
        const s = await this.store.get(task.resourceId);
        const p = task.payload;
        const event = await this.store.startEvent(p.actionId, 'compute_detach_volume', s?.host ?? null);
        await this.volumes.beginDetaching(p.attachmentId);
        if (s?.host) await this.driver.detachVolume(s.host, s.id, p.device);
        await this.volumes.detach(p.attachmentId);
        await this.dropBdm(task.resourceId, p.volumeId);
        await this.store.db.transaction().execute(async (tx) => {
          await this.store.finishEvent(event, 'Success', null, tx as Db);
          await this.tasks.complete(task.id, tx as Db);
        });
      },
      failed: async (task) => {
        // NOTE: Nova's roll_detaching: the volume stays attached.
        await this.volumes.complete(task.payload.attachmentId, task.payload.device).catch(() => {});
      },
    });
    // NOTE: Nova's swap_volume with attachments of the 3.44 API: the new volume reserved under the
    // id the API chose (a resumed swap finds it), connected, handed to the hypervisor (which copies
    // the data and pivots the guest's disk), attached at the old device; then the old attachment
    // deleted (the old volume available, or in use by its other servers) and the mapping moved to
    // the new volume. A failure leaves the old volume attached and the new one available.
    tasks.register<SwapPayload>('volume-swap', {
      run: async (task) => {
        const s = await this.store.get(task.resourceId);
        const p = task.payload;
        const event = await this.store.startEvent(p.actionId, 'compute_swap_volume', s?.host ?? null);
        try {
          if (!s?.host) throw new Error(`Instance ${task.resourceId} has no host to swap volume ${p.oldVolumeId} on.`);
          await this.volumes.reserve(p.newVolumeId, s.id, { projectId: s.project_id, isAdmin: true }, p.newAttachmentId);
          const { path } = await this.volumes.connect(p.newAttachmentId, s.host);
          await this.driver.swapVolume(s.host, s.id, p.device, path);
          await this.volumes.complete(p.newAttachmentId, p.device);
          await this.volumes.detach(p.oldAttachmentId);
          const size = (await this.volumes.findVolume(p.newVolumeId, { projectId: undefined, isAdmin: true }))?.size;
          await this.store.db.transaction().execute(async (tx) => {
            const current = (await this.store.get(s.id, tx as Db))!;
            await this.store.update(s.id, {
              block_devices: current.block_devices.map((b) => (b.volume_id === p.oldVolumeId
                ? { ...b, volume_id: p.newVolumeId, uuid: p.newVolumeId, source_type: 'volume', attachment_id: p.newAttachmentId, volume_size: size ?? b.volume_size }
                : b)),
            }, tx as Db);
            await this.store.finishEvent(event, 'Success', null, tx as Db);
            await this.tasks.complete(task.id, tx as Db);
          });
        } catch (err) {
          await this.store.finishEvent(event, 'Error', err instanceof Error ? err.stack ?? err.message : String(err)).catch(() => {});
          throw err;
        }
      },
      failed: async (task, err) => {
        // NOTE: as Nova's _swap_volume: the new attachment deleted, the old volume's detach rolled back.
        await this.volumes.rollback(task.payload.newAttachmentId).catch(() => {});
        await this.volumes.rollDetaching(task.payload.oldAttachmentId).catch(() => {});
        const s = await this.store.get(task.resourceId).catch(() => undefined);
        await this.store.addFault({
          instance_uuid: task.resourceId, code: 500, message: err instanceof Error ? err.message : String(err),
          details: err instanceof Error ? err.stack ?? '' : '', host: s?.host ?? null, created_at: now(),
        }).catch(() => {});
      },
    });
  }

  list(s: InstanceRecord): BlockDevice[] { return volumeBdms(s); }

  show(s: InstanceRecord, volumeId: string): BlockDevice {
    const b = volumeBdms(s).find((x) => x.volume_id === volumeId);
    if (!b) throw volumeNotAttached(s.id);
    return b;
  }

  async attach(s: InstanceRecord, caller: Caller, req: AttachRequest): Promise<BlockDevice> {
    this.checkState(s, 'attach_volume');
    const volume = await this.volumes.findVolume(req.volumeId, { projectId: caller.projectId, isAdmin: caller.isAdmin });
    if (!volume) throw volumeNotFound(req.volumeId);
    if (volumeBdms(s).some((b) => b.volume_id === req.volumeId)) {
      throw invalidVolume(`volume ${req.volumeId} is already attached to instance ${s.id}.`);
    }
    if (volume.multiattach && s.vm_state === 'shelved_offloaded') throw multiattachToShelved();
    if (volume.multiattach && !req.supportsMultiattach) throw multiattachOldMicroversion();
    if (volume.status !== 'available' && !(volume.multiattach && volume.status === 'in-use')) {
      throw volumeNotAvailable(volume.id, volume.status);
    }
    const device = this.nextDevice(s);
    const attachmentId = randomUUID();
    const bdm: BlockDevice = {
      boot_index: null, uuid: req.volumeId, source_type: 'volume', destination_type: 'volume', volume_size: volume.size,
      delete_on_termination: req.deleteOnTermination ?? false, device_name: device, volume_id: req.volumeId, tag: req.tag ?? null,
      attachment_id: attachmentId,
    };
    const task = await this.store.db.transaction().execute(async (tx) => {
      const current = (await this.store.get(s.id, tx as Db))!;
      await this.store.update(s.id, { block_devices: [...current.block_devices, bdm] }, tx as Db);
      const actionId = await this.store.startAction({ action: 'attach_volume', instance_uuid: s.id, ...recordedBy(caller), start_time: now() }, tx as Db);
      return this.tasks.record(tx as Db, 'volume-attach', s.id, { volumeId: req.volumeId, attachmentId, device, actionId } satisfies AttachPayload);
    });
    this.tasks.start(task);
    return bdm;
  }

  async detach(s: InstanceRecord, caller: Caller, volumeId: string): Promise<void> {
    this.checkState(s, 'detach_volume');
    const b = volumeBdms(s).find((x) => x.volume_id === volumeId);
    if (!b) throw volumeBdmNotFound(volumeId);
    if (b.boot_index === 0) throw invalidVolume("Can't detach root device volume");
    if (!b.attachment_id) throw volumeStillAttaching(volumeId);
    const task = await this.store.db.transaction().execute(async (tx) => {
      const actionId = await this.store.startAction({ action: 'detach_volume', instance_uuid: s.id, ...recordedBy(caller), start_time: now() }, tx as Db);
      return this.tasks.record(tx as Db, 'volume-detach', s.id, { volumeId, attachmentId: b.attachment_id!, device: b.device_name ?? '', actionId } satisfies DetachPayload);
    });
    this.tasks.start(task);
  }

  /**
   * Before a server with volume mappings spawns (Nova's _prep_block_device): the volumes its
   * mappings create (from an image, a snapshot or blank) are made and awaited, and every volume
   * is reserved, connected to `host` and completed at its device. Returns the root volume's file
   * when the server boots from a volume; the other volumes go to the hypervisor after the spawn
   * (`attachAfterSpawn`).
   */
  async prepareBlockDevices(s: InstanceRecord, host: string): Promise<{ rootPath: string | null; others: { device: string; path: string; qos?: VolumeQos }[] }> {
    const bdms = [...s.block_devices];
    let rootPath: string | null = null;
    const others: { device: string; path: string; qos?: VolumeQos }[] = [];
    let next = 0;
    const used = new Set(bdms.map((b) => b.device_name).filter(Boolean));
    const device = (b: BlockDevice) => {
      if (b.device_name) return b.device_name;
      if (b.boot_index === 0) return '/dev/vda';
      for (;;) { const d = `/dev/vd${String.fromCharCode(98 + next++)}`; if (!used.has(d)) { used.add(d); return d; } }
    };
    for (const b of bdms) {
      if (b.destination_type !== 'volume') continue;
      if (!b.volume_id) {
        const { id } = await this.volumes.createVolume({
          projectId: s.project_id, userId: s.user_id, sizeGb: b.volume_size ?? 1, name: b.source_type === 'blank' ? `${s.id}-blank-vol` : '',
          imageId: b.source_type === 'image' ? b.uuid ?? undefined : undefined, snapshotId: b.source_type === 'snapshot' ? b.uuid ?? undefined : undefined,
        });
        b.volume_id = id;
        await this.saveBdms(s.id, bdms);
        await this.awaitAvailable(id);
      }
      b.device_name = device(b);
      b.attachment_id ??= randomUUID();
      await this.saveBdms(s.id, bdms);
      await this.volumes.reserve(b.volume_id, s.id, { projectId: s.project_id, isAdmin: true }, b.attachment_id);
      const { path, qosSpecs } = await this.volumes.connect(b.attachment_id, host);
      await this.volumes.complete(b.attachment_id, b.device_name);
      if (b.boot_index === 0) rootPath = path;
      else others.push({ device: b.device_name, path, qos: volumeQos(qosSpecs) });
    }
    return { rootPath, others };
  }

  async attachAfterSpawn(s: InstanceRecord, host: string, others: { device: string; path: string; qos?: VolumeQos }[]): Promise<void> {
    for (const o of others) await this.driver.attachVolume(host, s.id, o.device, o.path, o.qos);
  }

  /** Nova's block_device_allocate_retries: a created volume has a while to become available. */
  private async awaitAvailable(id: string, timeoutMs = 180_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.volumes.findVolume(id, { projectId: undefined, isAdmin: true });
      if (v?.status === 'available') return;
      if (!v || v.status === 'error') throw new Error(`Volume ${id} did not finish being created even after we waited. Status: ${v?.status ?? 'deleted'}.`);
      if (Date.now() > end) throw new Error(`Volume ${id} did not finish being created even after we waited ${Math.round(timeoutMs / 1000)} seconds.`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async saveBdms(serverId: string, bdms: BlockDevice[]): Promise<void> {
    await this.store.update(serverId, { block_devices: bdms });
  }

  /**
   * PUT os-volume_attachments/{volume_id} (Nova's update): from 2.85 the attachment's attributes
   * (only delete_on_termination changes; id, serverId, device and tag must be what they are);
   * when the body names another volume, or before 2.85, a swap. The policy (update or swap) is
   * the route's.
   */
  async update(s: InstanceRecord, caller: Caller, volumeId: string, req: UpdateRequest): Promise<void> {
    if (req.regular) {
      const b = volumeBdms(s).find((x) => x.volume_id === volumeId);
      if (!b) throw volumeBdmIdNotFound(volumeId);
      if (req.id !== undefined && req.id !== volumeId) throw attachmentNotMutable('id');
      if (req.serverId !== undefined && req.serverId !== s.id) throw attachmentNotMutable('serverId');
      if (req.device !== undefined && req.device !== b.device_name) throw attachmentNotMutable('device');
      if (req.tag !== undefined && req.tag !== b.tag) throw attachmentNotMutable('tag');
      if (req.volumeId === volumeId) {
        if (req.deleteOnTermination !== undefined) await this.setDeleteOnTermination(s.id, volumeId, req.deleteOnTermination);
        return;
      }
    }
    await this.swap(s, caller, volumeId, req.volumeId, req.regular ? req.deleteOnTermination : undefined);
  }

  /**
   * Nova's swap_volume (compute/api.py): the checks, the old volume `detaching` in Cinder (which
   * keeps a second swap or a detach away), an instance action, and the work recorded for the
   * manager. Every refusal leaves everything as it was. `deleteOnTermination` (2.85) is saved
   * with the intent, as Nova saves it before it swaps.
   */
  private async swap(s: InstanceRecord, caller: Caller, oldId: string, newId: string, deleteOnTermination?: boolean): Promise<void> {
    const viewer = { projectId: caller.projectId, isAdmin: caller.isAdmin };
    const old = await this.volumes.findVolume(oldId, viewer);
    if (!old) throw volumeNotFound(oldId);
    const next = await this.volumes.findVolume(newId, viewer);
    if (!next) throw swapVolumeNotFound(newId);
    if (s.locked && !caller.isAdmin) throw instanceLocked(s.id);
    if (!SWAPPABLE.has(s.vm_state)) throw instanceInvalidState('swap_volume', s.id, 'vm_state', s.vm_state);
    if (s.task_state !== null) throw instanceInvalidState('swap_volume', s.id, 'task_state', s.task_state);
    const held = await this.volumes.attachmentsOf(oldId);
    const mine = held.find((a) => a.serverId === s.id && a.attached);
    if (!mine) throw oldVolumeElsewhere();
    if (next.status === 'in-use') throw newVolumeAttached();
    if (next.size < old.size) throw newVolumeTooSmall();
    if (old.status !== 'in-use') throw volumeNotDetachable();
    // NOTE: Nova leaves a new volume that is not available to Cinder's attachment_create; its
    // refusal comes back as this 400 here, before anything changed.
    if (next.status !== 'available') throw volumeNotAvailable(next.id, next.status);
    await this.volumes.beginDetaching(mine.id);
    try {
      const rw = held.filter((a) => a.attached && a.mode === 'rw').length;
      if ((old.multiattach ? rw : held.length) > 1) throw multiattachSwapNotSupported();
      const b = volumeBdms(s).find((x) => x.volume_id === oldId);
      if (!b) throw volumeBdmIdNotFound(oldId);
      const task = await this.store.db.transaction().execute(async (tx) => {
        if (deleteOnTermination !== undefined) await this.setDeleteOnTermination(s.id, oldId, deleteOnTermination, tx as Db);
        const actionId = await this.store.startAction({ action: 'swap_volume', instance_uuid: s.id, ...recordedBy(caller), start_time: now() }, tx as Db);
        return this.tasks.record(tx as Db, 'volume-swap', s.id, {
          oldVolumeId: oldId, newVolumeId: newId, oldAttachmentId: mine.id, newAttachmentId: randomUUID(), device: b.device_name ?? '', actionId,
        } satisfies SwapPayload);
      });
      this.tasks.start(task);
    } catch (err) {
      await this.volumes.rollDetaching(mine.id);
      throw err;
    }
  }

  /** 2.85: whether the volume goes with the server. */
  /** A volume mapping's delete_on_termination, on the server as it is now (in `tx` when given). */
  async setDeleteOnTermination(serverId: string, volumeId: string, value: boolean, tx?: Db): Promise<void> {
    const current = (await this.store.get(serverId, tx))!;
    await this.store.update(serverId, { block_devices: current.block_devices.map((b) => (b.volume_id === volumeId ? { ...b, delete_on_termination: value } : b)) }, tx);
  }

  /** On server delete: every volume detached; those marked delete_on_termination deleted. */
  async releaseAll(serverId: string): Promise<void> {
    const s = await this.store.get(serverId);
    if (!s) return;
    for (const b of volumeBdms(s)) {
      if (b.attachment_id) await this.volumes.detach(b.attachment_id).catch(() => {});
      if (b.delete_on_termination) await this.volumes.deleteVolume(b.volume_id!).catch(() => {});
    }
  }

  private async dropBdm(serverId: string, volumeId: string): Promise<void> {
    await this.store.db.transaction().execute(async (tx) => {
      const s = await this.store.get(serverId, tx as Db);
      if (s) await this.store.update(serverId, { block_devices: s.block_devices.filter((b) => b.volume_id !== volumeId) }, tx as Db);
    });
  }

  /** The next free /dev/vdX after the root disk and the volumes already mapped (Nova's libvirt naming). */
  private nextDevice(s: InstanceRecord): string {
    const used = new Set(s.block_devices.map((b) => b.device_name).filter(Boolean));
    used.add('/dev/vda');
    for (let i = 1; i < 26; i++) {
      const d = `/dev/vd${String.fromCharCode(97 + i)}`;
      if (!used.has(d)) return d;
    }
    throw noFreeDevice();
  }

  private checkState(s: InstanceRecord, action: string): void {
    if (!ATTACHABLE.has(s.vm_state) || s.task_state !== null) {
      throw s.task_state !== null ? instanceInvalidState(action, s.id, 'task_state', s.task_state) : instanceInvalidState(action, s.id, 'vm_state', s.vm_state);
    }
  }
}
