import type { Faults } from '../../core/http/service-plugin.js';
import { STATUS_TITLES } from '../../core/errors/errors.js';

/** Keystone's error body: {"error": {"code", "title", "message"}}; 401 carries WWW-Authenticate. */
export function identityFaults(publicUrl: () => string): Faults {
  return {
    render(err) {
      const headers: Record<string, string> = {};
      if (err.status === 401) headers['WWW-Authenticate'] = `Keystone uri="${publicUrl()}"`;
      return {
        status: err.status,
        headers,
        body: { error: { code: err.status, title: STATUS_TITLES[err.status] ?? 'Error', message: err.message } },
      };
    },
  };
}
