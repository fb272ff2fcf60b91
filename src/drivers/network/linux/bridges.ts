// One bridge per network (plus its VXLAN device), and ports plugged into it as taps or veths.
import { writeFile } from 'node:fs/promises';
import type { DriverNetwork, DriverPort } from '../network-driver.js';
import { NetworkDriverError } from '../network-driver.js';
import { ip, ipIgnoringAbsent, listLinks, setTag, type HostLink } from './host-links.js';
import { bridgeName, tapName, vxlanName, type TagKind } from './names.js';

export interface BridgeOptions { scope: string; externalInterface?: string; physicalInterfaces?: Record<string, string> }

const ours = (l: HostLink | undefined, scope: string, kinds: TagKind[]) => !!l?.tag && l.tag.scope === scope && kinds.includes(l.tag.kind);

export async function ensureBridge(net: DriverNetwork, opts: BridgeOptions): Promise<void> {
  const name = bridgeName(net.id);
  const links = await listLinks();
  const existing = links.find((l) => l.name === name);
  if (existing?.tag && existing.tag.scope !== opts.scope) throw new NetworkDriverError(`${name} belongs to another Stratus (scope ${existing.tag.scope})`);
  if (!existing) await ip(['link', 'add', 'name', name, 'type', 'bridge']);
  await setTag(name, { scope: opts.scope, kind: 'network', id: net.id });
  // NOTE: the bridge is a switch, not a host on the network: no IPv6 link-local, no RAs answered.
  await writeFile(`/proc/sys/net/ipv6/conf/${name}/disable_ipv6`, '1').catch(() => {});
  // NOTE: admin state down as Neutron has it: the segment forwards nothing.
  await ip(['link', 'set', 'dev', name, net.adminStateUp ? 'up' : 'down']);

  if (net.networkType === 'vxlan' && !net.external && net.segmentationId !== null) {
    const vx = vxlanName(net.segmentationId);
    const dev = links.find((l) => l.name === vx);
    if (dev && dev.master && dev.master !== name) throw new NetworkDriverError(`${vx} is already attached to ${dev.master}`);
    // NOTE: no `dev`/`remote`: a single host has no VTEP peers, and nothing goes out of a real interface.
    if (!dev) await ip(['link', 'add', vx, 'type', 'vxlan', 'id', String(net.segmentationId), 'dstport', '4789', 'nolearning']);
    await setTag(vx, { scope: opts.scope, kind: 'vxlan', id: net.id });
    await ip(['link', 'set', 'dev', vx, 'mtu', String(net.mtu), 'master', name, 'up']);
  }
  // NOTE: the interface mapped to the network's physical network (bridge_mappings + BRIDGE_IFACES), else the one external interface.
  const uplink = (net.physicalNetwork ? opts.physicalInterfaces?.[net.physicalNetwork] : undefined) ?? opts.externalInterface;
  if (net.external && uplink) await ip(['link', 'set', 'dev', uplink, 'master', name, 'up']);
}

/** Removes the bridge, its VXLAN device and the taps the driver made; other ports are only released. */
export async function deleteBridge(networkId: string, opts: BridgeOptions): Promise<void> {
  const name = bridgeName(networkId);
  const links = await listLinks();
  const bridge = links.find((l) => l.name === name);
  if (!bridge) return;
  if (bridge.tag && bridge.tag.scope !== opts.scope) throw new NetworkDriverError(`${name} belongs to another Stratus (scope ${bridge.tag.scope})`);
  for (const l of links.filter((x) => x.master === name)) await releaseDevice(l, opts.scope);
  await ipIgnoringAbsent(['link', 'del', name]);
}

/** A device leaving a bridge: deleted if the driver made it, otherwise detached and untagged. */
async function releaseDevice(l: HostLink, scope: string): Promise<void> {
  if (ours(l, scope, ['port', 'vxlan', 'dhcp', 'router-port'])) { await ipIgnoringAbsent(['link', 'del', l.name]); return; }
  await ipIgnoringAbsent(['link', 'set', 'dev', l.name, 'nomaster']);
  if (ours(l, scope, ['adopted-port'])) await ipIgnoringAbsent(['link', 'set', 'dev', l.name, 'alias', '']);
}

export async function plugPort(port: DriverPort, opts: BridgeOptions): Promise<void> {
  const bridge = bridgeName(port.networkId);
  const links = await listLinks();
  if (!ours(links.find((l) => l.name === bridge), opts.scope, ['network'])) throw new NetworkDriverError(`network ${port.networkId} is not on this host`);
  const name = tapName(port.id);
  const dev = links.find((l) => l.name === name);
  if (dev?.tag && dev.tag.scope !== opts.scope) throw new NetworkDriverError(`${name} belongs to another Stratus (scope ${dev.tag.scope})`);
  let kind: TagKind = 'port';
  if (!dev) await ip(['tuntap', 'add', 'dev', name, 'mode', 'tap']);
  else if (dev.tag?.kind !== 'port') kind = 'adopted-port';
  await setTag(name, { scope: opts.scope, kind, id: port.id });
  await ip(['link', 'set', 'dev', name, 'mtu', String(port.mtu), 'master', bridge, port.adminStateUp ? 'up' : 'down']);
}

export async function unplugPort(portId: string, opts: BridgeOptions): Promise<void> {
  const dev = (await listLinks()).find((l) => l.name === tapName(portId));
  if (dev && ours(dev, opts.scope, ['port', 'adopted-port'])) await releaseDevice(dev, opts.scope);
}

/** Ports plugged by this driver, by port id, with the bridge they are on. */
export async function pluggedPorts(scope: string): Promise<{ portId: string; device: string; master?: string }[]> {
  return (await listLinks()).filter((l) => ours(l, scope, ['port', 'adopted-port'])).map((l) => ({ portId: l.tag!.id, device: l.name, master: l.master }));
}

export async function bridgedNetworks(scope: string): Promise<string[]> {
  return (await listLinks()).filter((l) => ours(l, scope, ['network'])).map((l) => l.tag!.id);
}

export const deleteLink = (name: string) => ipIgnoringAbsent(['link', 'del', name]);
