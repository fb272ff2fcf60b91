import { gated, MetadataBody, MetaItemBody } from './schemas.js';

// nova/api/openstack/compute/schemas/image_metadata.py: as server metadata; the image proxy's
// metadata is gone from 2.39 (404 whatever the body), so the handlers check after that gate.
export const ImageMetadataBody = gated(MetadataBody);
export const ImageMetaItemBody = gated(MetaItemBody);
