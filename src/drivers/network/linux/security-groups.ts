// Security groups: per port, stateful rules and MAC/IP anti-spoofing, in nftables.
//
// NOTE: this kernel has no conntrack in the bridge family (no nf_conntrack_bridge), so the state
// comes from br_netfilter: bridged IP packets pass the inet forward hook, where conntrack has run,
// and a rule there marks established/related packets (MARK). The per-port chains then live in the
// bridge family (where the port devices are visible), after br_netfilter's forward hook, and
// accept marked packets. Chains are per port; `from-port`/`to-port` verdict maps dispatch to them,
// so a port's rules are replaced in one `nft -f` transaction.
//
// Remote groups (Neutron's ipsets): one named set per group and family in the bridge table,
// `m4-<group id>` (ipv4_addr) and `m6-<group id>` (ipv6_addr); a remote-group rule matches
// `ip saddr @m4-…` (ingress) or `ip daddr @m4-…` (egress). A port's transaction adds the sets its
// rules name (empty when new), so a rule never refers to a missing set; setGroupMembers replaces a
// set's elements in one transaction (flush + add), updateGroupMembers adds and deletes elements. Reconcile rewrites the table, so sets the state
// does not name are gone.
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriverPortSecurity, DriverSecurityRule, SecurityGroupMembers, SecurityGroupMembersChange } from '../network-driver.js';
import { NetworkDriverError } from '../network-driver.js';
import { CommandError, runCommand, runIgnoringAbsent } from '../../host/run-command.js';
import { isIpv6 } from './addresses.js';
import { deleteRemovedFlows, removedRules } from './conntrack.js';
import { bridgeName, tapName } from './names.js';

/** The meta mark bit meaning "conntrack says established or related". */
export const ESTABLISHED_MARK = '0x01000000';

export const sgTableName = (scope: string) => `stratus-sg-${scope}`;

const PROTOCOLS: Record<string, number> = {
  icmp: 1, igmp: 2, ipip: 4, tcp: 6, egp: 8, udp: 17, rsvp: 46, gre: 47, esp: 50, ah: 51, dccp: 33,
  'ipv6-icmp': 58, icmpv6: 58, 'ipv6-encap': 41, 'ipv6-frag': 44, 'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ipv6-route': 43,
  ospf: 89, pgm: 113, sctp: 132, udplite: 136, vrrp: 112,
};
const WITH_PORTS = new Set([6, 17, 33, 132, 136]);

function protocolNumber(rule: DriverSecurityRule): number | undefined {
  const p = rule.protocol?.toLowerCase();
  if (p === undefined || p === null || p === 'any' || p === '' || p === '0') return undefined;
  const n = /^\d+$/.test(p) ? Number(p) : PROTOCOLS[p];
  if (n === undefined) throw new NetworkDriverError(`protocol '${rule.protocol}' is not supported`);
  return rule.ethertype === 'IPv6' && n === 1 ? 58 : n;
}

/** The named set of a security group's members of one family. */
export function memberSetName(groupId: string, family: 4 | 6): string {
  // NOTE: group ids are UUIDs; anything else that could break the nft syntax is refused.
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(groupId)) throw new NetworkDriverError(`security group id '${groupId}' is not usable as a set name`);
  return `m${family}-${groupId}`;
}

/** One rule as an nft match, or null when it can match nothing (an empty list of remote prefixes). */
export function ruleMatch(rule: DriverSecurityRule): string | null {
  const v6 = rule.ethertype === 'IPv6';
  const fam = v6 ? 'ip6' : 'ip';
  const parts = [`ether type ${fam}`];
  if (rule.remoteGroupId) {
    parts.push(`${fam} ${rule.direction === 'ingress' ? 'saddr' : 'daddr'} @${memberSetName(rule.remoteGroupId, v6 ? 6 : 4)}`);
  } else if (rule.remotePrefixes) {
    const prefixes = rule.remotePrefixes.filter((p) => isIpv6(p) === v6);
    if (!prefixes.length) return null;
    if (!prefixes.some((p) => p === '0.0.0.0/0' || p === '::/0')) parts.push(`${fam} ${rule.direction === 'ingress' ? 'saddr' : 'daddr'} { ${prefixes.join(', ')} }`);
  }
  const proto = protocolNumber(rule);
  if (proto !== undefined) {
    parts.push(`meta l4proto ${proto}`);
    const { portRangeMin: min, portRangeMax: max } = rule;
    if (WITH_PORTS.has(proto) && min !== null) parts.push(`th dport ${max !== null && max !== min ? `${min}-${max}` : min}`);
    if ((proto === 1 || proto === 58) && min !== null) {
      const icmp = proto === 1 ? 'icmp' : 'icmpv6';
      parts.push(`${icmp} type ${min}`);
      if (max !== null) parts.push(`${icmp} code ${max}`);
    }
  }
  return parts.join(' ');
}

/** Source MACs and the addresses each may use (the port's own, and its allowed address pairs). */
function spoofRules(sec: DriverPortSecurity): string[] {
  const byMac = new Map<string, string[]>();
  const add = (mac: string, addr: string) => byMac.set(mac.toLowerCase(), [...(byMac.get(mac.toLowerCase()) ?? []), addr]);
  for (const a of sec.ips) add(sec.macAddress, a);
  for (const p of sec.allowedAddressPairs) add(p.macAddress || sec.macAddress, p.ipAddress);
  if (!byMac.has(sec.macAddress.toLowerCase())) byMac.set(sec.macAddress.toLowerCase(), []);
  const rules: string[] = [];
  for (const [mac, addrs] of byMac) {
    const v4 = addrs.filter((a) => !isIpv6(a));
    const v6 = [...addrs.filter(isIpv6), 'fe80::/64'];
    if (v4.length) {
      rules.push(`ether saddr ${mac} ether type ip ip saddr { ${v4.join(', ')} } return`);
      rules.push(`ether saddr ${mac} ether type arp arp saddr ether ${mac} arp saddr ip { ${v4.join(', ')} } return`);
    }
    rules.push(`ether saddr ${mac} ether type ip ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp dport 67 return`);
    rules.push(`ether saddr ${mac} ether type arp arp saddr ether ${mac} arp saddr ip 0.0.0.0 return`);
    rules.push(`ether saddr ${mac} ether type ip6 ip6 saddr { ${v6.join(', ')} } return`);
    rules.push(`ether saddr ${mac} ether type ip6 ip6 saddr :: return`);
  }
  rules.push('drop');
  return rules;
}

const chains = (portId: string) => ({ egress: `from-${portId}`, ingress: `to-${portId}`, spoof: `spoof-${portId}` });

function chainBody(sec: DriverPortSecurity): { egress: string[]; ingress: string[]; spoof: string[] } {
  const c = chains(sec.portId);
  const marked = `meta mark & ${ESTABLISHED_MARK} == ${ESTABLISHED_MARK}`;
  const matches = (dir: 'ingress' | 'egress') => sec.rules.filter((r) => r.direction === dir).map(ruleMatch).filter((m): m is string => m !== null);
  return {
    spoof: spoofRules(sec),
    egress: [
      `jump ${c.spoof}`,
      'udp sport 67 udp dport 68 drop', // no DHCP server inside an instance
      'icmpv6 type nd-router-advert drop', // nor a router advertising itself
      'udp sport 68 udp dport 67 return',
      'ether type arp return',
      'icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } return',
      `${marked} return`,
      ...matches('egress').map((m) => `${m} return`),
      'drop',
    ],
    ingress: [
      'ether type arp accept',
      'udp sport 67 udp dport 68 accept',
      'icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-query } accept',
      `${marked} accept`,
      ...matches('ingress').map((m) => `${m} accept`),
      'drop',
    ],
  };
}

/**
 * A network's conntrack zone, so that equal addresses on two networks are two connections.
 * NOTE: a hash, not an allocation: two networks may share a zone (1 in 65535 per pair), which is
 * only the state without zones.
 */
export function conntrackZone(networkId: string): number {
  return (createHash('sha256').update(networkId).digest().readUInt16BE(0) % 65535) + 1;
}

const zoneElement = (networkId: string) => `"${bridgeName(networkId)}" : ${conntrackZone(networkId)}`;

/** The skeleton of both tables (no ports); written whole by reconcile. */
function skeleton(scope: string, networkIds: string[]): string {
  const t = sgTableName(scope);
  return [
    `table inet ${t} {}`, `delete table inet ${t}`,
    `table inet ${t} {`,
    '  map zones { typeof iifname : ct zone; }',
    '  chain prerouting {',
    // NOTE: under br_netfilter a bridged packet's input device here is the bridge: one zone per network.
    '    type filter hook prerouting priority raw; policy accept;',
    '    iifname "brq*" ct zone set iifname map @zones',
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    `    iifname "brq*" ct state established,related meta mark set meta mark | ${ESTABLISHED_MARK}`,
    '  }',
    '}',
    `table bridge ${t} {}`, `delete table bridge ${t}`,
    `table bridge ${t} {`,
    '  map from-port { type ifname : verdict; }',
    '  map to-port { type ifname : verdict; }',
    '  chain forward {',
    // NOTE: priority 100 runs after br_netfilter's forward hook (-1), i.e. after the mark is set.
    '    type filter hook forward priority 100; policy accept;',
    '    iifname vmap @from-port',
    '    oifname vmap @to-port',
    '  }',
    '}',
    ...networkIds.map((id) => `add element inet ${t} zones { ${zoneElement(id)} }`),
  ].join('\n');
}

/** `add set` for a group's two member sets: creates them empty, leaves existing ones as they are. */
function addSetCommands(scope: string, groupId: string): string[] {
  const t = `bridge ${sgTableName(scope)}`;
  return [`add set ${t} ${memberSetName(groupId, 4)} { type ipv4_addr; }`, `add set ${t} ${memberSetName(groupId, 6)} { type ipv6_addr; }`];
}

/** Plain addresses of one family, each once; anything else (a prefix, the other family) is refused. */
function familyAddresses(addrs: string[], family: 4 | 6): string[] {
  const unique = [...new Set(addrs.map((a) => a.replace(/\/(32|128)$/, '')))];
  for (const a of unique) if (isIpv6(a) !== (family === 6) || a.includes('/')) throw new NetworkDriverError(`'${a}' is not an IPv${family} address`);
  return unique;
}

/** A group's member sets replaced whole: made if missing, flushed, filled. */
function memberCommands(scope: string, groupId: string, members: SecurityGroupMembers): string[] {
  const t = `bridge ${sgTableName(scope)}`;
  const lines = addSetCommands(scope, groupId);
  for (const [family, addrs] of [[4, members.ipv4], [6, members.ipv6]] as const) {
    const set = memberSetName(groupId, family);
    lines.push(`flush set ${t} ${set}`);
    const unique = familyAddresses(addrs, family);
    if (unique.length) lines.push(`add element ${t} ${set} { ${unique.join(', ')} }`);
  }
  return lines;
}

/** Elements out of and into a group's member sets (made if missing), the others untouched. */
function memberChangeCommands(scope: string, groupId: string, change: SecurityGroupMembersChange): string[] {
  const t = `bridge ${sgTableName(scope)}`;
  const lines = addSetCommands(scope, groupId);
  for (const family of [4, 6] as const) {
    const set = memberSetName(groupId, family);
    const key = family === 4 ? 'ipv4' : 'ipv6';
    const out = familyAddresses(change.remove[key], family);
    const into = familyAddresses(change.add[key], family);
    // NOTE: add-then-delete makes the removal succeed whether or not the address was a member.
    if (out.length) lines.push(`add element ${t} ${set} { ${out.join(', ')} }`, `delete element ${t} ${set} { ${out.join(', ')} }`);
    if (into.length) lines.push(`add element ${t} ${set} { ${into.join(', ')} }`);
  }
  return lines;
}

const remoteGroups = (sec: DriverPortSecurity) => [...new Set(sec.rules.map((r) => r.remoteGroupId).filter((g): g is string => !!g))];

function portCommands(scope: string, sec: DriverPortSecurity): string[] {
  const t = `bridge ${sgTableName(scope)}`;
  const c = chains(sec.portId);
  const body = chainBody(sec);
  // NOTE: the sets first, in the same transaction: a rule naming a group without members yet must not fail.
  const lines: string[] = remoteGroups(sec).flatMap((g) => addSetCommands(scope, g));
  for (const k of ['spoof', 'egress', 'ingress'] as const) {
    lines.push(`add chain ${t} ${c[k]}`, `flush chain ${t} ${c[k]}`, ...body[k].map((r) => `add rule ${t} ${c[k]} ${r}`));
  }
  const dev = tapName(sec.portId);
  lines.push(`add element ${t} from-port { "${dev}" : jump ${c.egress} }`, `add element ${t} to-port { "${dev}" : jump ${c.ingress} }`);
  return lines;
}

function removeCommands(scope: string, portId: string): string[] {
  const t = `bridge ${sgTableName(scope)}`;
  const c = chains(portId);
  const dev = tapName(portId);
  // NOTE: add-then-delete makes the removal succeed whether or not the port had rules.
  return [
    ...[c.spoof, c.egress, c.ingress].map((n) => `add chain ${t} ${n}`),
    `add element ${t} from-port { "${dev}" : jump ${c.egress} }`, `add element ${t} to-port { "${dev}" : jump ${c.ingress} }`,
    `delete element ${t} from-port { "${dev}" }`, `delete element ${t} to-port { "${dev}" }`,
    ...[c.egress, c.ingress, c.spoof].flatMap((n) => [`flush chain ${t} ${n}`, `delete chain ${t} ${n}`]),
  ];
}

export interface SecurityGroupOptions { scope: string; stateDir: string }

async function nft(opts: SecurityGroupOptions, name: string, text: string): Promise<void> {
  const file = join(opts.stateDir, `${name}.nft`);
  await writeFile(file, `${text}\n`);
  await runCommand('nft', ['-f', file]);
}

async function tableExists(scope: string): Promise<boolean> {
  return (await runIgnoringAbsent('nft', ['list', 'table', 'bridge', sgTableName(scope)])) !== '';
}

/** br_netfilter on (bridged packets reach conntrack); root namespace sysctls, no forwarding. */
async function enableBridgeNetfilter(): Promise<void> {
  for (const f of ['bridge-nf-call-iptables', 'bridge-nf-call-ip6tables']) await writeFile(`/proc/sys/net/bridge/${f}`, '1');
}

/** Every port's rules and every group's members at once, replacing both tables (reconcile). */
export async function replaceAllPortSecurity(all: DriverPortSecurity[], networkIds: string[], groupMembers: Record<string, SecurityGroupMembers>, opts: SecurityGroupOptions): Promise<void> {
  if (all.some((s) => s.enabled)) await enableBridgeNetfilter();
  await nft(opts, 'security-groups', [
    skeleton(opts.scope, networkIds),
    ...Object.entries(groupMembers).flatMap(([g, m]) => memberCommands(opts.scope, g, m)),
    ...all.filter((s) => s.enabled).flatMap((s) => portCommands(opts.scope, s)),
  ].join('\n'));
  for (const sec of all) await (sec.enabled ? keepApplied(opts, sec) : rm(appliedFile(opts, sec.portId), { force: true }));
}

/**
 * A group's members, replacing the set's elements in one transaction. With no members left the
 * sets are dropped unless a rule still names them (then they stay, empty).
 */
export async function setGroupMembers(groupId: string, members: SecurityGroupMembers, opts: SecurityGroupOptions): Promise<void> {
  const prefix = (await tableExists(opts.scope)) ? [] : [skeleton(opts.scope, [])];
  await nft(opts, `group-${groupId}`, [...prefix, ...memberCommands(opts.scope, groupId, members)].join('\n'));
  if (members.ipv4.length || members.ipv6.length) return;
  for (const family of [4, 6] as const) {
    try {
      await runCommand('nft', ['delete', 'set', 'bridge', sgTableName(opts.scope), memberSetName(groupId, family)]);
    } catch (err) {
      // NOTE: EBUSY: a port's rule still refers to the set; it stays empty until reconcile or new members.
      if (!(err instanceof CommandError && /busy|No such file/i.test(err.stderr))) throw err;
    }
  }
}

/**
 * Some addresses into and out of a group's members: `add element`/`delete element` in one
 * transaction, O(the change) whatever the set's size. Sets left empty stay (reconcile drops them).
 */
export async function updateGroupMembers(groupId: string, change: SecurityGroupMembersChange, opts: SecurityGroupOptions): Promise<void> {
  const prefix = (await tableExists(opts.scope)) ? [] : [skeleton(opts.scope, [])];
  await nft(opts, `group-${groupId}`, [...prefix, ...memberChangeCommands(opts.scope, groupId, change)].join('\n'));
}

/** The member sets in the table now: group id → addresses (groups without members left out). */
export async function hostGroupMembers(scope: string): Promise<Record<string, SecurityGroupMembers>> {
  const text = await runIgnoringAbsent('nft', ['-j', 'list', 'sets', 'bridge']);
  if (!text) return {};
  const out: Record<string, SecurityGroupMembers> = {};
  for (const item of (JSON.parse(text) as { nftables: { set?: { table: string; name: string; elem?: unknown[] } }[] }).nftables) {
    const set = item.set;
    const m = set && set.table === sgTableName(scope) ? /^m([46])-(.+)$/.exec(set.name) : null;
    if (!set || !m) continue;
    const addrs = (set.elem ?? []).filter((e): e is string => typeof e === 'string');
    if (!addrs.length) continue;
    const g = (out[m[2]!] ??= { ipv4: [], ipv6: [] });
    g[m[1] === '4' ? 'ipv4' : 'ipv6'] = addrs.sort();
  }
  return out;
}

/** The rules last applied to a port (kept beside its nft file), to tell which rules a change removes. */
const appliedFile = (opts: SecurityGroupOptions, portId: string) => join(opts.stateDir, `port-${portId}.rules.json`);
const appliedRules = (opts: SecurityGroupOptions, portId: string) =>
  readFile(appliedFile(opts, portId), 'utf8').then((t) => JSON.parse(t) as DriverSecurityRule[], () => [] as DriverSecurityRule[]);
const keepApplied = (opts: SecurityGroupOptions, sec: DriverPortSecurity) => writeFile(appliedFile(opts, sec.portId), JSON.stringify(sec.rules));

/**
 * A port's rules replaced in one transaction; then the conntrack entries of the rules it lost
 * are deleted (Neutron's firewall does so), so the connections they admitted stop.
 */
export async function setPortSecurity(sec: DriverPortSecurity, opts: SecurityGroupOptions): Promise<void> {
  if (!sec.enabled) return removePortSecurity(sec.portId, opts);
  await enableBridgeNetfilter();
  const before = await appliedRules(opts, sec.portId);
  const prefix = (await tableExists(opts.scope)) ? [] : [skeleton(opts.scope, [])];
  await nft(opts, `port-${sec.portId}`, [...prefix, ...portCommands(opts.scope, sec)].join('\n'));
  await keepApplied(opts, sec);
  await deleteRemovedFlows(sec.portId, [...sec.ips, ...sec.allowedAddressPairs.map((p) => p.ipAddress)], removedRules(before, sec.rules), sgTableName(opts.scope));
}

export async function removePortSecurity(portId: string, opts: SecurityGroupOptions): Promise<void> {
  await rm(appliedFile(opts, portId), { force: true });
  if (!(await tableExists(opts.scope))) return;
  await nft(opts, `port-${portId}`, removeCommands(opts.scope, portId).join('\n'));
}

/** The network's conntrack zone in the tables (made here when missing). */
export async function addNetworkZone(networkId: string, opts: SecurityGroupOptions): Promise<void> {
  const prefix = (await tableExists(opts.scope)) ? [] : [skeleton(opts.scope, [])];
  await nft(opts, `zone-${networkId}`, [...prefix, `add element inet ${sgTableName(opts.scope)} zones { ${zoneElement(networkId)} }`].join('\n'));
}

export async function removeNetworkZone(networkId: string, opts: SecurityGroupOptions): Promise<void> {
  if (!(await tableExists(opts.scope))) return;
  const t = `inet ${sgTableName(opts.scope)}`;
  await nft(opts, `zone-${networkId}`, [`add element ${t} zones { ${zoneElement(networkId)} }`, `delete element ${t} zones { "${bridgeName(networkId)}" }`].join('\n'));
}

export async function deleteSecurityTables(scope: string): Promise<void> {
  for (const fam of ['bridge', 'inet']) await runIgnoringAbsent('nft', ['delete', 'table', fam, sgTableName(scope)]);
}
