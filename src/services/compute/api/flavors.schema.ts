import { Type } from '@sinclair/typebox';
import { MV } from '../microversions.js';
import { NAME } from './aggregates.schema.js';
import { BoolLike, gated, IntLike, METADATA_KEY, strict, versioned, wrapped } from './schemas.js';

// nova/api/openstack/compute/schemas/flavor_manage.py, flavors_extraspecs.py, flavor_access.py.

const Description = Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 65535 });
const props = {
  name: Type.String(NAME),
  // NOTE: Nova takes a number too (tempest sends int ids) and stores its text.
  id: Type.Unsafe<string | number | null>({ type: ['string', 'number', 'null'], minLength: 1, maxLength: 255, pattern: '^(?! )[a-zA-Z0-9. _-]+(?<! )$' }),
  ram: IntLike(1), vcpus: IntLike(1), disk: IntLike(0), 'OS-FLV-EXT-DATA:ephemeral': IntLike(0), swap: IntLike(0),
  rxtx_factor: Type.Unsafe<number | string>({
    type: ['number', 'string'], pattern: '^(?!0+(\\.0+)?$)[0-9]+(\\.[0-9]+)?$', exclusiveMinimum: 0, maximum: 3.40282e38,
  }),
  'os-flavor-access:is_public': BoolLike,
};
const REQUIRED = ['name', 'ram', 'vcpus', 'disk'] as const;

/** Flavor create: description from 2.55. */
export const FlavorCreate = versioned(
  wrapped('flavor', { ...props, description: Description }, [...REQUIRED]),
  [MV.flavorDescription],
  (has) => Type.Object({ flavor: strict(has(MV.flavorDescription) ? { ...props, description: Description } : props, [...REQUIRED]) }),
);

/** PUT /flavors/{id} exists from 2.55 (405 before, whatever the body). */
export const FlavorUpdate = gated(wrapped('flavor', { description: Description }, ['description']));

/** Extra specs: keys as metadata keys, string, number or boolean values. */
export const ExtraSpecs = Type.Unsafe<Record<string, string | number | boolean>>({
  type: 'object', propertyNames: { pattern: METADATA_KEY }, additionalProperties: { type: ['string', 'number', 'boolean'], maxLength: 255 },
});
export const ExtraSpecsCreate = Type.Object({ extra_specs: ExtraSpecs }, { additionalProperties: false });

/** Flavor access actions; another action name reaches the handler ("There is no such action"). */
const Tenant = strict({ tenant: Type.String({ minLength: 1, maxLength: 255 }) }, ['tenant']);
export const FlavorAction = Type.Object({ addTenantAccess: Type.Optional(Tenant), removeTenantAccess: Type.Optional(Tenant) }, { additionalProperties: true });
