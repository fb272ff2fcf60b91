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

/** The JSON config file's settings and the type each must have. */
const JSON_SETTINGS: Record<string, 'string' | 'port' | 'count' | 'services' | 'security' | 'importFiltering'> = {
  port: 'port', bind: 'string', hostIp: 'string', dataDir: 'string', adminPassword: 'string', servicePassword: 'string',
  services: 'services', debug: 'string', logLevel: 'string', tokenExpirationSeconds: 'count', bcryptCost: 'count', security: 'security', computeHosts: 'count',
  imageImportFiltering: 'importFiltering',
};

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
    if (kind !== 'port' && kind !== 'security' && kind !== 'importFiltering') overrides[key] = value;
  }
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
  // NOTE: an old-style localrc (assignments, no [[...]] sections) is read whole as [[local|localrc]].
  let section = /^\s*\[\[.*\]\]\s*$/m.test(text) ? '' : 'local|localrc';

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
    const value = shellValue(rawValue, vars);
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

/**
 * A value as the shell reads it: '...' literally; "..." and bare words with $VAR and ${VAR}
 * expanded from variables set earlier in the file; unquoted whitespace ends it (what follows is
 * a comment).
 */
function shellValue(raw: string, vars: Map<string, string>): string {
  let out = '';
  let inDouble = false;
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (!inDouble) {
      if (/\s/.test(c)) break;
      if (c === "'") {
        const end = raw.indexOf("'", i + 1);
        out += raw.slice(i + 1, end < 0 ? raw.length : end);
        i = end < 0 ? raw.length : end + 1;
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
  return out;
}
