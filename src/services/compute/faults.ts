// Nova's error body: {"<faultName>": {"code": N, "message": "..."}} (nova/api/openstack/wsgi.py
// Fault._fault_names); the 401 is keystonemiddleware's, as Nova sits behind it.
import type { Faults } from '../../core/http/service-plugin.js';
import { ApiError } from '../../core/errors/errors.js';
import { invalid } from '../../core/http/jsonschema-errors.js';
import { keystoneMiddleware401 } from '../../core/http/unauthorized.js';
import { faultName, wsgiMessage } from '../../core/http/wsgi-fault.js';

/** A fault with an explicit name (e.g. 406 → computeFault is the default anyway). */
export class NovaFault extends ApiError {
  constructor(status: number, message: string, readonly faultName?: string, headers: Record<string, string> = {}) { super(status, message, headers); }
}

/** Nova's 406 for an unsupported microversion. */
export class NotAcceptable extends NovaFault { constructor(m: string) { super(406, m); } }

export function computeFaults(authUrl: () => string): Faults {
  return {
    render(err: ApiError): { status: number; headers: Record<string, string>; body: unknown } {
      if (err.status === 401) return keystoneMiddleware401(authUrl());
      const status = err.status;
      const message = status >= 500 && !(err instanceof NovaFault) && status !== 501
        ? 'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class \'Exception\'>'
        : wsgiMessage(status, err.message);
      const name = (err instanceof NovaFault && err.faultName) || faultName(status);
      return { status, headers: { 'Content-Type': 'application/json; charset=UTF-8' }, body: { [name]: { code: status, message } } };
    },
    invalid,
  };
}
