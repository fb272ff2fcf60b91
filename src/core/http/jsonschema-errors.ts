// The 400 that Nova and Cinder give a request their JSON schema refuses (their api/validation
// validators.py): "Invalid input for field/attribute <name>. Value: <value>. <jsonschema's words>".
import type { SchemaFailure } from './service-plugin.js';
import { BadRequest } from '../errors/errors.js';

/**
 * The 400 for a body a schema refuses (nova and cinder api/validation/validators.py): "Invalid input for
 * field/attribute <last path element>. Value: <instance>. <jsonschema's message>", or the message
 * alone for the body itself.
 */
export function invalid(f: SchemaFailure): BadRequest {
  const keys = f.path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const message = jsonschemaMessage(f);
  if (keys.length === 0) return new BadRequest(message);
  const what = f.part === 'querystring' ? 'query parameters' : 'field/attribute';
  return new BadRequest(`Invalid input for ${what} ${keys[keys.length - 1]}. Value: ${pyStr(f.value)}. ${message}`);
}

/** jsonschema's wording of one failed keyword (ajv's keyword and params). */
function jsonschemaMessage(f: SchemaFailure): string {
  const p = f.params as Record<string, any>;
  const v = py(f.value);
  switch (f.keyword) {
    case 'required': return `'${p.missingProperty}' is a required property`;
    case 'additionalProperties': return `Additional properties are not allowed ('${p.additionalProperty}' was unexpected)`;
    case 'type': return `${v} is not of type ${[p.type].flat().join(',').split(',').map((t: string) => `'${t}'`).join(', ')}`;
    case 'minLength': return `${v} is too short`;
    case 'maxLength': return `${v} is too long`;
    case 'pattern': {
      // NOTE: a propertyNames pattern fails on the object: Nova's patternProperties wording, for the key.
      if (f.value !== null && typeof f.value === 'object') {
        const key = Object.keys(f.value).find((k) => !new RegExp(p.pattern, 'u').test(k)) ?? '';
        return `${py(key)} does not match any of the regexes: '${p.pattern}'`;
      }
      const format = FORMAT_PATTERNS[p.pattern];
      return format ? `${v} is not a '${format}'` : `${v} does not match '${p.pattern}'`;
    }
    case 'minimum': return `${v} is less than the minimum of ${p.limit}`;
    case 'maximum': return `${v} is greater than the maximum of ${p.limit}`;
    case 'exclusiveMinimum': return `${v} is less than or equal to the minimum of ${p.limit}`;
    case 'exclusiveMaximum': return `${v} is greater than or equal to the maximum of ${p.limit}`;
    case 'enum': return `${v} is not one of ${py(p.allowedValues)}`;
    case 'const': return `${py(p.allowedValue)} was expected`;
    case 'minProperties': return `${v} does not have enough properties`;
    case 'maxProperties': return `${v} has too many properties`;
    case 'minItems': return p.limit === 1 ? `${v} should be non-empty` : `${v} is too short`;
    case 'maxItems': return `${v} is too long`;
    case 'uniqueItems': return `${v} has non-unique elements`;
    case 'format': return `${v} is not a '${p.format}'`;
    case 'anyOf': case 'oneOf': return `${v} is not valid under any of the given schemas`;
    default: return `${v} ${f.message}`;
  }
}

/** Patterns that stand for the validators' formats (the routes' ajv has no custom formats): their wording. */
export const FORMAT_PATTERNS: Record<string, string> = {
  '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$': 'uuid',
};

/** Python's repr() of a JSON value, as jsonschema prints it. */
export function py(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v.includes("'") && !v.includes('"') ? `"${v}"` : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${py(k)}: ${py(x)}`).join(', ')}}`;
  return String(v);
}

/** Python's str(): a string as it is, anything else as repr(). */
const pyStr = (v: unknown) => (typeof v === 'string' ? v : py(v));
