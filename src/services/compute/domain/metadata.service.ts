// Nova's metadata service as a guest sees it through the network driver's proxy: the proxy in the
// DHCP namespace names the network and the guest's address and carries the per-start secret; the
// guest is the server whose port holds that address on that network.
import { timingSafeEqual } from 'node:crypto';
import { BadRequest, Conflict, Forbidden } from '../../../core/errors/errors.js';
import type { NetworkFacade } from '../../network/index.js';
import type { InstanceRecord, ServersStore } from '../store/servers.store.js';
import { resourceNotFound } from './errors.js';

/** Nova's metadata password.MAX_SIZE. */
const MAX_PASSWORD = 256;

/** The dated versions of the OpenStack layout Nova's metadata service answers (and `latest`). */
export const OPENSTACK_VERSIONS = ['2012-08-10', '2013-04-04', '2013-10-17', '2015-10-15', '2016-06-30', '2016-10-06', '2017-02-22', '2018-08-27', '2019-04-04', '2020-10-14', 'latest'];

export interface MetadataCaller { secret: string | undefined; networkId: string | undefined; address: string | undefined }

export class MetadataService {
  constructor(
    private readonly network: Pick<NetworkFacade, 'deviceWithAddress' | 'portsOfDevice' | 'floatingIpsOfPorts'>,
    private readonly store: ServersStore, private readonly secret: string | undefined,
  ) {}

  async guest(c: MetadataCaller): Promise<InstanceRecord> {
    if (!this.secret || !c.secret || c.secret.length !== this.secret.length || !timingSafeEqual(Buffer.from(c.secret), Buffer.from(this.secret))) {
      throw new Forbidden('Invalid proxy request signature.');
    }
    const id = c.networkId && c.address ? await this.network.deviceWithAddress(c.networkId, c.address.split(',')[0]!.trim()) : undefined;
    const s = id ? await this.store.get(id) : undefined;
    if (!s || s.deleted) throw resourceNotFound();
    return s;
  }

  /** openstack/latest/meta_data.json */
  metaData(s: InstanceRecord): Record<string, unknown> { return metaData(s); }

  /**
   * The EC2 meta-data tree's values, as Nova's InstanceMetadata gives them: local-ipv4 is the address
   * the guest asked from, public-ipv4 the floating IP bound to it ('' without one).
   */
  async ec2(s: InstanceRecord, address: string): Promise<Record<string, string>> {
    const ports = await this.network.portsOfDevice(s.id);
    const fips = await this.network.floatingIpsOfPorts(ports.map((p) => p.id));
    const fip = fips.find((f) => f.fixedIp === address) ?? fips[0];
    return {
      'ami-launch-index': String(s.launch_index ?? 0), hostname: s.hostname, 'instance-id': s.id, 'instance-type': s.flavor.name,
      'local-hostname': s.hostname, 'local-ipv4': address, 'placement/availability-zone': s.availability_zone ?? '',
      'public-hostname': s.hostname, 'public-ipv4': fip?.floatingIp ?? '', 'reservation-id': s.reservation_id,
      'security-groups': (s.security_groups ?? []).map((g) => g.name).join('\n'),
    };
  }

  /**
   * POST openstack/<version>/password: the guest's encrypted password, accepted once (Nova's
   * handle_password: 409 when one is set, 400 beyond 256 bytes); os-server-password shows it.
   */
  async setPassword(s: InstanceRecord, password: string): Promise<void> {
    if (Buffer.byteLength(password) > MAX_PASSWORD) throw new BadRequest('Request is too large.');
    if (s.system_metadata?.password) throw new Conflict('Password already set.');
    await this.store.update(s.id, { system_metadata: { ...(s.system_metadata ?? {}), password } });
  }

  userData(s: InstanceRecord): Buffer {
    if (!s.user_data) throw resourceNotFound();
    return Buffer.from(s.user_data, 'base64');
  }
}

/** openstack/latest/meta_data.json, for the metadata service and the config drive alike. */
export function metaData(s: InstanceRecord): Record<string, unknown> {
  const keys = s.key_name && s.key_data ? [{ name: s.key_name, type: 'ssh', data: s.key_data }] : [];
  return {
    uuid: s.id, name: s.name, hostname: s.hostname, availability_zone: s.availability_zone, project_id: s.project_id,
    launch_index: s.launch_index, meta: s.metadata, public_keys: Object.fromEntries(keys.map((k) => [k.name, k.data])), keys, devices: [],
  };
}

export interface GuestPort { id: string; networkId: string; macAddress: string }

/**
 * The config drive's files, as Nova's InstanceMetadata writes them: meta_data.json, user_data,
 * network_data.json (a DHCP network per port) and vendor_data2.json, under openstack/latest and
 * the dated version the guest may ask for.
 */
export function configDriveFiles(s: InstanceRecord, ports: GuestPort[]): Record<string, string | Buffer> {
  const links = ports.map((p) => ({ id: `tap${p.id}`.slice(0, 14), vif_id: p.id, type: 'bridge', mtu: 1500, ethernet_mac_address: p.macAddress }));
  const networkData = {
    links,
    networks: ports.map((p, i) => ({ id: `network${i}`, type: 'ipv4_dhcp', link: links[i]!.id, network_id: p.networkId })),
    services: [],
  };
  const files: Record<string, string | Buffer> = {};
  for (const version of ['latest', '2018-08-27']) {
    files[`openstack/${version}/meta_data.json`] = JSON.stringify(metaData(s));
    files[`openstack/${version}/network_data.json`] = JSON.stringify(networkData);
    files[`openstack/${version}/vendor_data.json`] = '{}';
    files[`openstack/${version}/vendor_data2.json`] = '{}';
    if (s.user_data) files[`openstack/${version}/user_data`] = Buffer.from(s.user_data, 'base64');
  }
  return files;
}
