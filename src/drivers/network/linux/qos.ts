// Bandwidth limits on a port's tap (Neutron's linuxbridge QoS driver, on what this kernel has).
// To the instance (Neutron's ingress) is the tap's transmit side: a tbf root qdisc, as the
// linuxbridge agent sets it. From the instance (Neutron's egress) arrives on the tap's receive
// side, where the agent polices with an ingress-qdisc filter; kernels built without tc
// classifiers and police actions (such as this one) cannot, so the same policer is an nftables
// `limit ... drop` in a bridge-family chain of our own, keyed by the tap's name, before the
// security groups. Wanted limits are saved per port, so a port plugged later gets them.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, runIgnoringAbsent } from '../../host/run-command.js';
import { type BandwidthLimit, type DriverPortQos, NetworkDriverError } from '../network-driver.js';
import { tapName } from './names.js';

export interface QosOptions { scope: string; stateDir: string }

export const qosTableName = (scope: string) => `stratus-qos-${scope}`;
const chainName = (portId: string) => `limit-${portId}`;
const savedDir = (o: QosOptions) => join(o.stateDir, 'qos');
/** Neutron's default burst when a rule gives none: 80% of the rate (qos_consts.DEFAULT_BURST_RATE). */
const burstKbit = (l: BandwidthLimit) => Math.max(l.maxBurstKbps || Math.round(l.maxKbps * 0.8), 16);

async function nft(o: QosOptions, name: string, lines: string[]): Promise<void> {
  const file = join(o.stateDir, `${name}.nft`);
  await writeFile(file, `${lines.join('\n')}\n`);
  await runCommand('nft', ['-f', file]);
}

/** The table (made if missing): one map from a tap's name to its port's policing chain. */
function tableLines(o: QosOptions): string[] {
  const t = qosTableName(o.scope);
  return [
    `table bridge ${t} {`,
    '  map from-port { type ifname : verdict; }',
    // NOTE: before the security groups' forward chain (priority 100), so dropped excess costs no rule walk.
    '  chain forward { type filter hook forward priority -200; policy accept; iifname vmap @from-port; }',
    '}',
  ];
}

async function linkExists(dev: string): Promise<boolean> {
  return (await runIgnoringAbsent('ip', ['link', 'show', 'dev', dev])) !== '';
}

/** Applies the saved limits of a port to its tap, if plugged (called after plugging too). */
export async function applyPortQos(portId: string, o: QosOptions): Promise<void> {
  const text = await readFile(join(savedDir(o), `${portId}.json`), 'utf8').catch(() => undefined);
  const qos: DriverPortQos = text ? JSON.parse(text) : { portId, egress: null, ingress: null };
  const dev = tapName(portId);
  const t = `bridge ${qosTableName(o.scope)}`;
  const c = chainName(portId);
  if (qos.egress) {
    const rate = Math.max(1, Math.round(qos.egress.maxKbps / 8));
    const burst = Math.max(2, Math.round(burstKbit(qos.egress) / 8));
    await nft(o, `qos-${portId}`, [
      ...tableLines(o), `add chain ${t} ${c}`, `flush chain ${t} ${c}`,
      `add rule ${t} ${c} limit rate over ${rate} kbytes/second burst ${burst} kbytes drop`,
      `add element ${t} from-port { "${dev}" : jump ${c} }`,
    ]);
  } else {
    await removePolicer(portId, o);
  }
  if (!(await linkExists(dev))) return;
  if (qos.ingress) {
    await runCommand('tc', ['qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${qos.ingress.maxKbps}kbit`,
      'burst', `${burstKbit(qos.ingress)}kbit`, 'latency', '50ms']);
  } else {
    await clearShaper(dev);
  }
}

async function clearShaper(dev: string): Promise<void> {
  const qdiscs = JSON.parse((await runIgnoringAbsent('tc', ['-j', 'qdisc', 'show', 'dev', dev])) || '[]') as { kind: string; root?: boolean }[];
  if (qdiscs.some((q) => q.root && q.kind === 'tbf')) await runIgnoringAbsent('tc', ['qdisc', 'del', 'dev', dev, 'root']);
}

async function removePolicer(portId: string, o: QosOptions): Promise<void> {
  const t = `bridge ${qosTableName(o.scope)}`;
  const c = chainName(portId);
  // NOTE: add-then-delete makes the removal succeed whether or not the port had a policer.
  await nft(o, `qos-${portId}`, [
    ...tableLines(o), `add chain ${t} ${c}`, `add element ${t} from-port { "${tapName(portId)}" : jump ${c} }`,
    `delete element ${t} from-port { "${tapName(portId)}" }`, `flush chain ${t} ${c}`, `delete chain ${t} ${c}`,
  ]);
  await rm(join(o.stateDir, `qos-${portId}.nft`), { force: true });
}

export async function setPortQos(qos: DriverPortQos, o: QosOptions): Promise<void> {
  for (const l of [qos.egress, qos.ingress]) {
    if (l && (!Number.isInteger(l.maxKbps) || l.maxKbps <= 0 || !Number.isInteger(l.maxBurstKbps) || l.maxBurstKbps < 0)) {
      throw new NetworkDriverError(`invalid bandwidth limit ${JSON.stringify(l)} for port ${qos.portId}`);
    }
  }
  await mkdir(savedDir(o), { recursive: true });
  const file = join(savedDir(o), `${qos.portId}.json`);
  if (qos.egress || qos.ingress) await writeFile(file, JSON.stringify(qos));
  else await rm(file, { force: true });
  await applyPortQos(qos.portId, o);
}

/** Forgets a port's limits (its tap, and the tbf with it, is gone or going). */
export async function removePortQos(portId: string, o: QosOptions): Promise<void> {
  await rm(join(savedDir(o), `${portId}.json`), { force: true });
  await removePolicer(portId, o);
  if (await linkExists(tapName(portId))) await clearShaper(tapName(portId));
}

/** Reconcile: exactly these ports have limits. */
export async function replaceAllPortQos(all: DriverPortQos[], o: QosOptions): Promise<void> {
  const wanted = new Set(all.filter((q) => q.egress || q.ingress).map((q) => q.portId));
  const saved = (await readdir(savedDir(o)).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  for (const id of saved) if (!wanted.has(id)) await removePortQos(id, o);
  for (const q of all) if (wanted.has(q.portId)) await setPortQos(q, o);
}

/** Drops the table (destroyAll). */
export async function deleteQosTable(scope: string): Promise<void> {
  await runIgnoringAbsent('nft', ['delete', 'table', 'bridge', qosTableName(scope)]);
}
