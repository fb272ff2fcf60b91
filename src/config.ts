// Configuration: flags > env (STRATUS_*) > config file (JSON or DevStack local.conf) > defaults.

export interface SecurityCompliance {
  /** Failed logins before the account locks (0 = never), as keystone [security_compliance]. */
  lockoutFailureAttempts: number;
  /** Seconds an account stays locked. */
  lockoutDurationSeconds: number;
  /** How many previous passwords a new one may not repeat (Keystone counts the current one). */
  uniqueLastPasswordCount: number;
  /** Days a password must be kept before the user may change it again (0 = any time). */
  minimumPasswordAgeDays: number;
}

export interface CloudConfig {
  port: number;
  /** Listen address. */
  bind: string;
  /** The address written into every catalog URL (DevStack's HOST_IP). */
  hostIp: string;
  dataDir: string;
  adminPassword: string;
  servicePassword: string;
  /** The admin user's name (Packstack's CONFIG_KEYSTONE_ADMIN_USERNAME; default admin). */
  adminUsername?: string;
  /** Services that run and appear in the catalog. */
  services: string[];
  /** `[host:]port` for the Node inspector, when set. */
  debug?: string;
  logLevel: string;
  /** json for files and pipes, pretty (readable lines) for a person; default: pretty when stdout is a terminal. */
  logFormat?: 'json' | 'pretty';
  tokenExpirationSeconds: number;
  bcryptCost: number;
  security: SecurityCompliance;
  /**
   * Glance's use_keystone_limits (DevStack's GLANCE_ENABLE_QUOTAS, on unless false): image quotas
   * are Keystone's unified limits for the glance service, registered at start as DevStack does
   * (image_size_total and image_stage_total 1000 MiB, image_count_total and image_count_uploading 100).
   */
  imageUseKeystoneLimits?: boolean;
  /**
   * Glance's registered limits (image_count_total, image_size_total MiB ...), -1 unlimited: each one
   * given is set at every start; those left out keep DevStack's (or what the limits API set).
   */
  imageQuotas?: { imageCountTotal?: number; imageSizeTotal?: number; imageStageTotal?: number; imageCountUploading?: number };
  /**
   * Which URLs the image web-download import may fetch: Glance's [import_filtering_opts]
   * (allowed_schemes ...); each list left out keeps Glance's default (http and https, any host,
   * ports 80 and 443).
   */
  imageImportFiltering?: {
    allowedSchemes?: string[]; disallowedSchemes?: string[]; allowedHosts?: string[]; disallowedHosts?: string[];
    allowedPorts?: number[]; disallowedPorts?: number[];
  };
  /**
   * The hypervisor driver compute runs guests on: 'fake' keeps them in memory; 'qemu' runs each
   * guest as a qemu-system-x86_64 process under DATA_DIR/instances.
   */
  hypervisor?: 'fake' | 'qemu';
  /** QEMU's accelerator: auto (KVM only when a probe start works), kvm or tcg. */
  accel?: 'auto' | 'kvm' | 'tcg';
  /** How many compute hosts the fake hypervisor pretends to be (default 1). */
  computeHosts?: number;
  /**
   * The block-storage driver: 'file' keeps volumes as qcow2 files under DATA_DIR/volumes (made with
   * qemu-img); 'fake' keeps them in memory. Default: 'file' when qemu-img is installed.
   */
  blockStorageDriver?: 'file' | 'fake';
  /** The file driver's capacity in GiB (default: the data dir's file system). */
  volumeCapacityGb?: number;
  /**
   * Cinder's backup_driver: 'posix' (the default) keeps backups beside the volumes (the block-storage
   * driver's backup dir); 'swift' stores them as objects in the object store, in the backup
   * project's account (container `volumebackups` unless the request names one). DevStack's
   * CINDER_BACKUP_DRIVER.
   */
  backupDriver?: 'posix' | 'swift';
  /** The network driver: 'fake' does no host work; 'linux' builds bridges, namespaces, dnsmasq and nftables (root). */
  networkDriver: 'fake' | 'linux';
  /** A host interface the linux network driver gives to external networks' bridges; none when unset. */
  externalInterface?: string;
  /** What metadata proxies send as X-Metadata-Secret (for compute to check); random per start when unset. */
  metadataSecret?: string;
  /** The catalog's region (Packstack's CONFIG_KEYSTONE_REGION; default RegionOne). */
  region?: string;
  /** Physical networks, type drivers and bridges, as ML2 and the OVS agent have them. */
  networking?: Partial<NetworkingSettings>;
  /** What the first start creates, as DevStack's stack.sh or Packstack's provision_demo would. */
  seed?: Partial<SeedSettings>;
  /** Nova's allocation ratios for compute hosts (cpu 4.0, ram 1.0, disk 1.0 when unset). */
  allocationRatios?: { cpu?: number; ram?: number; disk?: number };
}

export interface NetworkingSettings {
  /** ML2 type_drivers: the network types that may be created. */
  typeDrivers: string[];
  /** ML2 tenant_network_types: a network made without provider attributes gets the first. */
  tenantNetworkTypes: string[];
  /** ML2 flat_networks: the physical networks flat networks may use ('*': any). */
  flatNetworks: string[];
  /** ML2 vni_ranges: the VNIs tenant VXLAN and Geneve networks are given, as [min, max] pairs. */
  vniRanges: [number, number][];
  /** OVS bridge_mappings: physical network → bridge. */
  bridgeMappings: Record<string, string>;
  /** Packstack's BRIDGE_IFACES: bridge → host interface (the linux driver enslaves it to the external network's bridge). */
  bridgeInterfaces: Record<string, string>;
  /** Neutron's agent report_interval: seconds between the dataplane parts' heartbeats. */
  agentReportInterval: number;
  /** Neutron's agent_down_time: seconds without a heartbeat after which an agent is not alive. */
  agentDownTime: number;
}

export interface SeedSettings {
  /** The demo and alt_demo users and projects, and demo's private network and router1. */
  demo: boolean;
  /** The external network (DevStack's `public`); null for none. */
  publicNetwork: { name: string; subnetName?: string; physicalNetwork: string; cidr: string; gateway?: string; pool?: { start: string; end: string } } | null;
  /** demo's network `private` (DevStack's FIXED_RANGE and NETWORK_GATEWAY). */
  privateNetwork: { cidr: string; gateway?: string; subnetName?: string };
}

/** DevStack's networks: `public` on physical network public (br-ex), tenant networks VXLAN. */
export function networkingSettings(config: Pick<CloudConfig, 'networking'>): NetworkingSettings {
  return {
    typeDrivers: ['local', 'flat', 'vlan', 'gre', 'vxlan', 'geneve'], tenantNetworkTypes: ['vxlan'],
    flatNetworks: ['public', 'provider', 'physnet1', 'external'], vniRanges: [[1, 16777215]],
    bridgeMappings: { public: 'br-ex' }, bridgeInterfaces: {}, agentReportInterval: 30, agentDownTime: 75,
    ...config.networking,
  };
}

export function seedSettings(config: Pick<CloudConfig, 'seed' | 'networking'>): SeedSettings {
  // NOTE: DevStack's `public` sits on the physical network br-ex carries (public:br-ex unless mapped otherwise).
  const mappings = Object.entries(networkingSettings(config).bridgeMappings);
  const physicalNetwork = (mappings.find(([, bridge]) => bridge === 'br-ex') ?? mappings[0])?.[0] ?? 'public';
  return {
    demo: true,
    publicNetwork: { name: 'public', physicalNetwork, cidr: '172.24.4.0/24', gateway: '172.24.4.1' },
    privateNetwork: { cidr: '10.0.0.0/26', gateway: '10.0.0.1' },
    ...config.seed,
  };
}

/** Every service this build can run, in start order; identity always runs. */
export const ALL_SERVICES = ['identity', 'placement', 'image', 'network', 'volume', 'object-store', 'compute'];

export function defaultConfig(): CloudConfig {
  return {
    port: 8080,
    bind: '0.0.0.0',
    hostIp: '127.0.0.1',
    dataDir: './data',
    adminPassword: 'secret',
    servicePassword: 'secret',
    services: [...ALL_SERVICES],
    logLevel: 'info',
    networkDriver: 'fake',
    tokenExpirationSeconds: 3600,
    bcryptCost: 12,
    // NOTE: the numbers Tempest's interop run expects (see conformance/run-tempest.sh).
    security: { lockoutFailureAttempts: 2, lockoutDurationSeconds: 5, uniqueLastPasswordCount: 2, minimumPasswordAgeDays: 0 },
  };
}

/** The settings a user may give by flag, env var or config file. */
export type ConfigOverrides = Partial<Omit<CloudConfig, 'security'>> & { security?: Partial<SecurityCompliance> };

export interface LoadedConfig {
  config: CloudConfig;
  /** Things worth telling the user once (unknown variables, services not built yet). */
  warnings: string[];
}

const ENV_VARS: Record<string, keyof ConfigOverrides> = {
  STRATUS_PORT: 'port',
  STRATUS_BIND: 'bind',
  STRATUS_HOST_IP: 'hostIp',
  STRATUS_DATA_DIR: 'dataDir',
  STRATUS_ADMIN_PASSWORD: 'adminPassword',
  STRATUS_SERVICE_PASSWORD: 'servicePassword',
  STRATUS_DEBUG: 'debug',
  STRATUS_LOG_LEVEL: 'logLevel',
  STRATUS_LOG_FORMAT: 'logFormat',
  STRATUS_SERVICES: 'services',
  STRATUS_NETWORK_DRIVER: 'networkDriver',
  STRATUS_HYPERVISOR: 'hypervisor',
  STRATUS_ACCEL: 'accel',
  STRATUS_EXTERNAL_INTERFACE: 'externalInterface',
  STRATUS_BACKUP_DRIVER: 'backupDriver',
  // NOTE: Neutron's and Nova's metadata_proxy_shared_secret; a random one per start when unset.
  STRATUS_METADATA_SECRET: 'metadataSecret',
};

/** Settings from STRATUS_* environment variables. */
export function overridesFromEnv(env: NodeJS.ProcessEnv): ConfigOverrides {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_VARS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    out[key] = key === 'port' ? parsePort(value, name) : key === 'services' ? value.split(/[\s,]+/).filter(Boolean) : value;
  }
  return out as ConfigOverrides;
}

export function parsePort(value: string | number, source: string): number {
  const n = typeof value === 'string' && !/^\s*\d+\s*$/.test(value) ? NaN : Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${source}: '${value}' is not a port number`);
  return n;
}

export class ConfigError extends Error {}

export const NETWORK_DRIVERS: string[] = ['fake', 'linux'];

export const HYPERVISORS: string[] = ['fake', 'qemu'];

export const ACCELS: string[] = ['auto', 'kvm', 'tcg'];

export const BACKUP_DRIVERS: string[] = ['posix', 'swift'];

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export const LOG_FORMATS = ['json', 'pretty'];

/** Flags beat env vars, which beat the config file, which beats the defaults. */
export function mergeConfig(...layers: ConfigOverrides[]): CloudConfig {
  const config = defaultConfig();
  for (const layer of layers) {
    const { security, networking, seed, ...rest } = layer;
    for (const [key, value] of Object.entries(rest)) if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
    if (security) config.security = { ...config.security, ...security };
    // NOTE: a flag for one physical-network setting keeps the file's others.
    if (networking) config.networking = { ...config.networking, ...networking };
    if (seed) config.seed = { ...config.seed, ...seed };
  }
  config.services = ['identity', ...ALL_SERVICES.filter((s) => s !== 'identity' && config.services.includes(s))];
  if (!NETWORK_DRIVERS.includes(config.networkDriver)) throw new ConfigError(`network driver '${config.networkDriver}' is not one of ${NETWORK_DRIVERS.join(', ')}`);
  if (config.hypervisor !== undefined && !HYPERVISORS.includes(config.hypervisor)) throw new ConfigError(`hypervisor '${config.hypervisor}' is not one of ${HYPERVISORS.join(', ')}`);
  if (config.accel !== undefined && !ACCELS.includes(config.accel)) throw new ConfigError(`accelerator '${config.accel}' is not one of ${ACCELS.join(', ')}`);
  if (config.backupDriver !== undefined && !BACKUP_DRIVERS.includes(config.backupDriver)) throw new ConfigError(`backup driver '${config.backupDriver}' is not one of ${BACKUP_DRIVERS.join(', ')}`);
  if (!LOG_LEVELS.includes(config.logLevel)) throw new ConfigError(`log level '${config.logLevel}' is not one of ${LOG_LEVELS.join(', ')}`);
  if (config.logFormat !== undefined && !LOG_FORMATS.includes(config.logFormat)) throw new ConfigError(`log format '${config.logFormat}' is not one of ${LOG_FORMATS.join(', ')}`);
  checkNetworking(config);
  return config;
}

/** Bridges and physical networks must name each other, and the seeded external network must be allowed. */
function checkNetworking(config: CloudConfig): void {
  const n = networkingSettings(config);
  const bridges = Object.values(n.bridgeMappings);
  for (const bridge of Object.keys(n.bridgeInterfaces)) {
    if (!bridges.includes(bridge)) throw new ConfigError(`bridge interfaces: bridge '${bridge}' is in no bridge mapping (${Object.entries(n.bridgeMappings).map(([p, b]) => `${p}:${b}`).join(', ') || 'none'})`);
  }
  const pub = seedSettings(config).publicNetwork;
  if (pub && !n.flatNetworks.includes('*') && !n.flatNetworks.includes(pub.physicalNetwork)) {
    throw new ConfigError(`the public network's physical network '${pub.physicalNetwork}' is not one of the flat networks (${n.flatNetworks.join(', ')})`);
  }
}
