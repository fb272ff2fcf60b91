import { Type } from '@sinclair/typebox';
import { gated } from './schemas.js';

// nova/api/openstack/compute/schemas/floating_ips.py: no body, or a pool name (or null); gone from 2.36.
export const FloatingIpCreate = gated(Type.Unsafe<{ pool?: string | null } | null>({
  type: ['object', 'null'], properties: { pool: { type: ['string', 'null'] } },
}));
