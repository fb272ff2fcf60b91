import { Type } from '@sinclair/typebox';
import { BoolLike, strict, Tag, Uuid, versioned } from './schemas.js';

// nova/api/openstack/compute/schemas/volumes.py: update_volume_attachment (to 2.84: the volume to
// swap to, nothing else) and update_volume_attachment_v285 (the attachment's GET attributes may
// come back; only delete_on_termination may change, the handler checks the rest).

/** match_device() of nova/block_device.py. */
const DEVICE = '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$';

const update = (v285: boolean) => Type.Object({
  volumeAttachment: strict({
    volumeId: Uuid,
    ...(v285 ? {
      device: Type.Unsafe<string | null>({ type: ['string', 'null'], pattern: DEVICE }),
      tag: Tag, delete_on_termination: BoolLike, serverId: Uuid, id: Uuid,
    } : {}),
  }, ['volumeId']),
}, { additionalProperties: false });

export const VolumeAttachmentUpdate = versioned(update(true), ['2.85'], (has) => update(has('2.85')));
