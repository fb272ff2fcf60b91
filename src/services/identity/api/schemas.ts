import { Type, type TObject, type TProperties } from '@sinclair/typebox';

// Keystone's JSON schemas (keystone/*/schema.py): resources accept extra attributes (stored in
// `extra`), names are 1-255 characters, flags are strict booleans.

export const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const NullableId = Type.Union([Id, Type.Null()]);
export const Description = Type.Union([Type.String(), Type.Null()]);
export const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 255, pattern: '^[^,/]*$' }), { maxItems: 80 });

/** A request body `{"<wrapper>": {...}}` whose inner object allows extra attributes. */
export function wrapped(wrapper: string, props: TProperties, required: string[] = [], minProperties = 1): TObject {
  const inner: TProperties = {};
  for (const [k, v] of Object.entries(props)) inner[k] = required.includes(k) ? v : Type.Optional(v);
  return Type.Object({ [wrapper]: Type.Object(inner, { additionalProperties: true, minProperties }) });
}

/** Splits a body into the known columns and the rest, which Keystone keeps as extra attributes. */
export function splitExtra<T extends Record<string, unknown>>(body: T, known: string[]): { known: Partial<T>; extra: Record<string, unknown> } {
  const k: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) (known.includes(key) ? k : extra)[key] = value;
  return { known: k as Partial<T>, extra };
}
