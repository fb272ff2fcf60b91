// Router advertisements (Neutron's L3 agent, neutron/agent/linux/ra.py): one radvd per router, in
// its namespace, advertising on each internal interface that has IPv6 subnets with an
// `ipv6_ra_mode`. Its config is rendered from the router whole (routers/<id>.radvd.conf); a changed
// config restarts radvd, a router with nothing to advertise (or deleted, or down) stops it.
//
// NOTE: a subnet with only `ipv6_address_mode` (ra mode unset) expects RAs from a router outside
// OpenStack (the API reference: ra mode says whether the service transmits RAs), so it gets none here.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriverRouter } from '../network-driver.js';
import { runCommand } from '../../host/run-command.js';
import { isIpv6 } from './addresses.js';
import { routerInterfaceName, routerNamespace } from './names.js';
import { readPid, runningPid, stopProcess, waitFor } from './processes.js';

const RADVD = '/usr/sbin/radvd';
/** Neutron's defaults (min_rtr_adv_interval, max_rtr_adv_interval), seconds. */
export const MIN_RTR_ADV_INTERVAL = 30;
export const MAX_RTR_ADV_INTERVAL = 100;
/** radvd takes at most 3 RDNSS addresses per line (Neutron's MAX_RDNSS_ENTRIES). */
const MAX_RDNSS = 3;
const IPV6_MIN_MTU = 1280;

const files = (stateDir: string, routerId: string) => {
  const base = join(stateDir, 'routers', routerId);
  return { conf: `${base}.radvd.conf`, pid: `${base}.radvd.pid`, log: `${base}.radvd.log` };
};

/** radvd.conf as ra.py renders it: one `interface` block per internal port with advertised IPv6 subnets. */
export function renderRadvdConf(r: DriverRouter): string {
  const byPort = new Map<string, DriverRouter['interfaces']>();
  for (const i of r.interfaces) {
    if (!isIpv6(i.cidr) || !i.ipv6RaMode) continue;
    byPort.set(i.portId, [...(byPort.get(i.portId) ?? []), i]);
  }
  const blocks: string[] = [];
  for (const [portId, subnets] of byPort) {
    const modes = new Set(subnets.map((s) => s.ipv6RaMode));
    const lines = ['   AdvSendAdvert on;', `   MinRtrAdvInterval ${MIN_RTR_ADV_INTERVAL};`, `   MaxRtrAdvInterval ${MAX_RTR_ADV_INTERVAL};`];
    const mtu = subnets[0]!.mtu ?? 0;
    if (mtu >= IPV6_MIN_MTU) lines.push(`   AdvLinkMTU ${mtu};`);
    if (modes.has('dhcpv6-stateless')) lines.push('   AdvOtherConfigFlag on;');
    if (modes.has('dhcpv6-stateful')) lines.push('   AdvManagedFlag on;');
    const dns = subnets.filter((s) => s.ipv6RaMode === 'slaac').flatMap((s) => s.dnsNameservers ?? []).slice(0, MAX_RDNSS);
    if (dns.length) lines.push(`   RDNSS ${dns.join(' ')} {};`);
    const prefix = (cidr: string, autonomous: boolean) => [`   prefix ${cidr}`, '   {', '        AdvOnLink on;', `        AdvAutonomous ${autonomous ? 'on' : 'off'};`, '   };'];
    for (const s of subnets.filter((x) => x.ipv6RaMode === 'slaac' || x.ipv6RaMode === 'dhcpv6-stateless')) lines.push(...prefix(s.cidr, true));
    for (const s of subnets.filter((x) => x.ipv6RaMode === 'dhcpv6-stateful')) lines.push(...prefix(s.cidr, false));
    blocks.push(`interface ${routerInterfaceName(portId)}\n{\n${lines.join('\n')}\n};\n`);
  }
  return blocks.join('');
}

/** radvd running with the router's current config, or stopped when there is nothing to advertise. */
export async function ensureRadvd(r: DriverRouter, stateDir: string): Promise<void> {
  const f = files(stateDir, r.id);
  const conf = r.adminStateUp ? renderRadvdConf(r) : '';
  if (!conf) { await stopRadvd(stateDir, r.id); return; }
  const changed = (await readFile(f.conf, 'utf8').catch(() => undefined)) !== conf;
  const pid = await runningPid(f.pid, f.pid);
  if (pid !== undefined && !changed) return;
  // NOTE: restarted rather than reloaded by SIGHUP (Neutron reloads): a restart is confirmed by its new pid file.
  if (pid !== undefined) await stopProcess(f.pid, f.pid);
  await writeFile(f.conf, conf, { mode: 0o644 });
  // NOTE: -m logfile: radvd closes stdio as it daemonises, so the command returns (as Neutron's `-m syslog`).
  await runCommand('ip', ['netns', 'exec', routerNamespace(r.id), RADVD, '-C', f.conf, '-p', f.pid, '-m', 'logfile', '-l', f.log]);
  if (!(await waitFor(() => runningPid(f.pid, f.pid), 3000))) {
    const log = (await readFile(f.log, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join('; ');
    throw new Error(`radvd for router ${r.id} did not start: ${log}`);
  }
}

/** Stops the router's radvd (by its pid file only) and removes its files. */
export async function stopRadvd(stateDir: string, routerId: string): Promise<void> {
  const f = files(stateDir, routerId);
  await stopProcess(f.pid, f.pid);
  for (const file of [f.conf, f.log]) await rm(file, { force: true });
}

export const radvdPid = (stateDir: string, routerId: string) => readPid(files(stateDir, routerId).pid);
