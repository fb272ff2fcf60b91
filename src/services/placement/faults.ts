import type { Faults, SchemaFailure } from '../../core/http/service-plugin.js';
import { ApiError, STATUS_TITLES } from '../../core/errors/errors.js';
import { keystoneMiddleware401 } from '../../core/http/unauthorized.js';
import { atLeast, BadMicroversion, BODY_ROUTES_SINCE, MV, requestedVersion } from './microversions.js';

/** Placement's error codes (placement/errors.py), sent as `code` from microversion 1.23. */
export const ErrorCode = {
  DEFAULT: 'placement.undefined_code',
  INVENTORY_INUSE: 'placement.inventory.inuse',
  CONCURRENT_UPDATE: 'placement.concurrent_update',
  DUPLICATE_NAME: 'placement.duplicate_name',
  PROVIDER_IN_USE: 'placement.resource_provider.inuse',
  PROVIDER_CANNOT_DELETE_PARENT: 'placement.resource_provider.cannot_delete_parent',
  RESOURCE_PROVIDER_NOT_FOUND: 'placement.resource_provider.not_found',
  ILLEGAL_DUPLICATE_QUERYPARAM: 'placement.query.duplicate_key',
  QUERYPARAM_BAD_VALUE: 'placement.query.bad_value',
  QUERYPARAM_MISSING_VALUE: 'placement.query.missing_value',
} as const;

/** An error with placement's code (the `code` field of the body from 1.23). */
export class PlacementError extends ApiError {
  constructor(status: number, message: string, readonly code: string = ErrorCode.DEFAULT) { super(status, message); }
}

// webob's explanation per status, which placement's detail starts with.
const EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401: 'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method is not allowed for this resource.',
  406: 'The resource could not be generated that was acceptable to your browser (content of type application/json).',
  409: 'There was a conflict when trying to complete your request.',
  413: 'The request is larger than the server is willing or able to process.',
  415: 'The request media type is not supported by this server.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  501: 'The server has not implemented this feature.',
};
const TITLES: Record<number, string> = { ...STATUS_TITLES, 406: 'Not Acceptable' };

/**
 * Placement's error body (API-WG errors guideline):
 * {"errors": [{"status", "title", "detail", "code" (from 1.23), "request_id"}]}, the detail being
 * webob's explanation and the message as its json formatter strips them. 401 is keystonemiddleware's.
 */
export function placementFaults(authUrl: () => string): Faults {
  return {
    render(thrown: ApiError): { status: number; headers: Record<string, string>; body: unknown } {
      let err = thrown;
      if (err.status === 401) return keystoneMiddleware401(authUrl());
      const status = err.status;
      const explanation = EXPLANATIONS[status] ?? TITLES[status] ?? 'Error';
      // NOTE: ctx.authorize's denial, in placement's words (exception.PolicyNotAuthorized).
      const denied = status === 403 ? /requested action: (.+)\.$/.exec(err.message) : null;
      if (denied) err = new ApiError(403, `Policy does not allow ${denied[1]} to be performed.`);
      if (status === 405) err = new ApiError(405, 'The method specified is not allowed for this resource.');
      const message = status >= 500 ? '' : err.message === explanation || err.message === 'The resource could not be found.' ? '' : err.message;
      const error: Record<string, unknown> = {
        status, title: TITLES[status] ?? 'Error', detail: `${explanation}\n\n ${message}  `,
      };
      // NOTE: the mount's onSend hook adds request_id and drops `code` below microversion 1.23.
      error.code = err instanceof PlacementError ? err.code : ErrorCode.DEFAULT;
      if (err instanceof BadMicroversion) { error.max_version = err.maxVersion; error.min_version = err.minVersion; }
      return { status, headers: { 'Content-Type': 'application/json' }, body: { errors: [error] } };
    },
    invalid(f: SchemaFailure): ApiError {
      const since = BODY_ROUTES_SINCE[f.route];
      if (since && !atLeast(requestedVersion(f.headers), MV[since])) return new PlacementError(404, 'The resource could not be found.');
      return new PlacementError(400, `JSON does not validate: ${jsonSchemaMessage(f)}`);
    },
  };
}

/** python-jsonschema's words for one failure (values as JSON, as the handlers word theirs). */
function jsonSchemaMessage(f: SchemaFailure): string {
  const v = JSON.stringify(f.value);
  const p = f.params;
  // NOTE: the aggregates body is a list before 1.19 and an object from it; only the route's root can fail.
  if (f.route === 'PUT /resource_providers/:uuid/aggregates') {
    return atLeast(requestedVersion(f.headers), MV.aggregatesGeneration) ? `${v} is not of type 'object'` : `${v} is not valid under any of the given schemas`;
  }
  switch (f.keyword) {
    case 'type': return `${v} is not of type ${[p.type].flat().map((t) => `'${t}'`).join(', ')}`;
    case 'required': return `'${p.missingProperty}' is a required property`;
    case 'additionalProperties': return `Additional properties are not allowed ('${p.additionalProperty}' was unexpected)`;
    case 'pattern': return `${v} does not match '${p.pattern}'`;
    case 'minLength': case 'minItems': return `${v} is too short`;
    case 'maxLength': case 'maxItems': return `${v} is too long`;
    case 'minimum': return `${v} is less than the minimum of ${p.limit}`;
    case 'maximum': return `${v} is greater than the maximum of ${p.limit}`;
    case 'minProperties': return `${v} does not have enough properties`;
    case 'uniqueItems': return `${v} has non-unique elements`;
    case 'anyOf': return `${v} is not valid under any of the given schemas`;
    case 'enum': return `${v} is not one of ${JSON.stringify(p.allowedValues)}`;
    default: return f.message;
  }
}
