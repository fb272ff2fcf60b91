import type { Faults, SchemaFailure } from '../../core/http/service-plugin.js';
import type { ApiError } from '../../core/errors/errors.js';
import { keystoneMiddleware401 } from '../../core/http/unauthorized.js';
import type { Refusal } from './api/schemas.js';
import { badRequest, type NeutronError } from './domain/errors.js';

const TYPES: Record<number, string> = {
  400: 'HTTPBadRequest', 401: 'HTTPUnauthorized', 403: 'HTTPForbidden', 404: 'HTTPNotFound', 405: 'HTTPMethodNotAllowed',
  409: 'HTTPConflict', 412: 'HTTPPreconditionFailed', 413: 'HTTPRequestEntityTooLarge', 415: 'HTTPUnsupportedMediaType',
  500: 'HTTPInternalServerError', 501: 'HTTPNotImplemented',
};

const REFUSALS: Record<Refusal, () => NeutronError> = {
  tags: () => badRequest('Invalid tags body.'),
  router_interface: () => badRequest('Bad router request: Either subnet_id or port_id must be specified.', 'BadRequest'),
};

/**
 * Neutron's error body: {"NeutronError": {"type", "message", "detail"}} (neutron_lib api/faults).
 * The 401 is keystonemiddleware's, which answers before Neutron sees the request.
 */
export function networkFaults(authUrl: () => string): Faults {
  return {
    render(err: ApiError): { status: number; headers: Record<string, string>; body: unknown } {
      if (err.status === 401) return keystoneMiddleware401(authUrl());
      const type = (err as ApiError & { type?: string }).type ?? TYPES[err.status] ?? 'HTTPError';
      return { status: err.status, headers: {}, body: { NeutronError: { type, message: err.message, detail: '' } } };
    },
    invalid,
  };
}

/**
 * A body that api/schemas.ts refuses, in the words of Neutron's controller (prepare_request_body):
 * no object, no `<resource>` in it, names beside it, a `<resource>` that is no object, an empty or
 * missing bulk list.
 */
export function invalid(f: SchemaFailure): NeutronError {
  const at = f.path.split('/').slice(1);
  if (f.keyword === 'const' && typeof f.params.allowedValue === 'string' && f.params.allowedValue in REFUSALS) {
    return REFUSALS[f.params.allowedValue as Refusal]();
  }
  if (f.part === 'body' && at.length === 0) {
    if (f.keyword === 'required') return badRequest(`Unable to find '${String(f.params.missingProperty)}' in request body`);
    if (f.keyword === 'enum' && f.value !== null && typeof f.value === 'object') {
      // NOTE: the failure of `propertyNames`, which names the allowed ones: Neutron lists every other.
      const allowed = f.params.allowedValues as string[];
      return badRequest(`Unrecognized attribute(s) '${Object.keys(f.value).filter((k) => !allowed.includes(k)).join(', ')}'`);
    }
    return badRequest('Resource body required');
  }
  if (f.part === 'body' && f.keyword === 'type' && f.params.type === 'object') {
    // `/<resource>`, or `/<collection>/<n>` in a bulk list (collections are the resource plus "s").
    const resource = at.length === 1 ? at[0]! : at[0]!.replace(/s$/, '');
    return badRequest(`'${resource}' is not a dictionary.`);
  }
  if (f.part === 'body' && at.length === 1) return badRequest('Resources required');
  return badRequest(`Invalid input for ${[f.part, ...at].join('/')}: ${f.message}.`);
}
