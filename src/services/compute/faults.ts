// Nova's error body: {"<faultName>": {"code": N, "message": "..."}} (nova/api/openstack/wsgi.py
// Fault._fault_names); the 401 is keystonemiddleware's, as Nova sits behind it.
import type { Faults, SchemaFailure } from '../../core/http/service-plugin.js';
import { ApiError, BadRequest } from '../../core/errors/errors.js';
import { keystoneMiddleware401 } from '../../core/http/unauthorized.js';

const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'badMethod',
  409: 'conflictingRequest', 413: 'overLimit', 415: 'badMediaType', 429: 'overLimit',
  501: 'notImplemented', 503: 'serviceUnavailable',
};

/** A fault with an explicit name (e.g. 406 → computeFault is the default anyway). */
export class NovaFault extends ApiError {
  constructor(status: number, message: string, readonly faultName?: string, headers: Record<string, string> = {}) { super(status, message, headers); }
}

/** Nova's 406 for an unsupported microversion. */
export class NotAcceptable extends NovaFault { constructor(m: string) { super(406, m); } }

const POLICY_DENIED = /^You are not authorized to perform the requested action: (.+)\.$/;

export function computeFaults(authUrl: () => string): Faults {
  return {
    render(err: ApiError): { status: number; headers: Record<string, string>; body: unknown } {
      if (err.status === 401) return keystoneMiddleware401(authUrl());
      const status = err.status;
      let message = status >= 500 && !(err instanceof NovaFault) && status !== 501
        ? 'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class \'Exception\'>'
        : err.message;
      const denied = status === 403 ? POLICY_DENIED.exec(message) : null;
      if (denied) message = `Policy doesn't allow ${denied[1]} to be performed.`;
      const name = (err instanceof NovaFault && err.faultName) || FAULT_NAMES[status] || 'computeFault';
      return { status, headers: { 'Content-Type': 'application/json; charset=UTF-8' }, body: { [name]: { code: status, message } } };
    },
    invalid,
  };
}

/**
 * Nova's 400 for a body its schema refuses (nova/api/validation/validators.py): "Invalid input for
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

/** Patterns that stand for Nova's formats (the routes' ajv has no custom formats): their wording. */
export const FORMAT_PATTERNS: Record<string, string> = {
  '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$': 'uuid',
};

/** Python's repr() of a JSON value, as jsonschema prints it. */
function py(v: unknown): string {
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
