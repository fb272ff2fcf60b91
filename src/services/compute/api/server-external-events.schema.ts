import { Type } from '@sinclair/typebox';
import { OneOf, strict, Uuid, versioned } from './schemas.js';

// nova/api/openstack/compute/schemas/server_external_events.py: the event names each microversion
// adds (volume-extended 2.51, power-update 2.76, accelerator-request-bound 2.82).

const names = (has: (v: string) => boolean) => ['network-changed', 'network-vif-plugged', 'network-vif-unplugged', 'network-vif-deleted',
  ...(has('2.51') ? ['volume-extended'] : []), ...(has('2.76') ? ['power-update'] : []), ...(has('2.82') ? ['accelerator-request-bound'] : [])];
const body = (known: string[]) => Type.Object({
  events: Type.Array(strict({
    name: OneOf(known), server_uuid: Uuid, status: OneOf(['failed', 'completed', 'in-progress']), tag: Type.String({ maxLength: 255 }),
  }, ['name', 'server_uuid']), { minItems: 1 }),
}, { additionalProperties: false });

export const ExternalEventsCreate = versioned(body(names(() => true)), ['2.51', '2.76', '2.82'], (has) => body(names(has)));
