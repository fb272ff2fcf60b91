// Conntrack state of removed security group rules (Neutron's ip_conntrack, as its iptables
// firewall does it): when a port's rule goes, the connections it admitted are deleted from the
// conntrack table, so an established flow stops instead of living on as ESTABLISHED (which the
// port's chains accept without looking at the rules). The entries live in the root namespace
// (br_netfilter), in the network's conntrack zone; `conntrack` (conntrack-tools) deletes them.
// Without the tool the rules still change; established flows then end only when they time out.
import { readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DriverSecurityRule } from '../network-driver.js';
import { CommandError, runCommand, runIgnoringAbsent } from '../../host/run-command.js';
import { isIpv6 } from './addresses.js';
import { hasBinary } from './binaries.js';
import { tapName } from './names.js';

const key = (r: DriverSecurityRule) => JSON.stringify([r.direction, r.ethertype, r.protocol, r.portRangeMin, r.portRangeMax, r.remotePrefixes, r.remoteGroupId]);

/** The rules in `before` that `after` no longer has. */
export function removedRules(before: DriverSecurityRule[], after: DriverSecurityRule[]): DriverSecurityRule[] {
  const kept = new Set(after.map(key));
  return before.filter((r) => !kept.has(key(r)));
}

/** conntrack-tools' protocol names (it takes no numbers). */
const CT_PROTOCOLS: Record<string, string> = {
  tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp', icmp: 'icmp', '1': 'icmp', 'ipv6-icmp': 'icmpv6', icmpv6: 'icmpv6', '58': 'icmpv6',
  sctp: 'sctp', '132': 'sctp', dccp: 'dccp', '33': 'dccp', udplite: 'udplite', '136': 'udplite', gre: 'gre', '47': 'gre',
};
const WITH_PORTS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);

function prefixArgs(prefix: string, flag: '-s' | '-d'): string[] {
  const [addr, len] = prefix.split('/');
  const v6 = isIpv6(addr!);
  if (len === undefined || Number(len) === (v6 ? 128 : 32)) return [flag, addr!];
  return [flag, addr!, flag === '-s' ? '--mask-src' : '--mask-dst', v6 ? ipv6Mask(Number(len)) : ipv4Mask(Number(len))];
}

const ipv4Mask = (len: number) => [0, 1, 2, 3].map((i) => (len >= (i + 1) * 8 ? 255 : len <= i * 8 ? 0 : (0xff << (8 - (len - i * 8))) & 0xff)).join('.');
const ipv6Mask = (len: number) => Array.from({ length: 8 }, (_, i) => {
  const bits = Math.max(0, Math.min(16, len - i * 16));
  return ((0xffff << (16 - bits)) & 0xffff).toString(16);
}).join(':');

/**
 * The `conntrack -D` argument lists that delete what a removed rule admitted on a port with
 * addresses `ips` (its fixed IPs and allowed address pairs, which may be prefixes), in `zone`, as Neutron builds them: the connection's original direction towards
 * the port (ingress) or from it (egress), the rule's protocol, its destination port when the rule
 * names one port, and its remote prefixes. A remote-group rule deletes regardless of the peer
 * (flows another rule still admits are taken up again by conntrack on their next packet).
 */
export function conntrackDeletions(rule: DriverSecurityRule, ips: string[], zone: number): string[][] {
  const v6 = rule.ethertype === 'IPv6';
  const own = ips.filter((ip) => isIpv6(ip.split('/')[0]!) === v6);
  const named = rule.protocol === null || rule.protocol === '' || rule.protocol === 'any' ? undefined : CT_PROTOCOLS[rule.protocol.toLowerCase()];
  // NOTE: as the rules themselves: icmp on an IPv6 rule is ICMPv6.
  const proto = v6 && named === 'icmp' ? 'icmpv6' : named;
  // NOTE: a protocol conntrack-tools cannot name: no deletion rather than one of every protocol's flows.
  if (rule.protocol && rule.protocol !== 'any' && proto === undefined) return [];
  const ingress = rule.direction === 'ingress';
  const base = ['-D', '-f', v6 ? 'ipv6' : 'ipv4', '-w', String(zone)];
  if (proto) base.push('-p', proto);
  if (proto && WITH_PORTS.has(proto) && rule.portRangeMin !== null && (rule.portRangeMax === null || rule.portRangeMax === rule.portRangeMin)) base.push('--dport', String(rule.portRangeMin));
  const remotes = rule.remoteGroupId || !rule.remotePrefixes ? [null]
    : rule.remotePrefixes.filter((p) => isIpv6(p.split('/')[0]!) === v6).map((p) => (p === '0.0.0.0/0' || p === '::/0' ? null : p));
  const out: string[][] = [];
  for (const ip of own) {
    for (const remote of remotes) {
      out.push([...base, ...prefixArgs(ip, ingress ? '-d' : '-s'), ...(remote ? prefixArgs(remote, ingress ? '-s' : '-d') : [])]);
    }
  }
  return out;
}

/** The conntrack zone of the network a port's tap is plugged into (its bridge's, in the zones map), if any. */
export async function portZone(portId: string, table: string): Promise<number | undefined> {
  const bridge = await readlink(`/sys/class/net/${tapName(portId)}/master`).then(basename, () => undefined);
  if (!bridge) return undefined;
  const text = await runIgnoringAbsent('nft', ['-j', 'list', 'map', 'inet', table, 'zones']);
  if (!text) return undefined;
  for (const item of (JSON.parse(text) as { nftables: { map?: { elem?: [string, number][] } }[] }).nftables) {
    const hit = item.map?.elem?.find(([name]) => name === bridge);
    if (hit) return hit[1];
  }
  return undefined;
}

/** Deletes the conntrack entries of the removed rules; returns how many entries went. */
export async function deleteRemovedFlows(portId: string, ips: string[], removed: DriverSecurityRule[], table: string): Promise<number> {
  if (!removed.length || !(await hasBinary('conntrack'))) return 0;
  const zone = await portZone(portId, table);
  // NOTE: no zone known (the port is not on a bridge of ours): nothing is deleted, never another network's flows.
  if (zone === undefined) return 0;
  let deleted = 0;
  for (const args of removed.flatMap((r) => conntrackDeletions(r, ips, zone))) {
    // NOTE: the deleted entries are printed one a line; conntrack exits 1 when nothing matched ("0 flow entries have been deleted").
    const out = await runCommand('conntrack', args).catch((err) => {
      if (err instanceof CommandError && /\b0 flow entries/.test(err.stderr)) return '';
      throw err;
    });
    deleted += out.split('\n').filter((l) => l.trim()).length;
  }
  return deleted;
}
