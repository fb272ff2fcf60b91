// Which URLs the web-download import may fetch: Glance's [import_filtering_opts] and its
// validate_import_uri (glance/common/utils.py), with the same defaults. When both an allowed and a
// disallowed list are set for one part, only the allowed list counts, as in Glance.

export interface ImportFilters {
  allowedSchemes: string[];
  disallowedSchemes: string[];
  allowedHosts: string[];
  disallowedHosts: string[];
  allowedPorts: number[];
  disallowedPorts: number[];
}

/** Glance's defaults: http and https, any host, ports 80 and 443. */
export const DEFAULT_IMPORT_FILTERS: ImportFilters = {
  allowedSchemes: ['http', 'https'], disallowedSchemes: [],
  allowedHosts: [], disallowedHosts: [],
  allowedPorts: [80, 443], disallowedPorts: [],
};

/** The scheme, host and explicit port of a URI as Python's urlparse finds them. */
export function splitUri(uri: string): { scheme: string; host: string; port: number | undefined } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?)?/.exec(uri);
  if (!m) return undefined;
  const host = (m[2] ?? '').replace(/^\[|\]$/g, '').toLowerCase();
  const port = m[3] ? Number(m[3]) : undefined;
  if (port !== undefined && port > 65535) return undefined;
  return { scheme: m[1]!.toLowerCase(), host, port };
}

/** True when the operator's filters let web-download fetch `uri`. */
export function validateImportUri(uri: string | undefined, f: ImportFilters): boolean {
  if (!uri) return false;
  const parts = splitUri(uri);
  if (!parts) return false;
  const { scheme, host, port } = parts;
  const blSchemes = f.allowedSchemes.length ? [] : f.disallowedSchemes;
  const blHosts = f.allowedHosts.length ? [] : f.disallowedHosts;
  const blPorts = f.allowedPorts.length ? [] : f.disallowedPorts;
  if (!scheme || (f.allowedSchemes.length && !f.allowedSchemes.includes(scheme)) || blSchemes.includes(scheme)) return false;
  if (!host || (f.allowedHosts.length && !f.allowedHosts.map((h) => h.toLowerCase()).includes(host)) || blHosts.map((h) => h.toLowerCase()).includes(host)) return false;
  if (port && ((f.allowedPorts.length && !f.allowedPorts.includes(port)) || blPorts.includes(port))) return false;
  return true;
}
