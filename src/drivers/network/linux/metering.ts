// Metering (Neutron's metering agent with its iptables driver, here nftables): in the router's
// namespace one table `inet stratus_metering` holding a named counter and a chain per label, and a
// forward hook that sends every packet through each label's chain. A label's chain counts the
// packets crossing the gateway device (qg-) from (ingress) or to (egress) its rules' prefixes;
// excluded rules come first and return uncounted, as Neutron puts them at the top.
//
// The labels are saved beside the router (routers/<id>.labels) and applied whenever the
// router is (re)built. The table is changed in one `nft -f` transaction that keeps the counters of
// the labels that stay, so counts go on across changes.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriverMeteringLabel, DriverRouter, MeteringCount } from '../network-driver.js';
import { runCommand, runIgnoringAbsent } from '../../host/run-command.js';
import { isIpv6 } from './addresses.js';
import { listNamespaces } from './host-links.js';
import { routerGatewayName, routerNamespace } from './names.js';

const TABLE = 'inet stratus_metering';
const meteringFile = (stateDir: string, routerId: string) => join(stateDir, 'routers', `${routerId}.labels`);
const counterName = (labelId: string) => `label-${labelId}`;

export async function savedLabels(stateDir: string, routerId: string): Promise<DriverMeteringLabel[]> {
  return JSON.parse(await readFile(meteringFile(stateDir, routerId), 'utf8').catch(() => '[]')) as DriverMeteringLabel[];
}

export async function saveLabels(stateDir: string, routerId: string, labels: DriverMeteringLabel[]): Promise<void> {
  await mkdir(join(stateDir, 'routers'), { recursive: true });
  if (labels.length) await writeFile(meteringFile(stateDir, routerId), JSON.stringify(labels));
  else await rm(meteringFile(stateDir, routerId), { force: true });
}

export async function forgetLabels(stateDir: string, routerId: string): Promise<void> {
  await rm(meteringFile(stateDir, routerId), { force: true });
}

/** One label's chain: excluded rules return first, then matching packets count once and return. */
function labelRules(label: DriverMeteringLabel, gateway: string | undefined): string[] {
  if (!gateway) return [];
  const match = (r: DriverMeteringLabel['rules'][number]) => {
    const family = isIpv6(r.remoteIpPrefix) ? 'ip6' : 'ip';
    return r.direction === 'ingress' ? `iifname "${gateway}" ${family} saddr ${r.remoteIpPrefix}` : `oifname "${gateway}" ${family} daddr ${r.remoteIpPrefix}`;
  };
  const sorted = [...label.rules.filter((r) => r.excluded), ...label.rules.filter((r) => !r.excluded)];
  return sorted.map((r) => (r.excluded ? `${match(r)} return` : `${match(r)} counter name "${counterName(label.id)}" return`));
}

/**
 * The nft script that brings the table to `labels`: flushes every chain, removes the chains and
 * counters of labels that went, adds those of new labels (an existing counter keeps its counts).
 */
export function renderMetering(labels: DriverMeteringLabel[], gateway: string | undefined, existing: string[]): string {
  const wanted = new Set(labels.map((l) => counterName(l.id)));
  const out = [`add table ${TABLE}`, `flush table ${TABLE}`];
  out.push(`add chain ${TABLE} forward { type filter hook forward priority filter - 1; policy accept; }`);
  for (const name of existing.filter((n) => !wanted.has(n))) out.push(`delete chain ${TABLE} ${name}`, `delete counter ${TABLE} ${name}`);
  for (const l of labels) {
    const name = counterName(l.id);
    out.push(`add counter ${TABLE} ${name}`, `add chain ${TABLE} ${name}`);
    for (const rule of labelRules(l, gateway)) out.push(`add rule ${TABLE} ${name} ${rule}`);
    out.push(`add rule ${TABLE} forward jump ${name}`);
  }
  return `${out.join('\n')}\n`;
}

async function nft(routerId: string, args: string[]): Promise<string> {
  return runCommand('ip', ['netns', 'exec', routerNamespace(routerId), 'nft', ...args]);
}

/** The label counters the router's table holds now (none when there is no table). */
async function hostCounters(routerId: string): Promise<{ name: string; packets: number; bytes: number }[]> {
  const text = await runIgnoringAbsent('ip', ['netns', 'exec', routerNamespace(routerId), 'nft', '-j', 'list', 'counters', 'table', ...TABLE.split(' ')]);
  if (!text.trim()) return [];
  const items = (JSON.parse(text) as { nftables: { counter?: { name: string; packets: number; bytes: number } }[] }).nftables;
  return items.flatMap((i) => (i.counter ? [i.counter] : []));
}

/** Applies the saved labels in the router's namespace, when the namespace exists. */
export async function applyMetering(stateDir: string, router: DriverRouter | null, routerId: string): Promise<void> {
  if (!(await listNamespaces()).includes(routerNamespace(routerId))) return;
  const labels = await savedLabels(stateDir, routerId);
  const existing = (await hostCounters(routerId)).map((c) => c.name);
  if (!labels.length && !existing.length) return;
  const gateway = router?.gateway ? routerGatewayName(router.gateway.portId) : undefined;
  const file = join(stateDir, 'routers', `${routerId}.metering.nft`);
  await writeFile(file, renderMetering(labels, gateway, existing));
  try { await nft(routerId, ['-f', file]); } finally { await rm(file, { force: true }); }
}

/** Label id → its counters, read from the router's namespace. */
export async function meteringCounts(routerId: string): Promise<Record<string, MeteringCount>> {
  if (!(await listNamespaces()).includes(routerNamespace(routerId))) return {};
  const out: Record<string, MeteringCount> = {};
  for (const c of await hostCounters(routerId)) if (c.name.startsWith('label-')) out[c.name.slice(6)] = { packets: c.packets, bytes: c.bytes };
  return out;
}
