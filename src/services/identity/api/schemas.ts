import { Type, type TObject, type TOptional, type TProperties, type TString } from '@sinclair/typebox';

// Keystone's JSON schemas (keystone/*/schema.py): resources accept extra attributes (stored in
// `extra`), names are 1-255 characters, flags are strict booleans.

export const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const NullableId = Type.Union([Id, Type.Null()]);
export const Description = Type.Union([Type.String(), Type.Null()]);
export const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 255, pattern: '^[^,/]*$' }), { maxItems: 80 });

/** The inner object of `wrapped()`: the `required` properties as they are, the others optional. */
type Inner<P extends TProperties, R extends keyof P> = TObject<{ [K in keyof P]: K extends R ? P[K] : TOptional<P[K]> }>;

/** A request body `{"<wrapper>": {...}}` whose inner object allows extra attributes. */
export function wrapped<W extends string, P extends TProperties, R extends keyof P & string = never>(
  wrapper: W, props: P, required: R[] = [], minProperties = 1,
): TObject<{ [K in W]: Inner<P, R> }> {
  const inner: TProperties = {};
  for (const [k, v] of Object.entries(props)) inner[k] = (required as string[]).includes(k) ? v : Type.Optional(v);
  return Type.Object({ [wrapper]: Type.Object(inner, { additionalProperties: true, minProperties }) }) as unknown as TObject<{ [K in W]: Inner<P, R> }>;
}

/** Path parameters, all strings: `params('user_id')`. */
export function params<K extends string>(...names: K[]): TObject<{ [N in K]: TString }> {
  return Type.Object(Object.fromEntries(names.map((n) => [n, Type.String()]))) as TObject<{ [N in K]: TString }>;
}

/**
 * The query filters a route reads, each an optional string. NOTE: Keystone ignores query
 * parameters it does not know, so any other is let through (`additionalProperties`).
 */
export function query<K extends string>(...names: K[]): TObject<{ [N in K]: TOptional<TString> }> {
  const props = Object.fromEntries(names.map((n) => [n, Type.Optional(Type.String())]));
  return Type.Object(props, { additionalProperties: true }) as TObject<{ [N in K]: TOptional<TString> }>;
}

/** The known part of a body: the named attributes (all of them for a plain `string[]`). */
type Known<T, K extends string> = string extends K ? T : Pick<T, Extract<K, keyof T>>;

/** Splits a body into the known columns and the rest, which Keystone keeps as extra attributes. */
export function splitExtra<T extends Record<string, unknown>, K extends string>(
  body: T, known: readonly K[],
): { known: Known<T, K>; extra: Record<string, unknown> } {
  const k: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) ((known as readonly string[]).includes(key) ? k : extra)[key] = value;
  return { known: k as Known<T, K>, extra };
}

// Unified limits (keystone/limit/schema.py): ids are parameter_types.id_string, values a signed
// INT where -1 is unlimited, descriptions any string or null.
export const LimitId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' });
export const ResourceName = Type.String({ minLength: 1, maxLength: 255 });
export const LimitValue = Type.Integer({ minimum: -1, maximum: 0x7fffffff });
export const LimitDescription = Type.Union([Type.String(), Type.Null()]);
