import type { Faults } from '../../core/http/service-plugin.js';
import { STATUS_TITLES, type ApiError } from '../../core/errors/errors.js';

// webob's default explanation per status (what Glance shows when it gives none of its own).
const EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method is not allowed for this resource.',
  409: 'There was a conflict when trying to complete your request.',
  410: 'This resource is no longer available.  No forwarding address is given.',
  413: 'The request is larger than the server is willing or able to process.',
  415: 'The request media type is not supported by this server.',
  416: 'The Range requested is not available.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  501: 'The server has not implemented this feature.',
};
const TITLES: Record<number, string> = { ...STATUS_TITLES, 410: 'Gone', 416: 'Request Range Not Satisfiable' };

/**
 * Glance's error body: webob's HTTPException rendered for an `Accept: application/json` client,
 * {"message": "<explanation><br /><br />\n<detail>\n", "code": "404 Not Found", "title": "Not Found"}.
 * 401 comes from keystonemiddleware in front of Glance, in its own {"error": {...}} shape.
 */
export function imageFaults(authUrl: () => string): Faults {
  return {
    render(err: ApiError): { status: number; headers: Record<string, string>; body: unknown } {
      if (err.status === 401) {
        return {
          status: 401, headers: { 'WWW-Authenticate': `Keystone uri="${authUrl()}"` },
          body: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } },
        };
      }
      const title = TITLES[err.status] ?? 'Error';
      const generic = err.status === 404 && err.message === 'The resource could not be found.';
      const explanation = err.status >= 500 ? EXPLANATIONS[500]! : generic ? err.message : err.message || EXPLANATIONS[err.status] || title;
      return {
        status: err.status,
        headers: { 'Content-Type': 'application/json; charset=UTF-8' },
        body: { message: `${explanation}<br /><br />\n\n`, code: `${err.status} ${title}`, title },
      };
    },
  };
}
