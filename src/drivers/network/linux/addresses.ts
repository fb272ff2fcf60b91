// IPv4 arithmetic for subnets (IPv6 only needs its prefix length here).

export const isIpv6 = (addr: string) => addr.includes(':');

export const prefixLength = (cidr: string) => Number(cidr.split('/')[1]);

const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

export function ipv4Range(cidr: string): { network: string; netmask: string; first: number; last: number } {
  const [base, len] = [cidr.split('/')[0]!, prefixLength(cidr)];
  const size = 2 ** (32 - len);
  const network = Math.floor(toInt(base) / size) * size;
  return { network: toIp(network), netmask: toIp(2 ** 32 - size), first: network + 1, last: network + size - 2 };
}

/** The highest usable address of the subnet that is not in `taken`. */
export function highestFreeIpv4(cidr: string, taken: Set<string>): string | undefined {
  const { first, last } = ipv4Range(cidr);
  for (let n = last; n >= first; n--) if (!taken.has(toIp(n))) return toIp(n);
  return undefined;
}

function parseIpv6(addr: string): bigint {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

/** RFC 5952 text: lowercase, the longest run of zero groups as `::`. */
export function formatIpv6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(16 * (7 - i))) & 0xffffn));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i; while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** The subnet's prefix address and the highest address not in `taken` (IPv6 has no broadcast). */
export function ipv6Subnet(cidr: string, taken: Set<string>): { prefix: string; free: string | undefined } {
  const len = BigInt(prefixLength(cidr));
  const host = (1n << (128n - len)) - 1n;
  const network = parseIpv6(cidr.split('/')[0]!) & ~host & ((1n << 128n) - 1n);
  const canonical = new Set([...taken].filter(isIpv6).map((a) => formatIpv6(parseIpv6(a))));
  for (let n = network + host - 1n; n > network && n > network + host - 4096n; n--) {
    if (!canonical.has(formatIpv6(n))) return { prefix: formatIpv6(network), free: formatIpv6(n) };
  }
  return { prefix: formatIpv6(network), free: undefined };
}
