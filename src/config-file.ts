// Config files: Stratus's own JSON, a DevStack local.conf whose [[local|localrc]] section maps
// onto our settings, or a Packstack answer file (answer-file.ts).
import { readFileSync } from 'node:fs';
import { isAnswerFile, parseAnswerFile } from './answer-file.js';
import { ALL_SERVICES, ConfigError, defaultConfig, networkingSettings, parsePort, seedSettings, type ConfigOverrides, type NetworkingSettings, type SeedSettings } from './config.js';

export interface ConfigFile {
  overrides: ConfigOverrides;
  warnings: string[];
}

export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  if (text.trimStart().startsWith('{')) return parseJsonConfig(text, path);
  return isAnswerFile(text) ? parseAnswerFile(text, path) : parseLocalConf(text, path);
}

/** The JSON config file's settings and the type each must have. */
const JSON_SETTINGS: Record<string, 'string' | 'port' | 'count' | 'services' | 'security' | 'importFiltering' | 'networking' | 'boolean' | 'imageQuotas'> = {
  port: 'port', bind: 'string', hostIp: 'string', dataDir: 'string', adminPassword: 'string', servicePassword: 'string',
  adminUsername: 'string', region: 'string', networking: 'networking',
  services: 'services', debug: 'string', logLevel: 'string', tokenExpirationSeconds: 'count', bcryptCost: 'count', security: 'security', computeHosts: 'count',
  imageImportFiltering: 'importFiltering', backupDriver: 'string', imageUseKeystoneLimits: 'boolean', imageQuotas: 'imageQuotas',
};

/** imageQuotas' keys: Glance's registered limits (MiB for the sizes, -1 unlimited). */
const IMAGE_QUOTAS = ['imageCountTotal', 'imageSizeTotal', 'imageStageTotal', 'imageCountUploading'];

/** imageImportFiltering's lists: scheme and host lists of strings, port lists of port numbers. */
const IMPORT_FILTER_LISTS = ['allowedSchemes', 'disallowedSchemes', 'allowedHosts', 'disallowedHosts', 'allowedPorts', 'disallowedPorts'];

function parseJsonConfig(text: string, path: string): ConfigFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ConfigError(`${path}: expected a JSON object of settings`);
  const unknown: string[] = [];
  const overrides: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const kind = JSON_SETTINGS[key];
    if (!kind) { unknown.push(key); continue; }
    const bad = (what: string) => new ConfigError(`${path}: ${key} must be ${what}`);
    if (kind === 'port') overrides.port = parsePort(value as number, `${path}: port`);
    else if (kind === 'string' && typeof value !== 'string') throw bad('a string');
    else if (kind === 'count' && !(Number.isInteger(value) && (value as number) >= 0)) throw bad('a whole number');
    else if (kind === 'services' && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) throw bad('a list of service names');
    else if (kind === 'security') {
      const known = Object.keys(defaultConfig().security);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('an object');
      const security: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (!known.includes(k)) unknown.push(`security.${k}`);
        else if (!(Number.isInteger(v) && (v as number) >= 0)) throw new ConfigError(`${path}: security.${k} must be a whole number`);
        else security[k] = v;
      }
      overrides.security = security;
    }
    else if (kind === 'importFiltering') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('an object');
      const filters: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (!IMPORT_FILTER_LISTS.includes(k)) { unknown.push(`${key}.${k}`); continue; }
        const ports = k.endsWith('Ports');
        const ok = Array.isArray(v) && v.every((x) => (ports ? Number.isInteger(x) && x >= 1 && x <= 65535 : typeof x === 'string'));
        if (!ok) throw new ConfigError(`${path}: ${key}.${k} must be a list of ${ports ? 'port numbers' : 'strings'}`);
        filters[k] = v;
      }
      overrides[key] = filters;
    }
    else if (kind === 'networking') overrides.networking = jsonNetworking(value, path, unknown);
    else if (kind === 'boolean' && typeof value !== 'boolean') throw bad('true or false');
    else if (kind === 'imageQuotas') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('an object');
      const quotas: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (!IMAGE_QUOTAS.includes(k)) { unknown.push(`${key}.${k}`); continue; }
        if (!(Number.isInteger(v) && (v as number) >= -1 && (v as number) <= 0x7fffffff)) throw new ConfigError(`${path}: ${key}.${k} must be a whole number (-1: unlimited)`);
        quotas[k] = v;
      }
      overrides.imageQuotas = quotas;
    }
    if (!['port', 'security', 'importFiltering', 'networking', 'imageQuotas'].includes(kind)) overrides[key] = value;
  }
  return { overrides: overrides as ConfigOverrides, warnings: unknown.length ? [`${path}: unknown settings ignored: ${unknown.join(', ')}`] : [] };
}

/** `networking` in the JSON config: lists of strings, and string → string maps for the bridges. */
function jsonNetworking(value: unknown, path: string, unknown: string[]): Partial<NetworkingSettings> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${path}: networking must be an object`);
  const out: Record<string, unknown> = {};
  const isMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
  for (const [k, v] of Object.entries(value)) {
    if (['typeDrivers', 'tenantNetworkTypes', 'flatNetworks'].includes(k)) {
      if (!(Array.isArray(v) && v.every((x) => typeof x === 'string'))) throw new ConfigError(`${path}: networking.${k} must be a list of strings`);
    } else if (k === 'bridgeMappings' || k === 'bridgeInterfaces') {
      if (!isMap(v)) throw new ConfigError(`${path}: networking.${k} must be an object of strings (${k === 'bridgeMappings' ? 'physical network: bridge' : 'bridge: interface'})`);
    } else if (k === 'vniRanges') {
      const ok = Array.isArray(v) && v.every((r) => Array.isArray(r) && r.length === 2 && r.every((x) => Number.isInteger(x) && x >= 1 && x <= 16777215) && r[0] <= r[1]);
      if (!ok) throw new ConfigError(`${path}: networking.vniRanges must be a list of [min, max] pairs within 1..16777215`);
    } else if (k === 'agentReportInterval' || k === 'agentDownTime') {
      if (!(typeof v === 'number' && v > 0)) throw new ConfigError(`${path}: networking.${k} must be a positive number of seconds`);
    } else { unknown.push(`networking.${k}`); continue; }
    out[k] = v;
  }
  return out as Partial<NetworkingSettings>;
}

/** DevStack service names (enable_service/disable_service) and the Stratus service each belongs to. */
const DEVSTACK_SERVICES: Record<string, string> = {
  key: 'identity', keystone: 'identity',
  'n-api': 'compute', 'n-cpu': 'compute', 'n-cond': 'compute', 'n-sch': 'compute', 'n-novnc': 'compute', 'n-api-meta': 'compute', nova: 'compute',
  'g-api': 'image', glance: 'image',
  'q-svc': 'network', 'q-agt': 'network', 'q-dhcp': 'network', 'q-l3': 'network', 'q-meta': 'network',
  'neutron-api': 'network', 'neutron-agent': 'network', 'neutron-dhcp': 'network', 'neutron-l3': 'network', 'neutron-metadata-agent': 'network', neutron: 'network',
  'c-api': 'volume', 'c-vol': 'volume', 'c-sch': 'volume', 'c-bak': 'volume', cinder: 'volume',
  's-proxy': 'object-store', 's-object': 'object-store', 's-container': 'object-store', 's-account': 'object-store', swift: 'object-store',
  'placement-api': 'placement', placement: 'placement',
  horizon: 'dashboard',
};

/** Variables DevStack users set that Stratus maps; the rest are reported once. */
const MAPPED_VARIABLES: Record<string, keyof ConfigOverrides> = {
  ADMIN_PASSWORD: 'adminPassword',
  SERVICE_PASSWORD: 'servicePassword',
  HOST_IP: 'hostIp',
  DATA_DIR: 'dataDir',
};

/** DevStack's network variables (lib/neutron's defaults), read after the whole section. */
const NETWORK_VARIABLES = [
  'FLOATING_RANGE', 'PUBLIC_NETWORK_GATEWAY', 'Q_FLOATING_ALLOCATION_POOL', 'PUBLIC_NETWORK_NAME', 'FIXED_RANGE', 'NETWORK_GATEWAY',
  'IPV4_ADDRS_SAFE_TO_USE', 'PHYSICAL_NETWORK', 'PUBLIC_PHYSICAL_NETWORK', 'PUBLIC_BRIDGE', 'PUBLIC_INTERFACE', 'OVS_BRIDGE_MAPPINGS',
  'Q_ML2_PLUGIN_TYPE_DRIVERS', 'Q_ML2_TENANT_NETWORK_TYPE', 'TENANT_TUNNEL_RANGES',
];

function localConfNetworking(vars: Map<string, string>, path: string): { networking?: Partial<NetworkingSettings>; seed?: Partial<SeedSettings> } {
  if (!NETWORK_VARIABLES.some((v) => vars.has(v))) return {};
  const base = networkingSettings({});
  const seed = seedSettings({});
  const pub = { ...seed.publicNetwork! };
  const networking: Partial<NetworkingSettings> = {};
  const v = (name: string) => (vars.get(name) || undefined);
  const cidr = (name: string) => {
    const value = v(name);
    if (value !== undefined && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value)) throw new ConfigError(`${path}: ${name}='${value}' is not an IPv4 CIDR`);
    return value;
  };
  const floating = cidr('FLOATING_RANGE');
  if (floating) {
    pub.cidr = floating;
    delete pub.gateway;
  }
  pub.gateway = v('PUBLIC_NETWORK_GATEWAY') ?? pub.gateway;
  pub.name = v('PUBLIC_NETWORK_NAME') ?? pub.name;
  const pool = v('Q_FLOATING_ALLOCATION_POOL');
  if (pool) {
    const m = /^start=([^,\s]+),end=([^,\s]+)$/.exec(pool);
    if (!m) throw new ConfigError(`${path}: Q_FLOATING_ALLOCATION_POOL='${pool}' is not start=ADDRESS,end=ADDRESS`);
    pub.pool = { start: m[1]!, end: m[2]! };
  }
  // NOTE: DevStack puts `public` on PUBLIC_PHYSICAL_NETWORK (default: public) through PUBLIC_BRIDGE (br-ex).
  const physnet = v('PUBLIC_PHYSICAL_NETWORK') ?? v('PHYSICAL_NETWORK');
  const bridge = v('PUBLIC_BRIDGE') ?? 'br-ex';
  if (physnet || v('PUBLIC_BRIDGE')) {
    pub.physicalNetwork = physnet ?? pub.physicalNetwork;
    networking.bridgeMappings = { [pub.physicalNetwork]: bridge };
    if (!base.flatNetworks.includes(pub.physicalNetwork)) networking.flatNetworks = [...base.flatNetworks, pub.physicalNetwork];
  }
  const mappings = v('OVS_BRIDGE_MAPPINGS');
  if (mappings) {
    const map: Record<string, string> = {};
    for (const item of mappings.split(',').filter(Boolean)) {
      const m = /^([^:\s]+):([^:\s]+)$/.exec(item.trim());
      if (!m) throw new ConfigError(`${path}: OVS_BRIDGE_MAPPINGS='${mappings}' is not a list of physnet:bridge pairs`);
      map[m[1]!] = m[2]!;
    }
    networking.bridgeMappings = map;
    if (!physnet) pub.physicalNetwork = (Object.entries(map).find(([, b]) => b === bridge) ?? Object.entries(map)[0])?.[0] ?? pub.physicalNetwork;
    networking.flatNetworks = [...new Set([...(networking.flatNetworks ?? base.flatNetworks), ...Object.keys(map)])];
  }
  const iface = v('PUBLIC_INTERFACE');
  if (iface) networking.bridgeInterfaces = { [bridge]: iface };
  const types = v('Q_ML2_PLUGIN_TYPE_DRIVERS');
  if (types) networking.typeDrivers = types.split(',').map((t) => t.trim()).filter(Boolean);
  const tenant = v('Q_ML2_TENANT_NETWORK_TYPE');
  if (tenant) networking.tenantNetworkTypes = tenant.split(',').map((t) => t.trim()).filter(Boolean);
  // NOTE: DevStack's ML2 vni_ranges (and GRE's tunnel_id_ranges) are TENANT_TUNNEL_RANGES, min:max[,min:max].
  const tunnels = v('TENANT_TUNNEL_RANGES');
  if (tunnels) {
    networking.vniRanges = tunnels.split(',').map((r) => {
      const m = /^(\d+):(\d+)$/.exec(r.trim());
      if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]) || Number(m[2]) > 16777215) {
        throw new ConfigError(`${path}: TENANT_TUNNEL_RANGES='${tunnels}' is not a list of min:max ranges within 1:16777215`);
      }
      return [Number(m[1]), Number(m[2])] as [number, number];
    });
  }

  const priv = { ...seed.privateNetwork };
  // NOTE: DevStack's FIXED_RANGE defaults to IPV4_ADDRS_SAFE_TO_USE, of which `private` takes the first /26.
  const fixed = cidr('FIXED_RANGE');
  const safe = cidr('IPV4_ADDRS_SAFE_TO_USE');
  if (fixed ?? safe) {
    const [ip, prefix] = (fixed ?? safe)!.split('/');
    priv.cidr = fixed ?? `${ip}/${Math.max(Number(prefix), 26)}`;
    delete priv.gateway;
  }
  priv.gateway = v('NETWORK_GATEWAY') ?? priv.gateway;
  return { networking: Object.keys(networking).length ? networking : undefined, seed: { publicNetwork: pub, privateNetwork: priv } };
}

export function parseLocalConf(text: string, path: string): ConfigFile {
  const vars = new Map<string, string>();
  const overrides: Record<string, unknown> = {};
  const unused: string[] = [];
  const skippedSections: string[] = [];
  const warnings: string[] = [];
  let services = new Set(defaultConfig().services);
  let servicesTouched = false;
  // NOTE: an old-style localrc (assignments, no [[...]] sections) is read whole as [[local|localrc]].
  let section = /^\s*\[\[.*\]\]\s*$/m.test(text) ? '' : 'local|localrc';

  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    const header = /^\[\[\s*([^|\]]+)\s*\|\s*([^\]]+?)\s*\]\]$/.exec(line);
    if (header) {
      section = `${header[1]}|${header[2]}`;
      if (section !== 'local|localrc') skippedSections.push(`[[${section}]]`);
      continue;
    }
    if (section !== 'local|localrc' || !line || line.startsWith('#')) continue;

    const command = /^(enable_service|disable_service|disable_all_services)\b(.*)$/.exec(line);
    if (command) {
      servicesTouched = true;
      const names = command[2].split(/[\s,]+/).filter(Boolean);
      if (command[1] === 'disable_all_services') services = new Set(['identity']);
      for (const name of names) {
        const ours = DEVSTACK_SERVICES[name];
        if (!ours) { unused.push(`${command[1]} ${name}`); continue; }
        if (command[1] === 'enable_service') services.add(ours);
        else if (ours === 'identity') warnings.push(`${path}: identity always runs; 'disable_service ${name}' ignored`);
        else services.delete(ours);
      }
      continue;
    }

    const assignment = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    // NOTE: `NAME = value` is what the shell runs as the command NAME: stack.sh would stop there, so do we.
    if (/^[A-Z_][A-Z0-9_]*\s+=/.test(line)) throw new ConfigError(`${path}:${index + 1}: no spaces around '=' in a shell assignment: ${line}`);
    if (!assignment) { unused.push(line); continue; }
    const [, name, rawValue] = assignment;
    const value = shellValue(rawValue, vars, `${path}:${index + 1}`);
    vars.set(name, value);
    if (name === 'SERVICE_HOST') overrides.hostIp = value;
    else if (name === 'LIBVIRT_TYPE') {
      // NOTE: DevStack's nova virt_type: qemu is emulation (TCG), kvm the accelerated kind; both run QEMU guests here.
      if (value === 'qemu' || value === 'kvm') Object.assign(overrides, { hypervisor: 'qemu', accel: value === 'kvm' ? 'kvm' : 'tcg' });
      else warnings.push(`${path}:${index + 1}: LIBVIRT_TYPE='${value}' is not supported (qemu or kvm); guests use the default hypervisor`);
    }
    else if (name === 'CINDER_BACKUP_DRIVER') {
      // NOTE: DevStack's lib/cinder_backups takes swift, ceph, s3, gcs or posix; the stores built here are posix and swift.
      if (value === 'swift' || value === 'posix') overrides.backupDriver = value;
      else warnings.push(`${path}:${index + 1}: CINDER_BACKUP_DRIVER='${value}' is not supported (swift or posix); backups use posix`);
    }
    else if (name === 'GLANCE_ENABLE_QUOTAS') {
      // NOTE: DevStack's trueorfalse: these words say yes or no; anything else keeps the default (True).
      if (/^(1|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(value)) overrides.imageUseKeystoneLimits = true;
      else if (/^(0|no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(value)) overrides.imageUseKeystoneLimits = false;
    }
    else if (name === 'GLANCE_LIMIT_IMAGE_SIZE_TOTAL') {
      // NOTE: lib/glance registers it as both image_size_total and image_stage_total (MiB).
      const mib = Number(value);
      if (!/^-?\d+$/.test(value) || mib < -1) throw new ConfigError(`${path}:${index + 1}: GLANCE_LIMIT_IMAGE_SIZE_TOTAL must be a whole number of MiB (or -1)`);
      overrides.imageQuotas = { ...(overrides.imageQuotas as object | undefined), imageSizeTotal: mib, imageStageTotal: mib };
    }
    else if (NETWORK_VARIABLES.includes(name)) continue;
    else if (name in MAPPED_VARIABLES) {
      // NOTE: DevStack writes SERVICE_HOST (default: HOST_IP) into the catalog, so it wins.
      if (name !== 'HOST_IP' || !vars.has('SERVICE_HOST')) overrides[MAPPED_VARIABLES[name]] = value;
    } else unused.push(name);
  }

  const { networking, seed } = localConfNetworking(vars, path);
  if (networking) overrides.networking = networking;
  if (seed) overrides.seed = seed;
  if (servicesTouched) {
    overrides.services = [...services];
    // NOTE: the dashboard (horizon) is always served, so it is never missing.
    const notBuilt = [...services].filter((s) => !ALL_SERVICES.includes(s) && s !== 'dashboard');
    if (notBuilt.length) warnings.push(`${path}: services not available in this build yet: ${notBuilt.join(', ')}`);
  }
  if (unused.length) warnings.push(`${path}: not used by Stratus: ${[...new Set(unused)].join(', ')}`);
  if (skippedSections.length) warnings.push(`${path}: sections ignored (only [[local|localrc]] applies): ${skippedSections.join(', ')}`);
  return { overrides: overrides as ConfigOverrides, warnings };
}

/**
 * A value as the shell reads it: '...' literally; "..." and bare words with $VAR and ${VAR}
 * expanded from variables set earlier in the file; unquoted whitespace ends it (what follows is
 * a comment).
 */
function shellValue(raw: string, vars: Map<string, string>, where: string): string {
  let out = '';
  let inDouble = false;
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (!inDouble) {
      if (/\s/.test(c)) break;
      if (c === "'") {
        const end = raw.indexOf("'", i + 1);
        if (end < 0) throw new ConfigError(`${where}: unterminated ' quote: ${raw}`);
        out += raw.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      if (c === '"') { inDouble = true; i++; continue; }
      if (c === '\\' && i + 1 < raw.length) { out += raw[i + 1]; i += 2; continue; }
    } else {
      if (c === '"') { inDouble = false; i++; continue; }
      if (c === '\\' && i + 1 < raw.length && '$"\\`'.includes(raw[i + 1]!)) { out += raw[i + 1]; i += 2; continue; }
    }
    const ref = c === '$' ? /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(raw.slice(i)) : null;
    if (ref) {
      out += vars.get(ref[1] ?? ref[2]!) ?? '';
      i += ref[0].length;
      continue;
    }
    out += c;
    i++;
  }
  if (inDouble) throw new ConfigError(`${where}: unterminated " quote: ${raw}`);
  return out;
}
