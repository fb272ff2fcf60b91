// Cinder's request schemas (cinder/api/schemas/*.py and parameter_types.py) as TypeBox; failures
// are worded by core's jsonschema-errors, as Cinder's validators word them.
import { Type, type TSchema } from '@sinclair/typebox';
import { py } from '../../../core/http/jsonschema-errors.js';
import { BadRequest } from '../../../core/errors/errors.js';

const UUID = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';
export const NullableString = (opts: Record<string, unknown> = {}) => Type.Unsafe<string | null>({ type: ['string', 'null'], ...opts });
export const OptionalUuid = Type.Unsafe<string | null>({ type: ['string', 'null'], pattern: UUID });
export const Description = NullableString({ maxLength: 255 });
export const Name = NullableString({ maxLength: 255 });
/** parameter_types.volume_size(_allows_null): an integer, or a string of digits, 1 or more. */
export const Size = Type.Unsafe<number | string | null>({ type: ['integer', 'string', 'null'], pattern: '^[0-9]+$', minimum: 1, maximum: 2147483647 });
export const Metadata = Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.String({ maxLength: 255 }));
const TRUE = [true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't'];
const FALSE = [false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f'];
/** parameter_types.boolean: a boolean or one of oslo's boolean words. */
export const Bool = Type.Unsafe<boolean | string>({ type: ['boolean', 'string'], enum: [...TRUE, ...FALSE] });
export const boolOf = (v: boolean | string | undefined | null): boolean => TRUE.includes(v as never);

export const VolumeCreate = Type.Object({
  volume: Type.Object({
    name: Type.Optional(Name), description: Type.Optional(Description),
    display_name: Type.Optional(Name), display_description: Type.Optional(Description),
    volume_type: Type.Optional(NullableString({ maxLength: 255 })),
    metadata: Type.Optional(Type.Union([Metadata, Type.Null()])),
    snapshot_id: Type.Optional(OptionalUuid), source_volid: Type.Optional(OptionalUuid),
    consistencygroup_id: Type.Optional(OptionalUuid), backup_id: Type.Optional(OptionalUuid),
    size: Type.Optional(Size),
    availability_zone: Type.Optional(NullableString({ minLength: 1, maxLength: 255 })),
    multiattach: Type.Optional(Bool),
    image_id: Type.Optional(NullableString({ minLength: 1, maxLength: 255 })),
    imageRef: Type.Optional(NullableString({ minLength: 1, maxLength: 255 })),
    group_id: Type.Optional(OptionalUuid),
  }, { additionalProperties: true }),
  'OS-SCH-HNT:scheduler_hints': Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
}, { additionalProperties: false });

export const VolumeUpdate = Type.Object({
  volume: Type.Object({
    name: Type.Optional(Name), description: Type.Optional(Description),
    display_name: Type.Optional(Name), display_description: Type.Optional(Description),
    metadata: Type.Optional(Metadata),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

export const MetadataBody = Type.Object({ metadata: Metadata }, { additionalProperties: false });
export const MetaItemBody = Type.Object({ meta: Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.String({ maxLength: 255 }), { minProperties: 1, maxProperties: 1 }) }, { additionalProperties: false });

export const SnapshotCreate = Type.Object({
  snapshot: Type.Object({
    name: Type.Optional(Name), description: Type.Optional(Description),
    display_name: Type.Optional(Name), display_description: Type.Optional(Description),
    volume_id: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'] })),
    force: Type.Optional(Bool),
    metadata: Type.Optional(Type.Union([Metadata, Type.Null()])),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

export const SnapshotUpdate = Type.Object({
  snapshot: Type.Object({
    name: Type.Optional(Name), description: Type.Optional(Description),
    display_name: Type.Optional(Name), display_description: Type.Optional(Description),
  }, { additionalProperties: false, minProperties: 1 }),
}, { additionalProperties: false });

/** parameter_types.name_allow_zero_min_length. */
const NameAllowEmpty = NullableString({ maxLength: 255 });
/** parameter_types.metadata_allows_null. */
const MetadataAllowsNull = Type.Union([Type.Record(Type.String({ pattern: '^[a-zA-Z0-9-_:. /]{1,255}$' }), Type.String({ maxLength: 255 })), Type.Null()]);

/** cinder/api/schemas/volume_manage.py (3.16 adds `cluster`, which the route refuses before it). */
export const VolumeManage = Type.Object({
  volume: Type.Object({
    description: Type.Optional(Description), availability_zone: Type.Optional(NameAllowEmpty), bootable: Type.Optional(Bool),
    volume_type: Type.Optional(NameAllowEmpty), name: Type.Optional(NameAllowEmpty),
    host: Type.Optional(NullableString({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._#@:/+\\[\\]]*$' })),
    ref: Type.Unsafe<unknown>({ type: ['object', 'string'] }),
    metadata: Type.Optional(MetadataAllowsNull),
    cluster: Type.Optional(NullableString({ minLength: 0, maxLength: 255 })),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

/** cinder/api/schemas/snapshot_manage.py. */
export const SnapshotManage = Type.Object({
  snapshot: Type.Object({
    description: Type.Optional(Description), metadata: Type.Optional(MetadataAllowsNull), name: Type.Optional(NameAllowEmpty),
    volume_id: Type.String({ pattern: UUID }),
    ref: Type.Unsafe<unknown>({ type: ['object', 'null', 'string'] }),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

export const TypeCreate = Type.Object({
  volume_type: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' }),
    description: Type.Optional(Description),
    'os-volume-type-access:is_public': Type.Optional(Bool),
    extra_specs: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.String({ maxLength: 255 }))),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

export const TypeUpdate = Type.Object({
  volume_type: Type.Object({
    name: Type.Optional(NullableString({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(Description),
    is_public: Type.Optional(Bool),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

export const ExtraSpecs = Type.Object({
  extra_specs: Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.Unsafe<string>({ type: ['string', 'number', 'boolean'], maxLength: 255 })),
}, { additionalProperties: false });
export const ExtraSpecItem = Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.Unsafe<string>({ type: ['string', 'number', 'boolean'], maxLength: 255 }), { minProperties: 1, maxProperties: 1 });

export const QuotaSetBody = Type.Object({
  quota_set: Type.Record(Type.String(), Type.Unknown()),
}, { additionalProperties: false });

/** An action body: one action name with its arguments (checked by `actionArgs`). */
export const ActionBody = Type.Record(Type.String(), Type.Unknown(), { minProperties: 1 });

/**
 * Checks one action's arguments as Cinder's action schemas do (cinder/api/schemas/volume_actions.py),
 * in their words: required keys, booleans, sizes.
 */
export function actionArgs(name: string, args: unknown, spec: Record<string, 'bool' | 'size' | 'string' | 'any'>, required: string[] = []): Record<string, unknown> {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    if (Object.keys(spec).length === 0 && (args === null || args === undefined)) return {};
    throw new BadRequest(`Invalid input for field/attribute ${name}. Value: ${py(args)}. ${py(args)} is not of type 'object'`);
  }
  const a = args as Record<string, unknown>;
  for (const r of required) if (!(r in a)) throw new BadRequest(`Invalid input for field/attribute ${name}. Value: ${py(a)}. '${r}' is a required property`);
  for (const [k, v] of Object.entries(a)) {
    const kind = spec[k];
    if (!kind) continue;
    const bad = (why: string) => new BadRequest(`Invalid input for field/attribute ${k}. Value: ${typeof v === 'string' ? v : py(v)}. ${why}`);
    if (kind === 'bool' && ![...TRUE, ...FALSE].includes(v as never)) throw bad(`${py(v)} is not one of ${py([...TRUE, ...FALSE])}`);
    if (kind === 'size') {
      if (!(Number.isInteger(v) || (typeof v === 'string' && /^[0-9]+$/.test(v)))) throw bad(typeof v === 'string' ? `${py(v)} does not match '^[0-9]+$'` : `${py(v)} is not of type 'integer', 'string'`);
      if (Number(v) < 1) throw bad(`${py(v)} is less than the minimum of 1`);
    }
    if (kind === 'string' && typeof v !== 'string') throw bad(`${py(v)} is not of type 'string'`);
  }
  return a;
}

export type { TSchema };
