// Config files: Stratus's own JSON, or a DevStack local.conf whose [[local|localrc]] section maps
// onto our settings.
import { readFileSync } from 'node:fs';
import { ALL_SERVICES, ConfigError, defaultConfig, parsePort, type ConfigOverrides } from './config.js';

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
  return text.trimStart().startsWith('{') ? parseJsonConfig(text, path) : parseLocalConf(text, path);
}

function parseJsonConfig(text: string, path: string): ConfigFile {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
  const known = new Set(Object.keys(defaultConfig()));
  const unknown = Object.keys(data).filter((k) => !known.has(k));
  const overrides: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (known.has(key)) overrides[key] = value;
  if (overrides.port !== undefined) overrides.port = parsePort(overrides.port as number, `${path}: port`);
  return { overrides: overrides as ConfigOverrides, warnings: unknown.length ? [`${path}: unknown settings ignored: ${unknown.join(', ')}`] : [] };
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

export function parseLocalConf(text: string, path: string): ConfigFile {
  const vars = new Map<string, string>();
  const overrides: Record<string, unknown> = {};
  const unused: string[] = [];
  const skippedSections: string[] = [];
  const warnings: string[] = [];
  let services = new Set(defaultConfig().services);
  let servicesTouched = false;
  let section = '';

  for (const raw of text.split('\n')) {
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
    if (!assignment) { unused.push(line); continue; }
    const [, name, rawValue] = assignment;
    const value = expand(unquote(rawValue), vars);
    vars.set(name, value);
    if (name === 'SERVICE_HOST') overrides.hostIp = value;
    else if (name in MAPPED_VARIABLES) {
      // NOTE: DevStack writes SERVICE_HOST (default: HOST_IP) into the catalog, so it wins.
      if (name !== 'HOST_IP' || !vars.has('SERVICE_HOST')) overrides[MAPPED_VARIABLES[name]] = value;
    } else unused.push(name);
  }

  if (servicesTouched) {
    overrides.services = [...services];
    const notBuilt = [...services].filter((s) => !ALL_SERVICES.includes(s));
    if (notBuilt.length) warnings.push(`${path}: services not available in this build yet: ${notBuilt.join(', ')}`);
  }
  if (unused.length) warnings.push(`${path}: not used by Stratus: ${[...new Set(unused)].join(', ')}`);
  if (skippedSections.length) warnings.push(`${path}: sections ignored (only [[local|localrc]] applies): ${skippedSections.join(', ')}`);
  return { overrides: overrides as ConfigOverrides, warnings };
}

function unquote(value: string): string {
  const v = value.replace(/\s+#.*$/, '').trim();
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1);
  return v;
}

/** $VAR and ${VAR} refer to variables set earlier in the file, as the shell would read them. */
function expand(value: string, vars: Map<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => vars.get(a ?? b) ?? '');
}
