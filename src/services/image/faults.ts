import type { Faults, SchemaFailure } from '../../core/http/service-plugin.js';
import { BadRequest, STATUS_TITLES, type ApiError } from '../../core/errors/errors.js';
import { keystoneMiddleware401 } from '../../core/http/unauthorized.js';

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
      if (err.status === 401) return keystoneMiddleware401(authUrl());
      const title = TITLES[err.status] ?? 'Error';
      const generic = err.status === 404 && err.message === 'The resource could not be found.';
      const explanation = err.status >= 500 ? EXPLANATIONS[500]! : generic ? err.message : err.message || EXPLANATIONS[err.status] || title;
      return {
        status: err.status,
        headers: { 'Content-Type': 'application/json; charset=UTF-8' },
        body: { message: `${explanation}<br /><br />\n\n`, code: `${err.status} ${title}`, title },
      };
    },
    invalid,
  };
}

const BODY_EXPECTED = 'Body expected in request.';

/** What Glance's deserializer says of a body it refuses, by route (glance/api/v2/*.py RequestDeserializer). */
const REFUSALS: Record<string, (f: SchemaFailure) => string> = {
  'POST /v2/images': (f) => `Provided object does not match schema 'image': ${JSON.stringify(f.value)} is not of type 'object'`,
  'PATCH /v2/images/:id': (f) => (f.path === '' ? 'Request body must be a JSON array of operation objects.' : 'Operations must be JSON objects.'),
  'POST /v2/images/:id/members': (f) => {
    if (f.path !== '/member') return 'Member to be added not specified';
    return f.value === '' || f.value === null ? "Member can't be empty" : 'Expected a member in the form: {"member": "image_id"}';
  },
  'PUT /v2/images/:id/members/:member': (f) => (f.keyword === 'required' ? 'Status not specified' : 'Expected a status in the form: {"status": "status"}'),
  // NOTE: the fields of an import body are checked by parseImportRequest, in Glance's order.
  'POST /v2/images/:id/import': (f) => (Array.isArray(f.value) ? "Import request requires a 'method' field." : BODY_EXPECTED),
  'POST /v2/metadefs/namespaces/:ns/tags': (f) => (f.path === '' && f.keyword === 'type' ? BODY_EXPECTED : "Provided object does not match schema 'tags': 'tags' is a required property"),
};

/** A body its route's schema refuses, in Glance's words; no body at all is always "Body expected". */
function invalid(f: SchemaFailure): ApiError {
  if (f.part === 'body' && f.path === '' && f.value === undefined) return new BadRequest(BODY_EXPECTED);
  return new BadRequest(REFUSALS[f.route]?.(f) ?? BODY_EXPECTED);
}

/** The quality a media range list (an Accept header) gives `offer`: the most specific range wins. */
function quality(accept: string, offer: string): number {
  const [type] = offer.split('/');
  let best = -1;
  let q = 0;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().split(';').map((x) => x.trim());
    if (!range) continue;
    const specificity = range === offer ? 2 : range === `${type}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity < best || specificity < 0) continue;
    const qp = params.find((p) => p.startsWith('q='));
    best = specificity;
    q = qp ? Number(qp.slice(2)) : 1;
  }
  return q;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * webob renders an error by the Accept header: JSON for clients that ask for it (the CLI, SDK and
 * Tempest do), HTML when text/html wins (also with no Accept header or * / *), else plain text.
 * Returns the body and content type to send instead of the JSON one, or undefined to keep it.
 */
export function negotiateFault(accept: string | undefined, body: { message: string; code: string; title: string }): { payload: string; contentType: string } | undefined {
  const offers = ['text/html', 'application/json'];
  let match: string | undefined;
  if (accept === undefined || accept.trim() === '') match = 'text/html';
  else {
    let bestQ = 0;
    for (const o of offers) { const q = quality(accept, o); if (q > bestQ) { bestQ = q; match = o; } }
  }
  if (match === 'application/json') return undefined;
  if (match === 'text/html') {
    const inner = body.message.replace(/^([\s\S]*?)<br \/><br \/>\n([\s\S]*)$/, (_m, e: string, rest: string) => `${escapeHtml(e)}<br /><br />\n${rest}`);
    return {
      contentType: 'text/html; charset=UTF-8',
      payload: `<html>\n <head>\n  <title>${body.code}</title>\n </head>\n <body>\n  <h1>${body.code}</h1>\n  ${inner}\n </body>\n</html>`,
    };
  }
  const plain = body.message.replace(/\n/g, ' ').replace(/\r/g, '').replace(/<br.*?>/gis, '\n').replace(/<.*?>/gs, '');
  return { contentType: 'text/plain; charset=UTF-8', payload: `${body.code}\n\n${plain}` };
}
