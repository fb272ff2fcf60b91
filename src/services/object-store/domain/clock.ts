// Swift's timestamps: seconds with five decimals (`%016.05f`), strictly increasing in this process,
// so that two writes in one millisecond still order as they happened.
let last = 0;

/** A new timestamp, as Swift's X-Timestamp shows it ("1733390000.12345"). */
export function timestamp(): string {
  let now = Math.round(Date.now() * 100) / 100000;
  if (now <= last) now = Math.round((last + 0.00001) * 100000) / 100000;
  last = now;
  return now.toFixed(5).padStart(16, '0');
}

export function seconds(ts: string): number { return Number(ts); }

/** Last-Modified: the timestamp rounded up to the second, as an HTTP date. */
export function httpDate(ts: string): string {
  return new Date(Math.ceil(Number(ts)) * 1000).toUTCString();
}

/** A listing's last_modified: ISO 8601 with microseconds and no zone ("2016-09-16T15:55:05.270950"). */
export function listingTime(ts: string): string {
  const [whole, frac = ''] = ts.split('.');
  return `${new Date(Number(whole) * 1000).toISOString().slice(0, 19)}.${frac.padEnd(6, '0').slice(0, 6)}`;
}

/** An HTTP date (If-Modified-Since ...) as Unix seconds, or undefined when it is not one. */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t / 1000;
}
