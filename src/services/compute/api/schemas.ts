import { Ajv, type ValidateFunction } from 'ajv';
import { Type, type Static, type TObject, type TOptional, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { FORMAT_PATTERNS, invalid } from '../../../core/http/jsonschema-errors.js';
import { valueAt } from '../../../core/http/service-plugin.js';

// Nova's parameter types (nova/api/validation/parameter_types.py) and request body shape: a
// wrapper object whose attributes are fixed (additionalProperties false), faults.invalid() words
// the failures as Nova does. Request bodies per resource live in <resource>.schema.ts.

const pattern = (format: string) => Object.keys(FORMAT_PATTERNS).find((p) => FORMAT_PATTERNS[p] === format)!;

/** Nova's uuid format (uuidutils.is_uuid_like: dashes optional, any case). */
export const Uuid = Type.String({ pattern: pattern('uuid') });

/** A name that is not only blanks, at most 255 characters. */
export const Name = Type.String({ maxLength: 255, pattern: '\\S' });

/** Nova's metadata: keys of 1-255 of [a-zA-Z0-9-_:. ], string values up to 255. */
export const METADATA_KEY = '^[a-zA-Z0-9-_:. ]{1,255}$';
export const Metadata = Type.Unsafe<Record<string, string>>({
  type: 'object', propertyNames: { pattern: METADATA_KEY }, additionalProperties: { type: 'string', maxLength: 255 },
});

/** `{"metadata": {...}}` and `{"meta": {"<key>": "<value>"}}` (server_metadata.py, image_metadata.py). */
export const MetadataBody = Type.Object({ metadata: Metadata }, { additionalProperties: false });
export const MetaItemBody = Type.Object({
  meta: Type.Unsafe<Record<string, string>>({ ...Metadata, minProperties: 1, maxProperties: 1 }),
}, { additionalProperties: false });

/** Nova's server tags: up to 50 of 1-60 characters without ',' or '/'. */
export const Tag = Type.String({ minLength: 1, maxLength: 60, pattern: '^[^,/]*$' });
export const Tags = Type.Array(Tag, { maxItems: 50 });

/** One of these values (Nova's enum: "'x' is not one of ['a', 'b']"). */
export const OneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });

/** An action without a body: null, or an empty object as clients send. */
export const NoBody = Type.Unsafe<null | Record<string, never>>({ type: ['null', 'object'], maxProperties: 0 });

/** Nova's integer parameters: an integer, or a string of digits (`min` 0 or 1; -1 for unlimited quotas). */
export function IntLike(min: number, max = 0x7fffffff): TUnsafe<number | string> {
  const digits = min > 0 ? '^0*[1-9][0-9]*$' : min === 0 ? '^[0-9]+$' : '^-?[0-9]+$';
  return Type.Unsafe<number | string>({ type: ['integer', 'string'], pattern: digits, minimum: min, maximum: max });
}
export const asInt = (v: number | string): number => Number(v);

/** Nova's boolean parameter: a boolean or one of oslo's strings. */
const TRUE = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 't', 'T', 'y', 'Y'];
const FALSE = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'f', 'F', 'n', 'N'];
export const BoolLike = Type.Unsafe<boolean | string | number>({ type: ['boolean', 'string', 'integer'], enum: [true, false, 1, 0, ...TRUE, ...FALSE] });
export const asBool = (v: boolean | string | number): boolean => v === true || TRUE.includes(String(v));

/** Optional attributes unless named in `required`. */
function optional(props: TProperties, required: string[]): TProperties {
  const out: TProperties = {};
  for (const [k, v] of Object.entries(props)) out[k] = required.includes(k) ? v : Type.Optional(v);
  return out;
}

/** The object type of `strict()`: the attributes not in R are optional. */
type Strict<P extends TProperties, R extends keyof P> = TObject<{ [K in keyof P]: K extends R ? P[K] : TOptional<P[K]> }>;

/** An object with exactly these attributes (`required` among them), as Nova's schemas. */
export function strict<P extends TProperties, R extends keyof P & string = never>(
  props: P, required: R[] = [], opts: { minProperties?: number } = {},
): Strict<P, R> {
  return Type.Object(optional(props, required), { additionalProperties: false, ...opts }) as unknown as Strict<P, R>;
}

/** A request body `{"<wrapper>": {...}}` and nothing else; the inner attributes are fixed too. */
export function wrapped<W extends string, P extends TProperties, R extends keyof P & string = never>(
  wrapper: W, props: P, required: R[] = [], opts: { minProperties?: number } = {},
): TObject<{ [K in W]: Strict<P, R> }> {
  return Type.Object({ [wrapper]: strict(props, required, opts) }, { additionalProperties: false }) as unknown as TObject<{ [K in W]: Strict<P, R> }>;
}

// NOTE: the same options as the routes' ajv (core/http/http-server.ts); made on the first check,
// as the routes' validators are compiled on their first request, to keep it out of start-up.
let shared: Ajv | undefined;
const ajv = () => (shared ??= new Ajv({ removeAdditional: false, coerceTypes: false, allErrors: false, useDefaults: false, allowUnionTypes: true, strict: false }));

/** A schema for a handler's own check (a value the route's schema cannot reach), compiled on first use. */
export function compiled(schema: TSchema): ValidateFunction {
  let validate: ValidateFunction | undefined;
  const lazy = ((data: unknown) => {
    validate ??= ajv().compile(schema);
    const ok = validate(data);
    lazy.errors = validate.errors;
    return ok;
  }) as ValidateFunction;
  return lazy;
}

/** Checks a value at `path` (a JSON pointer in the body) against a schema; Nova's 400 when it fails. */
export function check(validate: ValidateFunction, value: unknown, path = ''): void {
  // NOTE: no body is validated as null, as Fastify does for a route's schema.
  if (validate(value === undefined ? null : value)) return;
  const e = validate.errors![0]!;
  throw invalid({
    route: '', headers: {}, part: 'body', path: path + e.instancePath, keyword: e.keyword, params: e.params,
    message: e.message ?? 'is invalid', value: valueAt(value, e.instancePath),
  });
}

/**
 * A body whose schema changes with the microversion, as Nova's `@validation.schema(..., min, max)`:
 * the route declares `loosest` (what some version accepts), the handler checks its version's with
 * `check(has, body)`; `at(has)` builds the schema of a version from `has(v)` ("at least v"), for
 * each combination of the `breakpoints` once.
 */
export interface Versioned<T extends TSchema> {
  readonly loosest: T;
  check(has: (v: string) => boolean, value: unknown, path?: string): void;
}

export function versioned<T extends TSchema>(loosest: T, breakpoints: string[], at: (has: (v: string) => boolean) => TSchema): Versioned<T> {
  const compiled = new Map<string, ValidateFunction>();
  return {
    loosest,
    check(has, value, path = '') {
      const key = breakpoints.map((b) => (has(b) ? '1' : '0')).join('');
      let validate = compiled.get(key);
      if (!validate) compiled.set(key, (validate = ajv().compile(at(has))));
      check(validate, value, path);
    },
  };
}

/**
 * The body of a route that some microversions do not have (Nova answers 404 or 405 there before
 * it looks at the body): the route declares only an object (or none), the handler checks the
 * schema after its version gate.
 */
export function gated<S extends TSchema>(schema: S): Versioned<TUnsafe<Static<S>>> {
  const validate = compiled(schema);
  return { loosest: Type.Unsafe<Static<S>>({ type: ['object', 'null'] }), check: (_has, value, path) => check(validate, value, path) };
}
