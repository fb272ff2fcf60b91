// What other services (compute) may call on volumes: plain values in and out.
//
// - findVolume: the volume if the viewer may see it (its project's, or any for an admin).
// - connection: how the hypervisor reaches a volume's bytes (a file path and its format).
// - reserve → connect → complete: Nova's attach (attachment_create, attachment_update with the
//   host's connector, attachment_complete); reserve throws Cinder's 400 (InvalidVolume) for a
//   volume that is not available. beginDetaching → detach: Nova's detach (the attachment
//   deleted; the volume available once none is left). rollback: an attach that failed.
// - Nova's swap (os-volume_attachments PUT with another volumeId) is the same calls on two
//   volumes: beginDetaching on the old one's attachment (Cinder's begin_detaching), reserve →
//   connect → complete on the new one, then detach of the old attachment, as Nova does for
//   attachments of the 3.44 API (Cinder's migrate_volume_completion is only for a swap Cinder
//   itself asked for, a migration; none happens here). rollDetaching undoes beginDetaching when
//   the swap fails (the old volume in-use again). attachmentsOf tells who holds a volume and how
//   (Nova counts the read/write attachments of a multiattach volume before a swap).
// - deleteVolume: delete_on_termination (the volume goes as a delete through the API would).
// - createVolume: Nova's boot from volume (source image, snapshot or blank; destination volume).

export interface FacadeVolume {
  id: string; name: string | null; status: string; size: number; projectId: string; bootable: boolean; multiattach: boolean;
}
/** A volume as Nova's os-volumes proxy shows it. */
export interface FacadeVolumeDetail {
  id: string; status: string; size: number; availabilityZone: string; createdAt: string; name: string | null; description: string | null;
  volumeType: string | null; snapshotId: string | null; metadata: Record<string, string>;
  attachments: { serverId: string | null; device: string | null }[];
}
export interface FacadeSnapshot { id: string; volumeId: string; status: string; size: number; createdAt: string; name: string | null; description: string | null }
export interface FacadeAttachment { id: string; serverId: string | null; mode: 'rw' | 'ro'; attached: boolean }
export type Caller = { projectId: string | undefined; userId: string | undefined; isAdmin: boolean };

export type FacadeViewer = { projectId: string | undefined; isAdmin: boolean };

export interface VolumeFacade {
  findVolume(id: string, viewer: FacadeViewer): Promise<FacadeVolume | undefined>;
  connection(id: string): Promise<{ path: string; format: 'qcow2' | 'raw' }>;
  /** With `attachmentId`, a reservation already made under that id is returned as it is (a resumed attach). */
  reserve(volumeId: string, serverId: string, viewer: FacadeViewer, attachmentId?: string): Promise<{ attachmentId: string }>;
  /** `qosSpecs`: the connection info's qos_specs (the volume type's front-end QoS specs), null when none. */
  connect(attachmentId: string, host: string): Promise<{ path: string; format: 'qcow2' | 'raw'; qosSpecs: Record<string, string> | null }>;
  complete(attachmentId: string, device: string): Promise<void>;
  beginDetaching(attachmentId: string): Promise<void>;
  /** Cinder's roll_detaching: a volume left `detaching` by beginDetaching is in-use again. */
  rollDetaching(attachmentId: string): Promise<void>;
  /** The volume's attachments (reserved ones included): the server, the mode, whether it is attached. */
  attachmentsOf(volumeId: string): Promise<FacadeAttachment[]>;
  detach(attachmentId: string): Promise<void>;
  rollback(attachmentId: string): Promise<void>;
  deleteVolume(volumeId: string): Promise<void>;
  /** A new volume for a server's block device mapping (from an image, a snapshot or blank); it is `creating` until the backend has it. */
  createVolume(args: { projectId: string; userId: string; sizeGb: number; name: string; imageId?: string; snapshotId?: string }): Promise<{ id: string }>;
  /** Nova's os-volumes and os-snapshots proxy (to 2.35): Cinder's calls as the caller, Cinder's errors. */
  proxy: {
    listVolumes(caller: Caller): Promise<FacadeVolumeDetail[]>;
    getVolume(caller: Caller, id: string): Promise<FacadeVolumeDetail>;
    createVolume(caller: Caller, args: { size: number; name?: string | null; description?: string | null; volumeType?: string | null; metadata?: Record<string, string>; availabilityZone?: string | null; snapshotId?: string | null }): Promise<FacadeVolumeDetail>;
    deleteVolume(caller: Caller, id: string): Promise<void>;
    listSnapshots(caller: Caller): Promise<FacadeSnapshot[]>;
    getSnapshot(caller: Caller, id: string): Promise<FacadeSnapshot>;
    createSnapshot(caller: Caller, args: { volumeId: string; force?: boolean; name?: string | null; description?: string | null }): Promise<FacadeSnapshot>;
    deleteSnapshot(caller: Caller, id: string): Promise<void>;
  };
}
