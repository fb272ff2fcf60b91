// Packstack answer files: the [general] section's CONFIG_* keys that mean something here, read
// onto our settings, and written back out as `packstack --gen-answer-file` does.
import { ALL_SERVICES, ConfigError, defaultConfig, networkingSettings, seedSettings, type CloudConfig, type ConfigOverrides, type NetworkingSettings } from './config.js';
import type { ConfigFile } from './config-file.js';

/** CONFIG_<NAME>_INSTALL switches and the Stratus service each turns on or off. */
const PACKSTACK_SERVICES: Record<string, string> = {
  GLANCE: 'image', CINDER: 'volume', NOVA: 'compute', NEUTRON: 'network', SWIFT: 'object-store',
};

/** Switches Stratus satisfies without a service of its own (SQLite is the database; the client is the user's). */
// NOTE: the dashboard is always served (at /dashboard/), as Horizon is part of every install here.
const BUILT_IN = ['MARIADB', 'CLIENT', 'HORIZON'];

/** Packstack's own defaults for the networking keys an answer file leaves out (ML2/OVN since Train). */
export const PACKSTACK_NETWORKING: NetworkingSettings = {
  typeDrivers: ['geneve', 'flat'], tenantNetworkTypes: ['geneve'], flatNetworks: ['*'], vniRanges: [[10, 100]],
  bridgeMappings: { extnet: 'br-ex' }, bridgeInterfaces: {}, agentReportInterval: 30, agentDownTime: 75,
};

const NETWORK_TYPES = ['local', 'flat', 'vlan', 'gre', 'vxlan', 'geneve'];

/** True when the text is an answer file rather than a local.conf (it has Packstack's [general] section). */
export const isAnswerFile = (text: string) => /^\s*\[general\]\s*$/m.test(text);

export function parseAnswerFile(text: string, path: string): ConfigFile {
  const values = new Map<string, { value: string; line: number }>();
  const skippedSections: string[] = [];
  let section = '';
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      if (section !== 'general') skippedSections.push(`[${section}]`);
      return;
    }
    // NOTE: Packstack reads the file with Python's configparser: `=` or `:`, spaces around either.
    const kv = /^([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv) throw new ConfigError(`${path}:${i + 1}: not a KEY=VALUE line: ${line}`);
    if (!section) throw new ConfigError(`${path}:${i + 1}: ${kv[1]} comes before the [general] section`);
    if (section === 'general') values.set(kv[1]!.toUpperCase(), { value: kv[2]!.trim(), line: i + 1 });
  });

  const used = new Set<string>();
  const get = (key: string) => {
    used.add(key);
    const v = values.get(key);
    return v && v.value !== '' ? v : undefined;
  };
  const bad = (key: string, what: string) => new ConfigError(`${path}:${values.get(key)!.line}: ${key} must be ${what}, not '${values.get(key)!.value}'`);
  const yesNo = (key: string): boolean | undefined => {
    const v = get(key);
    if (!v) return undefined;
    if (!/^[yn]$/i.test(v.value)) throw bad(key, 'y or n');
    return v.value.toLowerCase() === 'y';
  };
  const list = (key: string) => get(key)?.value.split(',').map((s) => s.trim()).filter(Boolean);
  const pairs = (key: string): Record<string, string> | undefined => {
    const items = list(key);
    if (!items) return undefined;
    const out: Record<string, string> = {};
    for (const item of items) {
      const m = /^([^:\s]+):([^:\s]+)$/.exec(item);
      if (!m) throw bad(key, 'a list of name:name pairs');
      out[m[1]!] = m[2]!;
    }
    return out;
  };
  const ratio = (key: string) => {
    const v = get(key);
    if (!v) return undefined;
    const n = Number(v.value);
    if (!Number.isFinite(n) || n <= 0) throw bad(key, 'a positive number');
    return n;
  };

  const overrides: ConfigOverrides = {};
  const warnings: string[] = [];
  const defaultPassword = get('CONFIG_DEFAULT_PASSWORD')?.value;
  // NOTE: as Packstack: CONFIG_DEFAULT_PASSWORD stands for every password not set on its own.
  const adminPassword = get('CONFIG_KEYSTONE_ADMIN_PW')?.value ?? defaultPassword;
  if (adminPassword !== undefined) overrides.adminPassword = adminPassword;
  if (defaultPassword !== undefined) overrides.servicePassword = defaultPassword;
  const adminUsername = get('CONFIG_KEYSTONE_ADMIN_USERNAME')?.value;
  if (adminUsername !== undefined) overrides.adminUsername = adminUsername;
  const region = get('CONFIG_KEYSTONE_REGION')?.value;
  if (region !== undefined) overrides.region = region;
  const controller = get('CONFIG_CONTROLLER_HOST')?.value;
  if (controller !== undefined) overrides.hostIp = controller;
  const computeHosts = list('CONFIG_COMPUTE_HOSTS');
  if (computeHosts) overrides.computeHosts = computeHosts.length;

  // CONFIG_<SERVICE>_INSTALL
  const services = new Set(defaultConfig().services);
  const missing: string[] = [];
  let servicesTouched = false;
  for (const key of values.keys()) {
    const m = /^CONFIG_([A-Z]+)_INSTALL$/.exec(key);
    if (!m) continue;
    const on = yesNo(key);
    if (on === undefined) continue;
    const ours = PACKSTACK_SERVICES[m[1]!];
    if (!ours) {
      if (on && !BUILT_IN.includes(m[1]!)) missing.push(m[1]!.toLowerCase());
      continue;
    }
    servicesTouched = true;
    if (on) services.add(ours);
    else services.delete(ours);
  }
  if (servicesTouched) {
    overrides.services = [...services];
    for (const s of services) if (!ALL_SERVICES.includes(s)) missing.push(s);
  }
  if (missing.length) warnings.push(`${path}: services Stratus does not have, not started: ${missing.join(', ')}`);

  // Networking: Packstack's defaults, then the file's keys.
  const networking: NetworkingSettings = { ...PACKSTACK_NETWORKING, bridgeMappings: { ...PACKSTACK_NETWORKING.bridgeMappings } };
  const types = (key: string) => {
    const l = list(key);
    const wrong = l?.find((t) => !NETWORK_TYPES.includes(t));
    if (wrong) throw bad(key, `a list of ${NETWORK_TYPES.join(', ')}`);
    return l;
  };
  networking.typeDrivers = types('CONFIG_NEUTRON_ML2_TYPE_DRIVERS') ?? networking.typeDrivers;
  networking.tenantNetworkTypes = types('CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES') ?? networking.tenantNetworkTypes;
  networking.flatNetworks = list('CONFIG_NEUTRON_ML2_FLAT_NETWORKS') ?? networking.flatNetworks;
  const vni = list('CONFIG_NEUTRON_ML2_VNI_RANGES');
  if (vni) {
    networking.vniRanges = vni.map((r) => {
      const m = /^(\d+):(\d+)$/.exec(r);
      if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]) || Number(m[2]) > 16777215) throw bad('CONFIG_NEUTRON_ML2_VNI_RANGES', 'a list of min:max ranges within 1:16777215');
      return [Number(m[1]), Number(m[2])] as [number, number];
    });
  }
  // NOTE: Packstack has OVS_ and OVN_ variants of the bridge keys and reads those of CONFIG_NEUTRON_L2_AGENT
  // (ovn by default); one dataplane here, so the agent's keys when set, else the other's.
  const agent = get('CONFIG_NEUTRON_L2_AGENT')?.value === 'openvswitch' ? ['OVS', 'OVN'] : ['OVN', 'OVS'];
  const either = (suffix: string) => agent.map((a) => `CONFIG_NEUTRON_${a}_${suffix}`).map((key) => ({ key, value: pairs(key) })).find((k) => k.value);
  const mappings = either('BRIDGE_MAPPINGS');
  const ifaces = either('BRIDGE_IFACES');
  networking.bridgeMappings = mappings?.value ?? networking.bridgeMappings;
  networking.bridgeInterfaces = ifaces?.value ?? networking.bridgeInterfaces;
  const bridges = Object.values(networking.bridgeMappings);
  for (const bridge of Object.keys(networking.bridgeInterfaces)) {
    const mapped = mappings?.key ?? 'CONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS';
    if (!bridges.includes(bridge)) throw new ConfigError(`${path}:${values.get(ifaces!.key)!.line}: ${ifaces!.key} names bridge '${bridge}', which ${mapped} maps no physical network to`);
  }
  overrides.networking = networking;

  // CONFIG_PROVISION_DEMO: Packstack's demo project with `public` on the first mapped physical network.
  const demo = yesNo('CONFIG_PROVISION_DEMO') ?? true;
  const floatRange = get('CONFIG_PROVISION_DEMO_FLOATRANGE')?.value ?? '172.24.4.0/24';
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(floatRange)) throw bad('CONFIG_PROVISION_DEMO_FLOATRANGE', 'an IPv4 CIDR');
  const physnet = Object.keys(networking.bridgeMappings)[0] ?? 'extnet';
  overrides.seed = {
    demo,
    // NOTE: the names Packstack's provision_demo gives them.
    publicNetwork: demo ? { name: 'public', subnetName: 'public_subnet', physicalNetwork: physnet, cidr: floatRange } : null,
    privateNetwork: { cidr: '10.0.0.0/24', subnetName: 'private_subnet' },
  };

  const cpu = ratio('CONFIG_NOVA_SCHED_CPU_ALLOC_RATIO');
  const ram = ratio('CONFIG_NOVA_SCHED_RAM_ALLOC_RATIO');
  if (cpu !== undefined || ram !== undefined) overrides.allocationRatios = { ...(cpu !== undefined ? { cpu } : {}), ...(ram !== undefined ? { ram } : {}) };
  const volumes = get('CONFIG_CINDER_VOLUMES_SIZE');
  if (volumes) {
    const m = /^(\d+)\s*([GT]?)$/i.exec(volumes.value);
    if (!m) throw bad('CONFIG_CINDER_VOLUMES_SIZE', 'a size such as 20G');
    overrides.volumeCapacityGb = Number(m[1]) * (m[2]!.toUpperCase() === 'T' ? 1024 : 1);
  }

  const unused = [...values.keys()].filter((k) => !used.has(k));
  if (unused.length) warnings.push(`${path}: not used by Stratus: ${unused.join(', ')}`);
  if (skippedSections.length) warnings.push(`${path}: sections ignored (only [general] applies): ${skippedSections.join(', ')}`);
  return { overrides, warnings };
}

/** An answer file with every key Stratus reads and its value in `config`, as `packstack --gen-answer-file` writes one. */
export function formatAnswerFile(config: CloudConfig): string {
  const n = networkingSettings(config);
  const seed = seedSettings(config);
  const yn = (b: boolean) => (b ? 'y' : 'n');
  const on = (s: string) => yn(config.services.includes(s));
  const pairs = (r: Record<string, string>) => Object.entries(r).map(([a, b]) => `${a}:${b}`).join(',');
  const entries: [string, string, string][] = [
    ['CONFIG_DEFAULT_PASSWORD', config.servicePassword, 'Default password to be used everywhere (overridden by passwords set for individual services or users).'],
    ['CONFIG_GLANCE_INSTALL', on('image'), 'Specify \'y\' to install OpenStack Image Service (glance).'],
    ['CONFIG_CINDER_INSTALL', on('volume'), 'Specify \'y\' to install OpenStack Block Storage (cinder).'],
    ['CONFIG_NOVA_INSTALL', on('compute'), 'Specify \'y\' to install OpenStack Compute (nova).'],
    ['CONFIG_NEUTRON_INSTALL', on('network'), 'Specify \'y\' to install OpenStack Networking (neutron).'],
    ['CONFIG_SWIFT_INSTALL', on('object-store'), 'Specify \'y\' to install OpenStack Object Storage (swift).'],
    ['CONFIG_HORIZON_INSTALL', 'y', 'Specify \'y\' to install OpenStack Dashboard (horizon).'],
    ['CONFIG_CONTROLLER_HOST', config.hostIp, 'Server on which to install OpenStack services specific to the controller role.'],
    ['CONFIG_COMPUTE_HOSTS', Array.from({ length: config.computeHosts ?? 1 }, () => config.hostIp).join(','), 'List the servers on which to install the Compute service.'],
    ['CONFIG_KEYSTONE_REGION', config.region ?? 'RegionOne', 'Default region name to use when creating tenants in the Identity service.'],
    ['CONFIG_KEYSTONE_ADMIN_USERNAME', config.adminUsername ?? 'admin', 'User name for the Identity service \'admin\' user.'],
    ['CONFIG_KEYSTONE_ADMIN_PW', config.adminPassword, 'Password to use for the Identity service \'admin\' user.'],
    ['CONFIG_CINDER_VOLUMES_SIZE', config.volumeCapacityGb === undefined ? '' : `${config.volumeCapacityGb}G`, 'Size of Block Storage volumes group (empty: the data dir\'s file system).'],
    ['CONFIG_NOVA_SCHED_CPU_ALLOC_RATIO', (config.allocationRatios?.cpu ?? 4).toFixed(1), 'Virtual CPU overcommitment ratio.'],
    ['CONFIG_NOVA_SCHED_RAM_ALLOC_RATIO', (config.allocationRatios?.ram ?? 1).toFixed(1), 'Virtual RAM overcommitment ratio.'],
    ['CONFIG_NEUTRON_ML2_TYPE_DRIVERS', n.typeDrivers.join(','), 'Comma-separated list of network-type driver entry points to be loaded from the neutron.ml2.type_drivers namespace.'],
    ['CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES', n.tenantNetworkTypes.join(','), 'Comma-separated, ordered list of network types to allocate as tenant networks.'],
    ['CONFIG_NEUTRON_ML2_FLAT_NETWORKS', n.flatNetworks.join(','), 'Comma-separated list of physical_network names with which flat networks can be created. Use * to allow flat networks with arbitrary physical_network names.'],
    ['CONFIG_NEUTRON_ML2_VNI_RANGES', n.vniRanges.map(([a, b]) => `${a}:${b}`).join(','), 'Comma-separated list of <vni_min>:<vni_max> tuples enumerating ranges of VXLAN VNI IDs available for tenant network allocation.'],
    ['CONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS', pairs(n.bridgeMappings), 'Comma-separated list of bridge mappings for the OpenStack Networking Open vSwitch plugin (physnet:bridge).'],
    ['CONFIG_NEUTRON_OVS_BRIDGE_IFACES', pairs(n.bridgeInterfaces), 'Comma-separated list of colon-separated Open vSwitch <bridge>:<interface> pairs.'],
    ['CONFIG_PROVISION_DEMO', yn(seed.demo), 'Specify \'y\' to provision for demo usage and testing.'],
    ['CONFIG_PROVISION_DEMO_FLOATRANGE', seed.publicNetwork?.cidr ?? '172.24.4.0/24', 'CIDR network address for the floating IP subnet.'],
  ];
  const lines = ['[general]', ''];
  for (const [key, value, help] of entries) lines.push(`# ${help}`, `${key}=${value}`, '');
  return lines.join('\n');
}
