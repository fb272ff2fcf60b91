// IPv4/IPv6 addresses and CIDRs as BigInt, the arithmetic Neutron's IPAM needs (netaddr's subset).

export type IpVersion = 4 | 6;
export interface Cidr { version: IpVersion; network: bigint; prefix: number }

const BITS = { 4: 32, 6: 128 } as const;

export function parseIp(text: string): { version: IpVersion; value: bigint } | undefined {
  if (typeof text !== 'string') return undefined;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    if (text.split('.').some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
    return { version: 4, value: parts.reduce((a, p) => (a << 8n) + BigInt(p), 0n) };
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIp(text.slice(lastColon + 1));
    if (!v4 || v4.version !== 4) return undefined;
    head = `${text.slice(0, lastColon + 1)}${((v4.value >> 16n) & 0xffffn).toString(16)}:${(v4.value & 0xffffn).toString(16)}`;
  }
  const dbl = head.split('::');
  if (dbl.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const left = parse(dbl[0]!);
  const right = dbl.length === 2 ? parse(dbl[1]!) : [];
  if ([...left, ...right].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const total = left.length + right.length;
  if (dbl.length === 1 && total !== 8) return undefined;
  if (dbl.length === 2 && total > 7) return undefined;
  const groups = [...left.map((g) => BigInt(parseInt(g, 16))), ...Array(8 - total).fill(0n), ...right.map((g) => BigInt(parseInt(g, 16)))];
  return { version: 6, value: groups.reduce((a: bigint, g: bigint) => (a << 16n) + g, 0n) };
}

export function formatIp(version: IpVersion, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // The longest run (≥2) of zero groups becomes '::' (RFC 5952).
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function normalizeIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip && formatIp(ip.version, ip.value);
}

export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const [addr, len, ...rest] = text.split('/');
  if (rest.length) return undefined;
  const ip = parseIp(addr!);
  if (!ip) return undefined;
  const bits = BITS[ip.version];
  const prefix = len === undefined ? bits : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  return { version: ip.version, network: ip.value, prefix };
}

export function hostMask(c: { version: IpVersion; prefix: number }): bigint {
  return (1n << BigInt(BITS[c.version] - c.prefix)) - 1n;
}

/** The CIDR with host bits cleared. */
export function truncate(c: Cidr): Cidr { return { ...c, network: c.network & ~hostMask(c) }; }
export function formatCidr(c: Cidr): string { return `${formatIp(c.version, c.network)}/${c.prefix}`; }
export function firstIp(c: Cidr): bigint { return c.network & ~hostMask(c); }
export function lastIp(c: Cidr): bigint { return firstIp(c) | hostMask(c); }
export function size(c: Cidr): bigint { return hostMask(c) + 1n; }

export function contains(c: Cidr, version: IpVersion, value: bigint): boolean {
  return c.version === version && value >= firstIp(c) && value <= lastIp(c);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && firstIp(a) <= lastIp(b) && firstIp(b) <= lastIp(a);
}

/** Neutron's default pools: the whole range minus the network (and v4 broadcast) and the gateway. */
export function defaultPools(c: Cidr, gateway: bigint | undefined): { start: bigint; end: bigint }[] {
  let start = firstIp(c) + 1n;
  let end = c.version === 4 ? lastIp(c) - 1n : lastIp(c);
  if (c.version === 4 && c.prefix >= 31) { start = firstIp(c); end = lastIp(c); }
  if (start > end) return [];
  if (gateway === undefined || gateway < start || gateway > end) return [{ start, end }];
  const out: { start: bigint; end: bigint }[] = [];
  if (gateway > start) out.push({ start, end: gateway - 1n });
  if (gateway < end) out.push({ start: gateway + 1n, end });
  return out;
}

/** EUI-64 address from a /64 prefix and a MAC (SLAAC). */
export function eui64(prefix: Cidr, mac: string): bigint {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const iid = [b[0]! ^ 0x02, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!].reduce((a, x) => (a << 8n) + BigInt(x), 0n);
  return firstIp(prefix) | iid;
}
