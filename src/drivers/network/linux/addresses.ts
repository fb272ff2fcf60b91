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
