// Swift's error pages: swob's `<html><h1>Title</h1><p>explanation</p></html>` (text/html) for a
// bare status, or the service's own words as text/plain.
import type { ApiError } from '../../core/errors/errors.js';
import type { Faults } from '../../core/http/service-plugin.js';
import { SwiftError } from './domain/errors.js';

const REASONS: Record<number, [string, string]> = {
  400: ['Bad Request', 'The server could not comply with the request since it is either malformed or otherwise incorrect.'],
  401: ['Unauthorized', 'This server could not verify that you are authorized to access the document you requested.'],
  403: ['Forbidden', 'Access was denied to this resource.'],
  404: ['Not Found', 'The resource could not be found.'],
  405: ['Method Not Allowed', 'The method is not allowed for this resource.'],
  406: ['Not Acceptable', 'The resource is not available in a format acceptable to your browser.'],
  409: ['Conflict', 'There was a conflict when trying to complete your request.'],
  411: ['Length Required', 'Content-Length header required.'],
  412: ['Precondition Failed', 'A precondition for this request was not met.'],
  413: ['Request Entity Too Large', 'The body of your request was too large for this server.'],
  415: ['Unsupported Media Type', 'The request media type is not supported by this server.'],
  416: ['Requested Range Not Satisfiable', 'The Range requested is not available.'],
  422: ['Unprocessable Entity', 'Unable to process the contained instructions'],
  499: ['Client Disconnect', 'The client was disconnected during request.'],
  500: ['Internal Error', 'The server has either erred or is incapable of performing the requested operation.'],
  501: ['Not Implemented', 'The requested method is not implemented by this server.'],
  503: ['Service Unavailable', 'The server is currently unavailable. Please try again at a later time.'],
  507: ['Insufficient Storage', 'There was not enough space to save the resource. Drive: d1'],
};

export function swiftPage(status: number): string {
  const [title, explanation] = REASONS[status] ?? ['Error', ''];
  return `<html><h1>${title}</h1><p>${explanation}</p></html>`;
}

export const objectStoreFaults: Faults = {
  render(err: ApiError) {
    const own = err instanceof SwiftError ? err.body : undefined;
    // NOTE: constraints.py's errors carry content_type='text/plain' (no charset).
    if (own !== undefined) return { status: err.status, headers: { 'content-type': err.headers['Content-Type'] ?? 'text/plain' }, body: own };
    return { status: err.status, headers: { 'content-type': 'text/html; charset=UTF-8' }, body: swiftPage(err.status) };
  },
};
