// Per network with DHCP-enabled IPv4 subnets: namespace qdhcp-<id>, a veth into the bridge, and a
// dnsmasq serving static leases from hosts/opts files in the state dir (SIGHUP on change).
//
// NOTE: the service makes no network:dhcp port, so the DHCP address is chosen here: the subnet's
// highest usable address that is neither the gateway nor any port's address, kept stable in the
// state dir (it moves only if a port later gets that address).
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DhcpEntriesChange, DhcpEntry, DriverNetwork, DriverSubnet } from '../network-driver.js';
import { runCommand } from '../../host/run-command.js';
import { highestFreeIpv4, ipv4Range, ipv6Subnet, isIpv6, prefixLength } from './addresses.js';
import { deleteNamespace, ensureNamespace, ip, ipIgnoringAbsent, listLinks, setTag, syncAddresses } from './host-links.js';
import { bridgeName, dhcpInnerName, dhcpNamespace, dhcpOuterName, METADATA_IP } from './names.js';
import { stopMetadataProxy } from './metadata.js';
import { readPid, runningPid, stopProcess, waitFor } from './processes.js';

const DNSMASQ = '/usr/sbin/dnsmasq';
const LEASE_SECONDS = 86400;

export interface DhcpOptions { scope: string; stateDir: string; metadata: boolean }

export const networkDir = (stateDir: string, networkId: string) => join(stateDir, 'networks', networkId);

/** dnsmasq's IPv6 range mode per Neutron address mode; RAs come from dnsmasq (see ensureDhcp). */
const IPV6_MODES: Record<string, string> = { slaac: 'ra-only', 'dhcpv6-stateless': 'ra-stateless', 'dhcpv6-stateful': 'static' };
const ipv6Mode = (s: DriverSubnet) => (s.ipVersion === 6 ? IPV6_MODES[s.ipv6AddressMode ?? s.ipv6RaMode ?? ''] : undefined);

const dhcpSubnets = (net: DriverNetwork) => net.subnets.filter((s) => s.enableDhcp && (s.ipVersion === 4 || ipv6Mode(s)));

/** The entries dnsmasq hands out: IPv4 ones, and IPv6 ones of DHCPv6-stateful subnets. */
const servedEntries = (s: DriverSubnet, entries: DhcpEntry[]) =>
  entries.filter((e) => (s.ipVersion === 4 ? !isIpv6(e.ipAddress) : ipv6Mode(s) === 'static' && isIpv6(e.ipAddress)));

export async function saveEntries(stateDir: string, networkId: string, subnetId: string, entries: DhcpEntry[]): Promise<void> {
  const dir = networkDir(stateDir, networkId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `entries-${subnetId}.json`), JSON.stringify(entries));
}

/** Some ports' entries of a subnet replaced or removed in the saved state (see DhcpEntriesChange). */
export async function changeEntries(stateDir: string, networkId: string, subnetId: string, change: DhcpEntriesChange): Promise<void> {
  const gone = new Set([...change.remove, ...change.upsert.map((e) => e.portId)]);
  const kept = (await loadEntries(networkDir(stateDir, networkId), subnetId)).filter((e) => !gone.has(e.portId));
  await saveEntries(stateDir, networkId, subnetId, [...kept, ...change.upsert]);
}

async function loadEntries(dir: string, subnetId: string): Promise<DhcpEntry[]> {
  return JSON.parse(await readFile(join(dir, `entries-${subnetId}.json`), 'utf8').catch(() => '[]')) as DhcpEntry[];
}

async function dhcpAddress(dir: string, subnet: DriverSubnet, entries: DhcpEntry[]): Promise<string> {
  const taken = new Set(entries.map((e) => e.ipAddress));
  if (subnet.gatewayIp) taken.add(subnet.gatewayIp);
  const file = join(dir, `dhcp-address-${subnet.id}`);
  const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (kept && !taken.has(kept)) return kept;
  const chosen = subnet.ipVersion === 6 ? ipv6Subnet(subnet.cidr, taken).free : highestFreeIpv4(subnet.cidr, taken);
  if (!chosen) throw new Error(`subnet ${subnet.id} has no address left for its DHCP server`);
  await writeFile(file, chosen);
  return chosen;
}

/** dnsmasq's --dhcp-hostsfile: one static lease per port address; a tag only for ports with extra options. */
export function renderHosts(entries: DhcpEntry[]): string {
  return entries.map((e) => `${e.macAddress},${e.extraOptions.length ? `set:port-${e.portId},` : ''}${isIpv6(e.ipAddress) ? `[${e.ipAddress}]` : e.ipAddress},${e.hostname}\n`).join('');
}

/** dnsmasq's --dhcp-optsfile: per subnet router, DNS, classless routes (121/249) and MTU; per port extra options. */
export function renderOpts(net: DriverNetwork, servers: Map<string, string>, entries: DhcpEntry[], metadata: boolean): string {
  const lines: string[] = [];
  for (const s of dhcpSubnets(net).filter((x) => x.ipVersion === 6)) {
    if (s.dnsNameservers.length) lines.push(`tag:subnet-${s.id},option6:dns-server,${s.dnsNameservers.map((d) => `[${d}]`).join(',')}`);
  }
  for (const s of dhcpSubnets(net).filter((x) => x.ipVersion === 4)) {
    const tag = `tag:subnet-${s.id}`;
    lines.push(s.gatewayIp ? `${tag},option:router,${s.gatewayIp}` : `${tag},option:router`);
    if (s.dnsNameservers.length) lines.push(`${tag},option:dns-server,${s.dnsNameservers.join(',')}`);
    const routes: string[] = [];
    // NOTE: as Neutron's enable_isolated_metadata: the metadata address is reached via the DHCP port.
    if (metadata) routes.push(`${METADATA_IP}/32,${servers.get(s.id)}`);
    for (const r of s.hostRoutes.filter((h) => !isIpv6(h.destination))) routes.push(`${r.destination},${r.nexthop}`);
    // NOTE: a client given option 121 ignores option 3 (RFC 3442), so the default route goes in too.
    if (routes.length && s.gatewayIp) routes.push(`0.0.0.0/0,${s.gatewayIp}`);
    if (routes.length) {
      lines.push(`${tag},option:classless-static-route,${routes.join(',')}`);
      lines.push(`${tag},249,${routes.join(',')}`);
    }
    lines.push(`${tag},option:mtu,${net.mtu}`);
  }
  for (const e of entries) {
    for (const o of e.extraOptions) {
      const kind = o.ipVersion === 6 ? 'option6' : 'option';
      lines.push(`tag:port-${e.portId},${/^\d+$/.test(o.name) && kind === 'option' ? o.name : `${kind}:${o.name}`},${o.value}`);
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** Brings the network's DHCP server in line with `net` and the saved entries; none without DHCP subnets. */
export async function ensureDhcp(net: DriverNetwork, opts: DhcpOptions): Promise<{ namespace: string; device: string } | undefined> {
  const subnets = dhcpSubnets(net);
  if (!subnets.length) { await teardownDhcp(net.id, opts); return undefined; }
  const dir = networkDir(opts.stateDir, net.id);
  await mkdir(dir, { recursive: true });
  const ns = dhcpNamespace(net.id);
  const outer = dhcpOuterName(net.id);
  const inner = dhcpInnerName(net.id);
  await ensureNamespace(ns, { scope: opts.scope, kind: 'dhcp', id: net.id });
  if (!(await listLinks(ns)).some((l) => l.name === inner)) {
    await ipIgnoringAbsent(['link', 'del', outer]);
    await ip(['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner, 'netns', ns]);
  }
  await setTag(outer, { scope: opts.scope, kind: 'dhcp', id: net.id });
  await ip(['link', 'set', 'dev', outer, 'mtu', String(net.mtu), 'master', bridgeName(net.id), 'up']);
  await ip(['link', 'set', 'dev', inner, 'mtu', String(net.mtu), 'up'], ns);

  const servers = new Map<string, string>();
  const allEntries: DhcpEntry[] = [];
  for (const s of subnets) {
    const entries = await loadEntries(dir, s.id);
    allEntries.push(...servedEntries(s, entries));
    servers.set(s.id, await dhcpAddress(dir, s, entries));
  }
  const addresses = subnets.map((s) => `${servers.get(s.id)}/${prefixLength(s.cidr)}`);
  if (opts.metadata) addresses.push(`${METADATA_IP}/32`);
  await syncAddresses(inner, addresses, ns);

  const hosts = renderHosts(allEntries);
  // NOTE: dnsmasq 2.90 dies on SIGHUP re-reading a hosts file with `set:` tags once it has leases:
  // with tags (before or after), a change restarts it instead (static leases: clients lose nothing).
  const tagged = hosts.includes(',set:') || (await readFile(join(dir, 'hosts'), 'utf8').catch(() => '')).includes(',set:');
  const hostsChanged = await writeIfChanged(join(dir, 'hosts'), hosts);
  const optsChanged = await writeIfChanged(join(dir, 'opts'), renderOpts(net, servers, allEntries, opts.metadata));
  const pidFile = join(dir, 'dnsmasq.pid');
  const args = [
    // NOTE: no DNS (--port=0): the namespace has no resolver to forward to; subnets name their DNS servers.
    '--no-hosts', '--no-resolv', '--port=0', '--conf-file=/dev/null', '--user=root', '--dhcp-authoritative', `--dhcp-leasefile=${join(dir, 'leases')}`,
    '--bind-interfaces', `--interface=${inner}`, '--except-interface=lo', `--pid-file=${pidFile}`,
    `--dhcp-hostsfile=${join(dir, 'hosts')}`, `--dhcp-optsfile=${join(dir, 'opts')}`, '--domain=openstacklocal',
    ...subnets.map((s) => {
      if (s.ipVersion === 6) return `--dhcp-range=set:subnet-${s.id},${ipv6Subnet(s.cidr, new Set()).prefix},${ipv6Mode(s)},${prefixLength(s.cidr)},${LEASE_SECONDS}s`;
      const r = ipv4Range(s.cidr);
      return `--dhcp-range=set:subnet-${s.id},${r.network},static,${r.netmask},${LEASE_SECONDS}s`;
    }),
    // NOTE: routers send no RAs yet, so dnsmasq does, as a non-router (lifetime 0): addresses, no default route.
    ...(subnets.some((s) => s.ipVersion === 6) ? ['--enable-ra', `--ra-param=${inner},10,0`] : []),
  ];
  const argsChanged = await writeIfChanged(join(dir, 'dnsmasq.args'), args.join('\n'));
  const pid = await runningPid(pidFile, `--pid-file=${pidFile}`);
  // NOTE: a lease of an address now given to another port (a deleted server's address reused)
  // makes dnsmasq refuse the new port: Neutron's agent runs dhcp_release; dnsmasq is stopped here,
  // the stale leases dropped from its file, and started again.
  const leases = join(dir, 'leases');
  const staleLeases = hostsChanged && staleLeaseLines(await readFile(leases, 'utf8').catch(() => ''), allEntries).length > 0;
  const restart = argsChanged || staleLeases || (tagged && (hostsChanged || optsChanged));
  if (pid !== undefined && restart) await stopProcess(pidFile, `--pid-file=${pidFile}`);
  // NOTE: read again once dnsmasq is stopped: it writes its leases on the way out.
  if (staleLeases) await dropStaleLeases(leases, allEntries);
  if (pid === undefined || restart) {
    await runCommand('ip', ['netns', 'exec', ns, DNSMASQ, ...args, `--log-facility=${join(dir, 'dnsmasq.log')}`]);
    if (!(await waitFor(() => runningPid(pidFile, `--pid-file=${pidFile}`), 3000))) throw new Error(`dnsmasq for network ${net.id} did not start`);
  } else if (hostsChanged || optsChanged) {
    await reload(pid, dir);
  }
  return { namespace: ns, device: inner };
}

/**
 * IPv4 lease lines (`expiry mac ip hostname client-id`) whose address no served entry gives to
 * that MAC any more; other lines (IPv6 DUID and IAID lines) are kept.
 */
function staleLeaseLines(text: string, entries: DhcpEntry[]): string[] {
  const served = new Set(entries.map((e) => `${e.macAddress.toLowerCase()} ${e.ipAddress}`));
  return text.split('\n').filter((l) => {
    const f = l.trim().split(/\s+/);
    return f.length >= 4 && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(f[1]!) && !f[2]!.includes(':') && !served.has(`${f[1]!.toLowerCase()} ${f[2]}`);
  });
}

async function dropStaleLeases(file: string, entries: DhcpEntry[]): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const stale = new Set(staleLeaseLines(text, entries));
  await writeFile(file, text.split('\n').filter((l) => !stale.has(l)).join('\n'));
}

/** SIGHUP, confirmed by dnsmasq's log saying it read the hosts file again. */
async function reload(pid: number, dir: string): Promise<void> {
  const log = join(dir, 'dnsmasq.log');
  const reads = async () => (await readFile(log, 'utf8').catch(() => '')).split(`read ${join(dir, 'hosts')}`).length;
  const before = await reads();
  // NOTE: a SIGHUP arriving while dnsmasq still handles the previous one can be lost; send again.
  for (let attempt = 0; attempt < 5; attempt++) {
    process.kill(pid, 'SIGHUP');
    if (await waitFor(async () => ((await reads()) > before ? true : undefined), 400)) return;
  }
  throw new Error(`dnsmasq ${pid} did not reload its hosts file`);
}

async function writeIfChanged(file: string, content: string): Promise<boolean> {
  if ((await readFile(file, 'utf8').catch(() => undefined)) === content) return false;
  await writeFile(file, content);
  return true;
}

/** Stops dnsmasq (by its pid file only), removes the namespace and the veth. Saved entries stay. */
export async function teardownDhcp(networkId: string, opts: Pick<DhcpOptions, 'stateDir'>): Promise<void> {
  const dir = networkDir(opts.stateDir, networkId);
  const pidFile = join(dir, 'dnsmasq.pid');
  await stopMetadataProxy(dir);
  await stopProcess(pidFile, `--pid-file=${pidFile}`);
  await ipIgnoringAbsent(['link', 'del', dhcpOuterName(networkId)]);
  await deleteNamespace(dhcpNamespace(networkId));
  for (const f of ['hosts', 'opts', 'dnsmasq.args']) await rm(join(dir, f), { force: true });
}

/** Networks the state dir knows of (for reconcile to clean up after). */
export async function savedNetworks(stateDir: string): Promise<string[]> {
  return readdir(join(stateDir, 'networks')).catch(() => []);
}

export const dnsmasqPid = (stateDir: string, networkId: string) => readPid(join(networkDir(stateDir, networkId), 'dnsmasq.pid'));
