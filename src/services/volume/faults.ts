// Cinder's error body: {"<faultName>": {"message": "...", "code": N}} (cinder/api/openstack/wsgi.py
// Fault._fault_names); the 401 is keystonemiddleware's, as Cinder sits behind it.
import type { Faults } from '../../core/http/service-plugin.js';
import type { ApiError } from '../../core/errors/errors.js';
import { invalid } from '../../core/http/jsonschema-errors.js';
import { keystoneMiddleware401 } from '../../core/http/unauthorized.js';

const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'badMethod',
  409: 'conflictingRequest', 413: 'overLimit', 415: 'badMediaType', 429: 'overLimit',
  501: 'notImplemented', 503: 'serviceUnavailable',
};

const POLICY_DENIED = /^You are not authorized to perform the requested action: (.+)\.$/;

export function volumeFaults(authUrl: () => string): Faults {
  return {
    render(err: ApiError) {
      if (err.status === 401) return keystoneMiddleware401(authUrl());
      const status = err.status;
      let message = status >= 500 && status !== 501
        ? 'The server has either erred or is incapable of performing the requested operation.'
        : err.message;
      const denied = status === 403 ? POLICY_DENIED.exec(message) : null;
      if (denied) message = `Policy doesn't allow ${denied[1]} to be performed.`;
      const name = FAULT_NAMES[status] ?? 'computeFault';
      return { status, headers: { 'Content-Type': 'application/json', ...err.headers }, body: { [name]: { message, code: status } } };
    },
    invalid,
  };
}
