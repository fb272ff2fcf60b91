import { Type } from '@sinclair/typebox';
import { compiled, METADATA_KEY, strict, wrapped } from './schemas.js';

// nova/api/openstack/compute/schemas/aggregates.py: names of 1-255 characters without leading or
// trailing blanks or control characters; one action per body.

/** Aggregate and zone names (also an availability_zone set as metadata). */
export const NAME = { minLength: 1, maxLength: 255, pattern: '^(?!\\s)[^\\x00-\\x1f]*(?<!\\s)$' };
const AggregateName = Type.String(NAME);
const Zone = Type.Unsafe<string | null>({ type: ['string', 'null'], ...NAME });

export const AggregateCreate = wrapped('aggregate', { name: AggregateName, availability_zone: Zone }, ['name']);
export const AggregateUpdate = wrapped('aggregate', { name: AggregateName, availability_zone: Zone }, [], { minProperties: 1 });

const Host = strict({ host: AggregateName }, ['host']);
const AggregateMetadata = Type.Unsafe<Record<string, string | null>>({
  type: 'object', propertyNames: { pattern: METADATA_KEY }, additionalProperties: { type: ['string', 'null'], maxLength: 255 },
});
export const AggregateAction = Type.Object({
  add_host: Type.Optional(Host), remove_host: Type.Optional(Host),
  set_metadata: Type.Optional(strict({ metadata: AggregateMetadata }, ['metadata'])),
}, { additionalProperties: false, minProperties: 1, maxProperties: 1 });

/** An availability_zone set through set_metadata is checked as a name too. */
export const AvailabilityZone = compiled(Type.String(NAME));
