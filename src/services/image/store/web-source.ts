// The web-download import's source: an HTTP(S) GET whose body is streamed (never buffered), as
// Glance's urllib.request.urlopen, following redirects only to URLs the filters allow (as Glance's
// SafeRedirectHandler). A status of 400 or more is an error, as urllib's HTTPError.
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';

export class WebSourceError extends Error {}

const MAX_REDIRECTS = 10;
/** Seconds without a byte before the download is given up. */
const IDLE_TIMEOUT_MS = 60_000;

/** Opens `uri` and answers its response (status 2xx), the body not yet read. */
export async function openWebSource(uri: string, allowed: (uri: string) => boolean): Promise<IncomingMessage> {
  let url = uri;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await request(url);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      const next = new URL(res.headers.location, url).toString();
      if (!allowed(next)) throw new WebSourceError(`Redirect to disallowed URL: ${next}`);
      url = next;
      continue;
    }
    if (status >= 400) { res.resume(); throw new WebSourceError(`HTTP Error ${status}: ${res.statusMessage ?? ''}`); }
    return res;
  }
  throw new WebSourceError('Too many redirects');
}

function request(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    let req;
    try { req = get(url, { timeout: IDLE_TIMEOUT_MS }); } catch (e) { reject(new WebSourceError(`<urlopen error ${(e as Error).message}>`)); return; }
    req.on('response', resolve);
    req.on('timeout', () => req.destroy(new WebSourceError('<urlopen error timed out>')));
    req.on('error', (e) => reject(e instanceof WebSourceError ? e : new WebSourceError(`<urlopen error ${e.message}>`)));
  });
}
