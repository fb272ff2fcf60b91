import type { Faults } from '../../core/http/service-plugin.js';
import { BadRequest, STATUS_TITLES } from '../../core/errors/errors.js';

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
    // NOTE: the wording clients have seen so far, the part and JSON pointer with ajv's message
    // ("Invalid input for field/attribute body/user must have required property 'name'"). Keystone's
    // own (keystone/common/validation/validators.py) is "Invalid input for field '<path>': <jsonschema
    // message>"; the code (400) and title are the same either way.
    invalid(f) {
      return new BadRequest(`Invalid input for field/attribute ${f.part}${f.path} ${f.message}`);
    },
  };
}
