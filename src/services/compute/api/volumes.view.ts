// Cinder's volumes and snapshots as Nova's os-volumes proxy shows them.
import type { FacadeSnapshot, FacadeVolumeDetail } from '../../volume/facade.js';

export function volumeView(v: FacadeVolumeDetail) {
  return {
    id: v.id, status: v.status, size: v.size, availabilityZone: v.availabilityZone, createdAt: v.createdAt, displayName: v.name,
    displayDescription: v.description, volumeType: v.volumeType, snapshotId: v.snapshotId, metadata: v.metadata,
    // NOTE: as Nova: a volume attached nowhere shows one empty attachment.
    attachments: v.attachments.length ? v.attachments.map((a) => ({ id: v.id, volumeId: v.id, serverId: a.serverId, device: a.device })) : [{}],
  };
}

export const snapshotView = (s: FacadeSnapshot) => ({
  id: s.id, volumeId: s.volumeId, status: s.status, size: s.size, createdAt: s.createdAt, displayName: s.name, displayDescription: s.description,
});
