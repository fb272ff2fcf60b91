// Nova's error body: {"<faultName>": {"code": N, "message": "..."}} (nova/api/openstack/wsgi.py
// Fault._fault_names); the 401 is keystonemiddleware's, as Nova sits behind it.
import type { Faults } from '../../core/http/service-plugin.js';
import { ApiError } from '../../core/errors/errors.js';
import { invalid } from '../../core/http/jsonschema-errors.js';
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
