// openrc and clouds.yaml for the seeded users, as DevStack writes them.

export interface CloudAccount {
  cloud: string;
  username: string;
  project?: string;
  system?: boolean;
}

/** The clouds DevStack puts in clouds.yaml. */
export const DEVSTACK_CLOUDS: CloudAccount[] = [
  { cloud: 'devstack', username: 'demo', project: 'demo' },
  { cloud: 'devstack-admin', username: 'admin', project: 'admin' },
  { cloud: 'devstack-alt', username: 'alt_demo', project: 'alt_demo' },
  { cloud: 'devstack-system-admin', username: 'admin', system: true },
];

export function openrc(authUrl: string, password: string, username = 'admin', project = username, region = 'RegionOne'): string {
  return [
    `export OS_AUTH_URL=${authUrl}`,
    `export OS_USERNAME=${username}`,
    `export OS_PASSWORD=${shellQuote(password)}`,
    `export OS_PROJECT_NAME=${project}`,
    'export OS_USER_DOMAIN_ID=default',
    'export OS_PROJECT_DOMAIN_ID=default',
    'export OS_IDENTITY_API_VERSION=3',
    `export OS_REGION_NAME=${shellQuote(region)}`,
  ].join('\n');
}

/** Packstack's keystonerc_admin: the admin's credentials, and a prompt that says they are loaded. */
export function keystonerc(authUrl: string, username: string, password: string, region = 'RegionOne'): string {
  return [
    'unset OS_SERVICE_TOKEN',
    `export OS_USERNAME=${shellQuote(username)}`,
    `export OS_PASSWORD=${shellQuote(password)}`,
    `export OS_REGION_NAME=${shellQuote(region)}`,
    `export OS_AUTH_URL=${authUrl}/v3`,
    "export PS1='[\\u@\\h \\W(keystone_admin)]\\$ '",
    '',
    `export OS_PROJECT_NAME=admin`,
    'export OS_USER_DOMAIN_NAME=Default',
    'export OS_PROJECT_DOMAIN_NAME=Default',
    'export OS_IDENTITY_API_VERSION=3',
    '',
  ].join('\n');
}

export interface OpenrcFileOptions {
  authUrl: string; adminPassword: string; servicePassword: string; region?: string;
  /** Users with the admin password (the admin and the demo users); others are service users. */
  people: string[];
  /** Who `source openrc` alone is: DevStack's demo/demo, or the admin when there is no demo. */
  defaultUser: string;
}

/**
 * DevStack's openrc as a file: `source openrc [USERNAME] [PROJECT_NAME]`. The project defaults to
 * the user's own (service users: service); people get the admin password, service users theirs.
 */
export function openrcFile(o: OpenrcFileOptions): string {
  const people = o.people.map(shellQuote).join('|');
  return [
    '# Stratus, as DevStack\'s openrc: source openrc [USERNAME] [PROJECT_NAME]',
    `OS_USERNAME=\${1:-${shellQuote(o.defaultUser)}}`,
    'case "$OS_USERNAME" in',
    `  ${people}) OS_PASSWORD=${shellQuote(o.adminPassword)}; OS_PROJECT_NAME=\${2:-$OS_USERNAME} ;;`,
    `  *) OS_PASSWORD=${shellQuote(o.servicePassword)}; OS_PROJECT_NAME=\${2:-service} ;;`,
    'esac',
    'export OS_USERNAME OS_PASSWORD OS_PROJECT_NAME',
    `export OS_AUTH_URL=${o.authUrl}`,
    'export OS_USER_DOMAIN_ID=default',
    'export OS_PROJECT_DOMAIN_ID=default',
    'export OS_IDENTITY_API_VERSION=3',
    `export OS_REGION_NAME=${shellQuote(o.region ?? 'RegionOne')}`,
    'export OS_VOLUME_API_VERSION=3',
    '',
  ].join('\n');
}

export function cloudsYaml(authUrl: string, password: string, region = 'RegionOne', adminUsername = 'admin'): string {
  const lines = ['clouds:'];
  for (const a of DEVSTACK_CLOUDS) {
    lines.push(`  ${a.cloud}:`, '    auth:', `      auth_url: ${authUrl}`, `      password: ${yamlQuote(password)}`);
    if (a.system) lines.push('      system_scope: all');
    else lines.push('      project_domain_id: default', `      project_name: ${a.project}`);
    lines.push('      user_domain_id: default', `      username: ${a.username === 'admin' ? yamlScalar(adminUsername) : a.username}`);
    lines.push("    identity_api_version: '3'", `    region_name: ${yamlScalar(region)}`, "    volume_api_version: '3'");
  }
  return lines.join('\n');
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const yamlQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;
// NOTE: plain when YAML reads it back as the same string (names, regions), quoted otherwise.
const yamlScalar = (s: string) => (/^[A-Za-z_][\w.-]*$/.test(s) && !/^(true|false|yes|no|on|off|null)$/i.test(s) ? s : yamlQuote(s));
