// The block-storage driver: what the volume service asks of the backend that keeps volume bytes.
//
// Contract (every implementation, the fake included, passes test/drivers/block-storage.contract.ts):
// - Plain values in and out: ids, sizes in GiB, file paths. A driver imports no store or service.
//   Volumes, snapshots and backups are named by their UUIDs; one driver serves one backend (one
//   pool, Cinder's `host@backend#pool`).
// - The service calls the driver only after its database commit (intent first), from its work
//   manager, never from a request handler; calls may block on host work (qemu-img: seconds).
// - Failure: a call throws BlockStorageError with a message fit for the volume's error reason;
//   the service then moves the resource to `error` (`error_extending`, `error_deleting` ...).
//   A failed create leaves no file behind: bytes are written under a temporary name, fsynced and
//   renamed, so a crash at any point leaves either the whole volume or nothing that `list` names.
// - Creates are not idempotent: creating a volume or snapshot whose id exists throws
//   BlockStorageError ("already exists"), so a resumed task can tell it apart. Deletes are
//   idempotent: deleting an absent volume, snapshot or backup succeeds.
// - A snapshot is a point-in-time copy independent of later writes to its volume; a volume may
//   be deleted only by the service after its snapshots are (the driver does not check).
// - `createVolume` with a `source` fills the new volume from an image file (qcow2 or raw, converted
//   as needed), a snapshot or another volume, then grows it to `sizeGb`; never reading a whole
//   file into memory. A source larger than `sizeGb` throws BlockStorageError.
// - `extendVolume` only grows (a smaller or equal size throws BlockStorageError).
// - `exportVolume` writes a volume's bytes to a path the service owns (for upload to an image),
//   in the format asked; the service removes that file.
// - `importVolume` overwrites an existing volume's bytes with a file's (qcow2 or raw, the service
//   owns and removes the file): a volume larger than the file keeps its size. The service calls it
//   only on a volume no guest uses (restoring a backup kept outside the driver: Cinder's Swift
//   backup driver).
// - Backups (Cinder's posix layout under the driver's backup dir): `backupVolume` copies a volume
//   (or, with `parentId`, what changed since that backup: the driver may store a full copy);
//   `restoreBackup` overwrites a volume's bytes with a backup's (growing it when the volume is
//   larger is the service's concern, not the driver's); a backup outlives its volume.
// - `stats` reports the backend's capacity for the scheduler and `get_pools`: sizes in GiB,
//   `provisionedGb` the sum of the sizes of the volumes it holds.
// - `list` names every volume, snapshot and backup the backend holds (for reconciling on start:
//   a volume left `creating` by a crash is `error` when the driver does not list it); `cleanup`
//   removes temporary files a crash left.
// - `connection` says how a hypervisor reaches an attached volume: a file path and its format.
// - Manage and unmanage (Cinder's manage_existing, unmanage, get_manageable_volumes and their
//   snapshot twins). A reference names an object on the backend as Cinder's API passes it, a plain
//   object: `{"source-name": "<the backend's name>"}` or `{"source-id": "<the id in that name>"}`;
//   the backend's names are `volume-<id>` and `snapshot-<id>` (Cinder's volume_name_template and
//   snapshot_name_template), and objects the service never made may have any name.
//   - `listManageable(kind, managedIds)` lists every volume (or snapshot) the backend holds, as
//     Cinder's drivers do: its reference, its size in GiB rounded up, and whether it is safe to
//     manage: an object whose name carries an id of `managedIds` is not ("already managed", with
//     `cinderId`), nor is a volume a guest has open ("volume in use"); a snapshot names the volume
//     it was taken of when the backend knows it (`sourceName`). Unordered; the service pages.
//   - `manageableSize(kind, ref)` is the size in GiB (rounded up) of the object `ref` names;
//     `manageExisting(kind, id, ref)` takes it under `id`: renamed to `id`'s name, so every other
//     call then knows it by `id` (a snapshot's `volumeId` is the service's concern). Both throw
//     ManageExistingInvalidReference when `ref` names nothing (or has neither key), and
//     `manageExisting` throws BlockStorageError when `id`'s name is taken.
//   - `unmanage(kind, id)` forgets nothing and deletes nothing: the object stays on the backend
//     under its name, listed by `list` and `listManageable`, until it is managed again. The service
//     removes only its own records. Idempotent.
// - `close` releases what the driver holds.

import { py } from '../../core/http/jsonschema-errors.js';

export class BlockStorageError extends Error {}
export class VolumeNotFound extends BlockStorageError {
  constructor(readonly volumeId: string) { super(`Volume ${volumeId} could not be found.`); }
}
export class SnapshotNotFound extends BlockStorageError {
  constructor(readonly snapshotId: string) { super(`Snapshot ${snapshotId} could not be found.`); }
}
export class BackupNotFound extends BlockStorageError {
  constructor(readonly backupId: string) { super(`Backup ${backupId} could not be found.`); }
}

/**
 * Cinder's ManageExistingInvalidReference: `ref` as Python prints a dict, as Cinder's message does
 * (for the volume's error reason).
 */
export class ManageExistingInvalidReference extends BlockStorageError {
  constructor(readonly ref: unknown, readonly reason: string) {
    super(`Manage existing volume failed due to invalid backend reference ${py(ref)}: ${reason}`);
  }
}

export type ManageableKind = 'volume' | 'snapshot';
/** A reference to an object on the backend, as Cinder's manage API passes it. */
export type ExistingRef = Record<string, unknown>;

/** An object on the backend as Cinder's get_manageable_volumes (and _snapshots) report it. */
export interface ManageableObject {
  reference: { 'source-name': string };
  sizeGb: number;
  safeToManage: boolean;
  reasonNotSafe: string | null;
  cinderId: string | null;
  extraInfo: string | null;
  /** A snapshot's volume by its backend name (null when not known); absent for volumes. */
  sourceReference?: { 'source-name': string } | null;
}

/** The backend's name of the object a reference names: its `source-name`, or the name its `source-id` has. */
export function referencedName(kind: ManageableKind, ref: ExistingRef): string {
  const name = ref['source-name'];
  if (typeof name === 'string' && name !== '') return name;
  const id = ref['source-id'];
  if (typeof id === 'string' && id !== '') return `${kind}-${id}`;
  throw new ManageExistingInvalidReference(ref, 'Reference must contain source-name or source-id element.');
}

/** The id a backend name carries (`volume-<id>`, `snapshot-<id>`), if it has that form. */
export function idInName(kind: ManageableKind, name: string): string | null {
  return name.startsWith(`${kind}-`) && name.length > kind.length + 1 ? name.slice(kind.length + 1) : null;
}

export type VolumeSource =
  | { kind: 'image'; path: string; format: 'qcow2' | 'raw' }
  | { kind: 'snapshot'; id: string }
  | { kind: 'volume'; id: string };

export interface BackendStats {
  /** Cinder's volume_backend_name. */
  backendName: string;
  driverVersion: string;
  storageProtocol: string;
  vendorName: string;
  totalGb: number;
  freeGb: number;
  /** The sum of the sizes of the volumes held (thin provisioning: may exceed what is used). */
  provisionedGb: number;
  thinProvisioning: boolean;
}

export interface VolumeConnection {
  /** Cinder's driver_volume_type as os-brick knows it ('file' for a local file). */
  driverVolumeType: string;
  path: string;
  format: 'qcow2' | 'raw';
}

export interface BackendInventory {
  volumes: string[];
  snapshots: string[];
  backups: string[];
}

export interface BlockStorageDriver {
  readonly name: string;
  stats(): Promise<BackendStats>;
  createVolume(id: string, sizeGb: number, source?: VolumeSource): Promise<void>;
  deleteVolume(id: string): Promise<void>;
  extendVolume(id: string, newSizeGb: number): Promise<void>;
  /** Bytes actually used on the backend by a volume (for thin provisioning and backups). */
  volumeUsage(id: string): Promise<number>;
  createSnapshot(snapshotId: string, volumeId: string): Promise<void>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  exportVolume(id: string, path: string, format: 'qcow2' | 'raw'): Promise<{ size: number }>;
  importVolume(id: string, path: string, format: 'qcow2' | 'raw'): Promise<void>;
  backupVolume(backupId: string, volumeId: string, parentId?: string): Promise<{ size: number }>;
  restoreBackup(backupId: string, volumeId: string): Promise<void>;
  deleteBackup(backupId: string): Promise<void>;
  connection(volumeId: string): Promise<VolumeConnection>;
  list(): Promise<BackendInventory>;
  listManageable(kind: ManageableKind, managedIds: readonly string[]): Promise<ManageableObject[]>;
  manageableSize(kind: ManageableKind, ref: ExistingRef): Promise<number>;
  manageExisting(kind: ManageableKind, id: string, ref: ExistingRef): Promise<void>;
  unmanage(kind: ManageableKind, id: string): Promise<void>;
  cleanup(): Promise<void>;
  close(): Promise<void>;
}
