import type { Faults } from '../../core/http/service-plugin.js';
import type { ApiError } from '../../core/errors/errors.js';

const TYPES: Record<number, string> = {
  400: 'HTTPBadRequest', 401: 'HTTPUnauthorized', 403: 'HTTPForbidden', 404: 'HTTPNotFound', 405: 'HTTPMethodNotAllowed',
  409: 'HTTPConflict', 412: 'HTTPPreconditionFailed', 413: 'HTTPRequestEntityTooLarge', 415: 'HTTPUnsupportedMediaType',
  500: 'HTTPInternalServerError', 501: 'HTTPNotImplemented',
};

/** Neutron's error body: {"NeutronError": {"type", "message", "detail"}} (neutron_lib api/faults). */
export const networkFaults: Faults = {
  render(err: ApiError): { status: number; headers: Record<string, string>; body: unknown } {
    const type = (err as ApiError & { type?: string }).type ?? TYPES[err.status] ?? 'HTTPError';
    // NOTE: keystonemiddleware answers 401 before Neutron sees the request, with its own text.
    if (err.status === 401) {
      return { status: 401, headers: { 'WWW-Authenticate': "Keystone uri='/identity'" }, body: { NeutronError: { type: 'HTTPUnauthorized', message: 'The request you have made requires authentication.', detail: '' } } };
    }
    return { status: err.status, headers: {}, body: { NeutronError: { type, message: err.message, detail: '' } } };
  },
};
