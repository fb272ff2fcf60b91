// Host names of the dataplane objects (Neutron's linuxbridge names: <= 15 characters, derived from
// ids), and the tag every object carries so that a driver recognises its own.

export const bridgeName = (networkId: string) => `brq${networkId.slice(0, 11)}`;
export const vxlanName = (segmentationId: number) => `vxlan-${segmentationId}`;
export const tapName = (portId: string) => `tap${portId.slice(0, 11)}`;
export const routerInterfaceName = (portId: string) => `qr-${portId.slice(0, 11)}`;
export const routerGatewayName = (portId: string) => `qg-${portId.slice(0, 11)}`;
export const dhcpNamespace = (networkId: string) => `qdhcp-${networkId}`;
export const routerNamespace = (routerId: string) => `qrouter-${routerId}`;
/** The DHCP veth: `dhcp…` in the root namespace (on the bridge), `ns-…` inside qdhcp-. */
export const dhcpOuterName = (networkId: string) => `dhcp${networkId.slice(0, 11)}`;
export const dhcpInnerName = (networkId: string) => `ns-${networkId.slice(0, 11)}`;

export const METADATA_IP = '169.254.169.254';

/** What a tagged object is; the tag is `stratus:<scope> <kind> <id>` in the link's ifalias. */
export type TagKind = 'network' | 'vxlan' | 'port' | 'adopted-port' | 'dhcp' | 'router-port' | 'router';

export interface Tag { scope: string; kind: TagKind; id: string }

export const formatTag = (t: Tag) => `stratus:${t.scope} ${t.kind} ${t.id}`;

export function parseTag(alias: string | undefined): Tag | undefined {
  const m = alias ? /^stratus:(\S+) (\S+) (\S+)$/.exec(alias) : null;
  return m ? { scope: m[1]!, kind: m[2] as TagKind, id: m[3]! } : undefined;
}
