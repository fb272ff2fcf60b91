// A router: namespace qrouter-<id>, a veth per interface (qr- inside, tap… on the network's bridge)
// and for the gateway (qg-), forwarding on inside only, routes, one nftables table (`ip stratus`)
// holding SNAT and the floating IPs' DNAT/SNAT (hairpin included), replaced atomically, and radvd
// for the IPv6 subnets it advertises (radvd.ts).
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriverFloatingIp, DriverRouter } from '../network-driver.js';
import { NetworkDriverError } from '../network-driver.js';
import { runCommand, runIgnoringAbsent } from '../../host/run-command.js';
import { isIpv6, prefixLength } from './addresses.js';
import { deleteNamespace, ensureNamespace, ip, ipIgnoringAbsent, listAddresses, listLinks, listNamespaces, namespaceTag, setTag, syncAddresses } from './host-links.js';
import { applyMetering, forgetLabels } from './metering.js';
import { ensureRadvd, stopRadvd } from './radvd.js';
import { bridgeName, routerGatewayName, routerInterfaceName, routerNamespace, tapName } from './names.js';

export interface RouterOptions { scope: string; stateDir: string }

interface RouterPort { inner: string; outer: string; portId: string; networkId: string; mac: string; addresses: string[] }

const routerFile = (stateDir: string, id: string) => join(stateDir, 'routers', `${id}.json`);

interface SavedRouter { router: DriverRouter | null; floatingIps: DriverFloatingIp[] }

async function load(stateDir: string, id: string): Promise<SavedRouter> {
  return JSON.parse(await readFile(routerFile(stateDir, id), 'utf8').catch(() => '{"router":null,"floatingIps":[]}')) as SavedRouter;
}
async function save(stateDir: string, id: string, saved: SavedRouter): Promise<void> {
  await mkdir(join(stateDir, 'routers'), { recursive: true });
  await writeFile(routerFile(stateDir, id), JSON.stringify(saved));
}

function wantedPorts(r: DriverRouter, fips: DriverFloatingIp[]): RouterPort[] {
  const ports = new Map<string, RouterPort>();
  for (const i of r.interfaces) {
    const p = ports.get(i.portId) ?? { inner: routerInterfaceName(i.portId), outer: tapName(i.portId), portId: i.portId, networkId: i.networkId, mac: i.macAddress, addresses: [] };
    p.addresses.push(`${i.ipAddress}/${prefixLength(i.cidr)}`);
    ports.set(i.portId, p);
  }
  if (r.gateway) {
    const g = r.gateway;
    ports.set(g.portId, {
      inner: routerGatewayName(g.portId), outer: tapName(g.portId), portId: g.portId, networkId: g.networkId, mac: g.macAddress,
      addresses: [...g.ips.map((x) => `${x.ipAddress}/${prefixLength(x.cidr)}`), ...fips.map((f) => `${f.floatingIp}/32`)],
    });
  }
  return [...ports.values()];
}

/**
 * The router's whole NAT table: `table ip stratus {}` + delete first, so `nft -f` replaces it in one step.
 *
 * As Neutron's L3 agent: a floating IP's DNAT applies whatever the incoming interface (and to the
 * router's own traffic, hook output), so a port reaches another's floating IP from inside its
 * network (hairpin). Such DNATed traffic not coming in through the gateway is SNATed, so the reply
 * goes back through the router and is un-NATed: to the sender's own floating IP when it has one
 * (Neutron's float-snat comes first), else to the gateway address (`snat_internal_traffic_to_floating_ip`).
 */
export function renderNatTable(r: DriverRouter, fips: DriverFloatingIp[]): string {
  const pre: string[] = [];
  const out: string[] = [];
  const post: string[] = [];
  const g = r.gateway;
  if (g) {
    const qg = routerGatewayName(g.portId);
    for (const f of fips) {
      pre.push(`ip daddr ${f.floatingIp} dnat to ${f.fixedIp}`);
      out.push(`ip daddr ${f.floatingIp} dnat to ${f.fixedIp}`);
    }
    for (const f of fips) {
      post.push(`oifname "${qg}" ip saddr ${f.fixedIp} snat to ${f.floatingIp}`);
      post.push(`iifname != "${qg}" ct status dnat ip saddr ${f.fixedIp} snat to ${f.floatingIp}`);
    }
    const gatewayIp = g.ips.find((x) => !isIpv6(x.ipAddress))?.ipAddress;
    if (gatewayIp && fips.length) post.push(`iifname != "${qg}" ct status dnat snat to ${gatewayIp}`);
    const internal = r.interfaces.filter((i) => !isIpv6(i.cidr)).map((i) => i.cidr);
    if (g.enableSnat && gatewayIp && internal.length) post.push(`oifname "${qg}" ip saddr { ${internal.join(', ')} } snat to ${gatewayIp}`);
  }
  const chain = (name: string, hook: string, prio: string, rules: string[]) =>
    `  chain ${name} {\n    type nat hook ${hook} priority ${prio}; policy accept;\n${rules.map((x) => `    ${x}\n`).join('')}  }\n`;
  return `table ip stratus {}\ndelete table ip stratus\ntable ip stratus {\n${chain('prerouting', 'prerouting', 'dstnat', pre)}${chain('output', 'output', '-100', out)}${chain('postrouting', 'postrouting', 'srcnat', post)}}\n`;
}

async function applyNat(stateDir: string, r: DriverRouter, fips: DriverFloatingIp[]): Promise<void> {
  const file = join(stateDir, 'routers', `${r.id}.nft`);
  await writeFile(file, renderNatTable(r, fips));
  await runCommand('ip', ['netns', 'exec', routerNamespace(r.id), 'nft', '-f', file]);
}

export async function ensureRouter(r: DriverRouter, opts: RouterOptions): Promise<void> {
  const saved = await load(opts.stateDir, r.id);
  await save(opts.stateDir, r.id, { router: r, floatingIps: saved.floatingIps });
  const ns = routerNamespace(r.id);
  const rootLinks = await listLinks();
  const ports = wantedPorts(r, saved.floatingIps);
  for (const p of ports) {
    const bridge = rootLinks.find((l) => l.name === bridgeName(p.networkId));
    if (bridge?.tag?.scope !== opts.scope) throw new NetworkDriverError(`network ${p.networkId} is not on this host`);
  }
  await ensureNamespace(ns, { scope: opts.scope, kind: 'router', id: r.id });
  // NOTE: no ICMP redirects: hairpinned traffic leaves by the interface it came in on, and a redirect
  // would send the instance straight to the peer for the floating IP (as Neutron's namespaces).
  await runCommand('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1',
    'net.ipv4.conf.all.send_redirects=0', 'net.ipv4.conf.default.send_redirects=0']);

  const inside = await listLinks(ns);
  for (const l of inside) {
    if (/^q[rg]-/.test(l.name) && !ports.some((p) => p.inner === l.name)) await ipIgnoringAbsent(['link', 'del', l.name], ns);
  }
  for (const p of ports) {
    if (!inside.some((l) => l.name === p.inner)) {
      // NOTE: a peer left in the root namespace by an earlier crash would block the new pair's name.
      await ipIgnoringAbsent(['link', 'del', p.outer]);
      await ip(['link', 'add', p.outer, 'type', 'veth', 'peer', 'name', p.inner, 'netns', ns]);
    }
    await setTag(p.outer, { scope: opts.scope, kind: 'router-port', id: p.portId });
    await ip(['link', 'set', 'dev', p.outer, 'master', bridgeName(p.networkId), 'up']);
    await ip(['link', 'set', 'dev', p.inner, 'address', p.mac], ns);
    await ip(['link', 'set', 'dev', p.inner, r.adminStateUp ? 'up' : 'down'], ns);
    await syncAddresses(p.inner, p.addresses, ns);
  }
  // NOTE: `all` and `default` cover new interfaces; an interface made before them keeps its own value.
  if (ports.length) await runCommand('ip', ['netns', 'exec', ns, 'sysctl', '-qw', ...ports.map((p) => `net.ipv4.conf.${p.inner}.send_redirects=0`)]);
  await syncRoutes(r, ns);
  await applyNat(opts.stateDir, r, saved.floatingIps);
  await applyMetering(opts.stateDir, r, r.id);
  await ensureRadvd(r, opts.stateDir);
}

/** Default route via the gateway's gateway IP and the extra routes, all `proto static`; others of that proto go. */
async function syncRoutes(r: DriverRouter, ns: string): Promise<void> {
  const wanted = new Map<string, string>();
  const gw = r.gateway?.ips.find((x) => x.gatewayIp && !isIpv6(x.gatewayIp));
  if (gw && r.gateway) wanted.set('default', gw.gatewayIp!);
  for (const route of r.routes.filter((x) => !isIpv6(x.destination))) wanted.set(route.destination === '0.0.0.0/0' ? 'default' : route.destination, route.nexthop);
  const have = JSON.parse((await ip(['-j', 'route', 'show', 'proto', 'static'], ns)).trim() || '[]') as { dst: string }[];
  for (const h of have) if (!wanted.has(h.dst)) await ipIgnoringAbsent(['route', 'del', h.dst], ns);
  for (const [dst, via] of wanted) await ip(['route', 'replace', dst, 'via', via, 'proto', 'static'], ns);
}

export async function setFloatingIps(routerId: string, fips: DriverFloatingIp[], opts: RouterOptions): Promise<void> {
  const saved = await load(opts.stateDir, routerId);
  await save(opts.stateDir, routerId, { router: saved.router, floatingIps: fips });
  const r = saved.router;
  if (!r || !(await listNamespaces()).includes(routerNamespace(routerId))) return;
  if (r.gateway) {
    const qg = routerGatewayName(r.gateway.portId);
    await syncAddresses(qg, [...r.gateway.ips.map((x) => `${x.ipAddress}/${prefixLength(x.cidr)}`), ...fips.map((f) => `${f.floatingIp}/32`)], routerNamespace(routerId));
  }
  await applyNat(opts.stateDir, r, fips);
}

export async function deleteRouter(routerId: string, opts: RouterOptions): Promise<void> {
  const ns = routerNamespace(routerId);
  if ((await listNamespaces()).includes(ns)) {
    const tag = await namespaceTag(ns);
    if (tag && tag.scope !== opts.scope) throw new NetworkDriverError(`${ns} belongs to another Stratus (scope ${tag.scope})`);
    await stopRadvd(opts.stateDir, routerId);
    // NOTE: deleting the veths first: a namespace is freed asynchronously, its peers would linger.
    for (const l of await listLinks(ns)) if (/^q[rg]-/.test(l.name)) await ipIgnoringAbsent(['link', 'del', l.name], ns);
    await deleteNamespace(ns);
  }
  await stopRadvd(opts.stateDir, routerId);
  await rm(routerFile(opts.stateDir, routerId), { force: true });
  await rm(join(opts.stateDir, 'routers', `${routerId}.nft`), { force: true });
  await forgetLabels(opts.stateDir, routerId);
}

/** Routers present on the host (their namespace carries our tag and the NAT table exists). */
export async function hostRouters(scope: string): Promise<string[]> {
  const out: string[] = [];
  for (const ns of (await listNamespaces()).filter((n) => n.startsWith('qrouter-'))) {
    const tag = await namespaceTag(ns);
    if (tag?.scope === scope && tag.kind === 'router') out.push(tag.id);
  }
  return out;
}

export async function hasNatTable(routerId: string): Promise<boolean> {
  return (await runIgnoringAbsent('ip', ['netns', 'exec', routerNamespace(routerId), 'nft', 'list', 'table', 'ip', 'stratus'])) !== '';
}

/** The floating IPs on the router's gateway device (its /32 addresses). */
export async function hostFloatingIps(routerId: string, opts: RouterOptions): Promise<string[]> {
  const r = (await load(opts.stateDir, routerId)).router;
  if (!r?.gateway) return [];
  return (await listAddresses(routerGatewayName(r.gateway.portId), routerNamespace(routerId))).filter((a) => a.family === 'inet' && a.prefixlen === 32).map((a) => a.address);
}

/** The router as last ensured here (its gateway names the device metering counts on). */
export async function savedRouter(stateDir: string, id: string): Promise<DriverRouter | null> {
  return (await load(stateDir, id)).router;
}

export async function savedRouters(stateDir: string): Promise<string[]> {
  return (await readdir(join(stateDir, 'routers')).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
}
