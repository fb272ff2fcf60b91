import { Type } from '@sinclair/typebox';
import { BoolLike, OneOf, strict, versioned } from './schemas.js';

// nova/api/openstack/compute/schemas/services.py (os-services lives beside os-hypervisors).

const Text = Type.String({ maxLength: 255 });
/**
 * PUT /os-services/{id}: before 2.53 the id names the action and the body the service (host,
 * binary; forced_down for force-down); from 2.53 the id is the service's and the body its status.
 */
export const ServiceUpdate = versioned(
  strict({ host: Text, binary: Text, disabled_reason: Text, forced_down: BoolLike, status: OneOf(['enabled', 'disabled']) }),
  ['2.53'],
  (has) => (has('2.53')
    ? strict({ status: OneOf(['enabled', 'disabled']), disabled_reason: Text, forced_down: BoolLike })
    : strict({ host: Text, binary: Text, disabled_reason: Text, forced_down: BoolLike }, ['host', 'binary'])),
);
