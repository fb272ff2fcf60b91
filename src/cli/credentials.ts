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

export function openrc(authUrl: string, password: string, username = 'admin', project = username): string {
  return [
    `export OS_AUTH_URL=${authUrl}`,
    `export OS_USERNAME=${username}`,
    `export OS_PASSWORD=${shellQuote(password)}`,
    `export OS_PROJECT_NAME=${project}`,
    'export OS_USER_DOMAIN_ID=default',
    'export OS_PROJECT_DOMAIN_ID=default',
    'export OS_IDENTITY_API_VERSION=3',
    'export OS_REGION_NAME=RegionOne',
  ].join('\n');
}

export function cloudsYaml(authUrl: string, password: string): string {
  const lines = ['clouds:'];
  for (const a of DEVSTACK_CLOUDS) {
    lines.push(`  ${a.cloud}:`, '    auth:', `      auth_url: ${authUrl}`, `      password: ${yamlQuote(password)}`);
    if (a.system) lines.push('      system_scope: all');
    else lines.push('      project_domain_id: default', `      project_name: ${a.project}`);
    lines.push('      user_domain_id: default', `      username: ${a.username}`);
    lines.push("    identity_api_version: '3'", '    region_name: RegionOne', "    volume_api_version: '3'");
  }
  return lines.join('\n');
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const yamlQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;
