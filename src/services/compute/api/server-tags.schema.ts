import { Type } from '@sinclair/typebox';
import { Tags } from './schemas.js';

// nova/api/openstack/compute/schemas/server_tags.py: PUT /servers/{id}/tags replaces them all.
export const TagsBody = Type.Object({ tags: Tags }, { additionalProperties: false });
