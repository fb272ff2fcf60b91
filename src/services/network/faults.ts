import type { Faults } from '../../core/http/service-plugin.js';
import type { ApiError } from '../../core/errors/errors.js';
import { keystoneMiddleware401 } from '../../core/http/unauthorized.js';

const TYPES: Record<number, string> = {
  400: 'HTTPBadRequest', 401: 'HTTPUnauthorized', 403: 'HTTPForbidden', 404: 'HTTPNotFound', 405: 'HTTPMethodNotAllowed',
  409: 'HTTPConflict', 412: 'HTTPPreconditionFailed', 413: 'HTTPRequestEntityTooLarge', 415: 'HTTPUnsupportedMediaType',
  500: 'HTTPInternalServerError', 501: 'HTTPNotImplemented',
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
  };
}
