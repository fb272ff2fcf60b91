// Cinder's error body: {"<faultName>": {"message": "...", "code": N}}, named as Nova's are
// (core/http/wsgi-fault.ts); the 401 is keystonemiddleware's, as Cinder sits behind it.
import type { Faults } from '../../core/http/service-plugin.js';
import type { ApiError } from '../../core/errors/errors.js';
import { invalid } from '../../core/http/jsonschema-errors.js';
import { keystoneMiddleware401 } from '../../core/http/unauthorized.js';
import { faultName, wsgiMessage } from '../../core/http/wsgi-fault.js';

export function volumeFaults(authUrl: () => string): Faults {
  return {
    render(err: ApiError) {
      if (err.status === 401) return keystoneMiddleware401(authUrl());
      const status = err.status;
      const message = status >= 500 && status !== 501
        ? 'The server has either erred or is incapable of performing the requested operation.'
        : wsgiMessage(status, err.message);
      return { status, headers: { 'Content-Type': 'application/json', ...err.headers }, body: { [faultName(status)]: { message, code: status } } };
    },
    invalid,
  };
}
