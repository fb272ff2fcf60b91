// Microversions as every OpenStack API negotiates them (microversion_parse): the client asks with
// `OpenStack-API-Version: <service> X.Y` (or a service's legacy header, e.g.
// `X-OpenStack-Nova-API-Version`), `latest` means the maximum, absence the minimum.

export interface Microversion { major: number; minor: number }

/** What one service accepts, and how it words a refusal (each service has its own errors). */
export interface MicroversionSpec {
  /** The service name in `OpenStack-API-Version` (compute, placement, volume ...). */
  service: string;
  min: string;
  max: string;
  /** An older header of the service's own, read when the generic one does not name the service. */
  legacyHeader?: string;
  /** A value that is not `X.Y`. */
  malformed(asked: string): Error;
  /** A well-formed value outside min..max. */
  unsupported(asked: string): Error;
  /** What a well-formed value looks like; Nova's `X.Y` without leading zeros unless given. */
  pattern?: RegExp;
}

const FORMAT = /^([1-9]\d*)\.([1-9]\d*|0)$/;

/** `X.Y` as numbers; throws on anything else (use for constants, not for client input). */
export function parse(text: string): Microversion {
  const m = FORMAT.exec(text);
  if (!m) throw new Error(`not a microversion: ${text}`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export const format = (v: Microversion): string => `${v.major}.${v.minor}`;

export function compare(a: Microversion, b: Microversion): number {
  return a.major - b.major || a.minor - b.minor;
}

/** Whether `have` is `want` or later. */
export function atLeast(have: Microversion, want: string | Microversion): boolean {
  return compare(have, typeof want === 'string' ? parse(want) : want) >= 0;
}

/** The value the request asks for this service, as text, or undefined when it asks nothing. */
export function askedVersion(headers: Record<string, string | string[] | undefined>, spec: Pick<MicroversionSpec, 'service' | 'legacyHeader'>): string | undefined {
  const joined = (h: string | string[] | undefined) => (Array.isArray(h) ? h.join(',') : h);
  let asked: string | undefined;
  const generic = joined(headers['openstack-api-version']);
  if (generic) {
    for (const part of generic.split(',')) {
      const [svc, ...rest] = part.trim().split(/\s+/);
      if (svc?.toLowerCase() === spec.service) asked = rest.join(' ').trim();
    }
  }
  if (asked === undefined && spec.legacyHeader) asked = joined(headers[spec.legacyHeader.toLowerCase()])?.trim();
  return asked === '' ? undefined : asked;
}

/** The version a request gets: its ask, `latest` → max, none → min; the spec's errors otherwise. */
export function negotiate(headers: Record<string, string | string[] | undefined>, spec: MicroversionSpec): Microversion {
  const asked = askedVersion(headers, spec);
  if (asked === undefined) return parse(spec.min);
  if (asked.toLowerCase() === 'latest') return parse(spec.max);
  const m = (spec.pattern ?? FORMAT).exec(asked);
  if (!m) throw spec.malformed(asked);
  const v = { major: Number(m[1]), minor: Number(m[2]) };
  if (!atLeast(v, spec.min) || compare(v, parse(spec.max)) > 0) throw spec.unsupported(asked);
  return v;
}
