// The panels of the seeds' lab, as data (components/resource.ts): identity, compute, images,
// networking, block and object storage. Each form says the REST calls it sends and the CLI line
// that does the same.
import { call } from '../api/client';
import type { Session } from '../api/session';
import { q, str, type ResourceSpec } from '../components/resource';
import { busy, del, download, flavors, nameField, networks, ports, projects, roles, status, subnets, type Row } from './common';
import { imagesPanel, snapshotsPanel, volumesPanel, containersPanel, backupsPanel, volumeTypesPanel } from './storage';
import { instancesPanel, serverGroupsPanel } from './instances';

export const projectsPanel: ResourceSpec<Row> = {
  id: 'identity/projects', title: 'nav.projects', service: 'identity', admin: true,
  list: async (s) => (await call(s, 'identity', 'GET', '/v3/projects')).projects, key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.description', value: (r) => r.description }, { label: 'field.enabled', value: (r) => String(r.enabled) }],
  create: {
    label: 'project.create', fields: [nameField, { name: 'description', label: 'field.description', kind: 'text' }],
    plan: (v) => [{ service: 'identity', method: 'POST', path: '/v3/projects', body: { project: { name: str(v.name), description: str(v.description), domain_id: 'default' } }, cli: `openstack project create ${q(str(v.name))}` }],
    run: (s, v) => call(s, 'identity', 'POST', '/v3/projects', { project: { name: str(v.name), description: str(v.description), domain_id: 'default' } }),
  },
  remove: del('identity', (r) => `/v3/projects/${r.id}`, (r) => `openstack project delete ${q(r.name)}`),
};

export const usersPanel: ResourceSpec<Row> = {
  id: 'identity/users', title: 'nav.users', service: 'identity', admin: true,
  list: async (s) => (await call(s, 'identity', 'GET', '/v3/users')).users, key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.email', value: (r) => r.email ?? '' }, { label: 'field.enabled', value: (r) => String(r.enabled) }],
  create: {
    label: 'user.create', fields: [nameField, { name: 'password', label: 'field.password', kind: 'password', required: true }, { name: 'project', label: 'field.project', kind: 'select', options: projects }, { name: 'role', label: 'field.role', kind: 'select', options: roles }],
    plan: (v) => [
      { service: 'identity', method: 'POST', path: '/v3/users', body: { user: { name: str(v.name), password: '***', domain_id: 'default', ...(v.project ? { default_project_id: v.project } : {}) } }, cli: `openstack user create --password '***' ${q(str(v.name))}` },
      ...(v.project && v.role ? [{ service: 'identity', method: 'PUT', path: `/v3/projects/${str(v.project)}/users/<user-id>/roles/${str(v.role)}`, cli: `openstack role add --project ${str(v.project)} --user ${q(str(v.name))} ${str(v.role)}` }] : []),
    ],
    run: async (s, v) => {
      const u = (await call(s, 'identity', 'POST', '/v3/users', { user: { name: str(v.name), password: str(v.password), domain_id: 'default', ...(v.project ? { default_project_id: v.project } : {}) } })).user;
      if (v.project && v.role) await call(s, 'identity', 'PUT', `/v3/projects/${str(v.project)}/users/${u.id}/roles/${str(v.role)}`);
    },
  },
  remove: del('identity', (r) => `/v3/users/${r.id}`, (r) => `openstack user delete ${q(r.name)}`),
};

export const flavorsPanel: ResourceSpec<Row> = {
  id: 'admin/flavors', title: 'nav.flavors', service: 'compute', admin: true,
  list: async (s) => (await call(s, 'compute', 'GET', '/flavors/detail?is_public=None')).flavors, key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.vcpus', value: (r) => r.vcpus }, { label: 'field.ram', value: (r) => r.ram }, { label: 'field.disk', value: (r) => r.disk }],
  create: {
    label: 'flavor.create', fields: [nameField, { name: 'vcpus', label: 'field.vcpus', kind: 'number', required: true, initial: '1' }, { name: 'ram', label: 'field.ram', kind: 'number', required: true, initial: '512' }, { name: 'disk', label: 'field.disk', kind: 'number', required: true, initial: '1' }],
    plan: (v) => [{ service: 'compute', method: 'POST', path: '/flavors', body: { flavor: { name: str(v.name), vcpus: Number(v.vcpus), ram: Number(v.ram), disk: Number(v.disk) } }, cli: `openstack flavor create --vcpus ${str(v.vcpus)} --ram ${str(v.ram)} --disk ${str(v.disk)} ${q(str(v.name))}` }],
    run: (s, v) => call(s, 'compute', 'POST', '/flavors', { flavor: { name: str(v.name), vcpus: Number(v.vcpus), ram: Number(v.ram), disk: Number(v.disk) } }),
  },
  remove: del('compute', (r) => `/flavors/${r.id}`, (r) => `openstack flavor delete ${q(r.name)}`),
};


export const networksPanel: ResourceSpec<Row> = {
  id: 'project/networks', title: 'nav.networks', service: 'network',
  list: async (s) => (await call(s, 'network', 'GET', '/v2.0/networks')).networks, key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.subnets', value: (r) => (r.subnets ?? []).length }, { label: 'field.shared', value: (r) => String(r.shared) },
    { label: 'field.external', value: (r) => String(r['router:external']) }, { label: 'field.status', value: (r) => status(r.status) }],
  create: {
    label: 'network.create', fields: [nameField, { name: 'subnet', label: 'field.subnetName', kind: 'text' }, { name: 'cidr', label: 'field.cidr', kind: 'text', help: 'help.cidr' }, { name: 'gateway', label: 'field.gateway', kind: 'text' }, { name: 'external', label: 'field.external', kind: 'checkbox' }],
    plan: (v) => [
      { service: 'network', method: 'POST', path: '/v2.0/networks', body: { network: { name: str(v.name), ...(v.external ? { 'router:external': true } : {}) } }, cli: `openstack network create${v.external ? ' --external' : ''} ${q(str(v.name))}` },
      ...(v.cidr ? [{ service: 'network', method: 'POST', path: '/v2.0/subnets', body: { subnet: { network_id: '<network-id>', name: str(v.subnet) || `${str(v.name)}-subnet`, cidr: str(v.cidr), ip_version: 4, ...(v.gateway ? { gateway_ip: str(v.gateway) } : {}) } }, cli: `openstack subnet create --network ${q(str(v.name))} --subnet-range ${str(v.cidr)}${v.gateway ? ` --gateway ${str(v.gateway)}` : ''} ${q(str(v.subnet) || `${str(v.name)}-subnet`)}` }] : []),
    ],
    run: async (s, v) => {
      const n = (await call(s, 'network', 'POST', '/v2.0/networks', { network: { name: str(v.name), ...(v.external ? { 'router:external': true } : {}) } })).network;
      if (v.cidr) await call(s, 'network', 'POST', '/v2.0/subnets', { subnet: { network_id: n.id, name: str(v.subnet) || `${str(v.name)}-subnet`, cidr: str(v.cidr), ip_version: 4, ...(v.gateway ? { gateway_ip: str(v.gateway) } : {}) } });
    },
  },
  remove: del('network', (r) => `/v2.0/networks/${r.id}`, (r) => `openstack network delete ${q(r.name)}`),
};

export const routersPanel: ResourceSpec<Row> = {
  id: 'project/routers', title: 'nav.routers', service: 'network',
  list: async (s) => (await call(s, 'network', 'GET', '/v2.0/routers')).routers, key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.status', value: (r) => status(r.status) },
    { label: 'field.gateway', value: (r) => r.external_gateway_info?.external_fixed_ips?.map((i: Row) => i.ip_address).join(', ') ?? '' }],
  create: {
    label: 'router.create', fields: [nameField, { name: 'external', label: 'field.externalNetwork', kind: 'select', options: (s) => networks(s, true) }],
    plan: (v) => [{ service: 'network', method: 'POST', path: '/v2.0/routers', body: { router: { name: str(v.name), ...(v.external ? { external_gateway_info: { network_id: str(v.external) } } : {}) } }, cli: `openstack router create ${q(str(v.name))}${v.external ? ` && openstack router set --external-gateway ${str(v.external)} ${q(str(v.name))}` : ''}` }],
    run: (s, v) => call(s, 'network', 'POST', '/v2.0/routers', { router: { name: str(v.name), ...(v.external ? { external_gateway_info: { network_id: str(v.external) } } : {}) } }),
  },
  actions: [{
    label: 'router.addInterface', fields: [{ name: 'subnet', label: 'field.subnet', kind: 'select', required: true, options: subnets }],
    plan: (v, r) => [{ service: 'network', method: 'PUT', path: `/v2.0/routers/${r?.id}/add_router_interface`, body: { subnet_id: str(v.subnet) }, cli: `openstack router add subnet ${q(r?.name ?? '')} ${str(v.subnet)}` }],
    run: (s, v, r) => call(s, 'network', 'PUT', `/v2.0/routers/${r!.id}/add_router_interface`, { subnet_id: str(v.subnet) }),
  }],
  remove: del('network', (r) => `/v2.0/routers/${r.id}`, (r) => `openstack router delete ${q(r.name)}`),
};

const RULES: Record<string, { protocol: string | null; port?: number }> = { 'ALL ICMP': { protocol: 'icmp' }, SSH: { protocol: 'tcp', port: 22 }, HTTP: { protocol: 'tcp', port: 80 }, HTTPS: { protocol: 'tcp', port: 443 }, 'ALL TCP': { protocol: 'tcp' } };
const ruleBody = (v: Record<string, unknown>, groupId: string) => {
  const tpl = RULES[str(v.template as string)] ?? RULES['ALL ICMP']!;
  const port = tpl.port ?? (v.port ? Number(v.port) : undefined);
  return { security_group_rule: { security_group_id: groupId, direction: 'ingress', ethertype: 'IPv4', protocol: tpl.protocol, ...(port ? { port_range_min: port, port_range_max: port } : {}), remote_ip_prefix: str(v.cidr as string) || '0.0.0.0/0' } };
};
export const securityGroupsPanel: ResourceSpec<Row> = {
  id: 'project/security-groups', title: 'nav.securityGroups', service: 'network',
  list: async (s) => (await call(s, 'network', 'GET', `/v2.0/security-groups?project_id=${s.project.id}`)).security_groups, key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.description', value: (r) => r.description },
    { label: 'field.rules', value: (r) => (r.security_group_rules ?? []).filter((x: Row) => x.direction === 'ingress').map((x: Row) => `${x.protocol ?? 'any'}${x.port_range_min ? `:${x.port_range_min}` : ''}`).join(', ') }],
  create: {
    label: 'secgroup.create', fields: [nameField, { name: 'description', label: 'field.description', kind: 'text' }],
    plan: (v) => [{ service: 'network', method: 'POST', path: '/v2.0/security-groups', body: { security_group: { name: str(v.name), description: str(v.description) } }, cli: `openstack security group create ${q(str(v.name))}` }],
    run: (s, v) => call(s, 'network', 'POST', '/v2.0/security-groups', { security_group: { name: str(v.name), description: str(v.description) } }),
  },
  actions: [{
    label: 'secgroup.addRule', fields: [
      { name: 'template', label: 'field.rule', kind: 'select', required: true, initial: 'ALL ICMP', options: async () => Object.keys(RULES).map((k) => ({ value: k, label: k })) },
      { name: 'port', label: 'field.port', kind: 'number' }, { name: 'cidr', label: 'field.cidr', kind: 'text', initial: '0.0.0.0/0' }],
    plan: (v, r) => {
      const b = ruleBody(v, r?.id ?? '');
      const p = b.security_group_rule;
      return [{ service: 'network', method: 'POST', path: '/v2.0/security-group-rules', body: b, cli: `openstack security group rule create --ingress --protocol ${p.protocol}${p.port_range_min ? ` --dst-port ${p.port_range_min}` : ''} --remote-ip ${p.remote_ip_prefix} ${q(r?.name ?? '')}` }];
    },
    run: (s, v, r) => call(s, 'network', 'POST', '/v2.0/security-group-rules', ruleBody(v, r!.id)),
  }],
  remove: del('network', (r) => `/v2.0/security-groups/${r.id}`, (r) => `openstack security group delete ${r.id}`),
};


export const keypairsPanel: ResourceSpec<Row> = {
  id: 'project/key-pairs', title: 'nav.keypairs', service: 'compute',
  list: async (s) => (await call(s, 'compute', 'GET', '/os-keypairs')).keypairs.map((k: Row) => k.keypair), key: (r) => r.name, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.type', value: (r) => r.type }, { label: 'field.fingerprint', value: (r) => r.fingerprint }],
  create: {
    label: 'keypair.create', fields: [nameField, { name: 'public_key', label: 'field.publicKey', kind: 'textarea', help: 'help.publicKey' }],
    plan: (v) => [{ service: 'compute', method: 'POST', path: '/os-keypairs', body: { keypair: { name: str(v.name), ...(v.public_key ? { public_key: str(v.public_key) } : {}) } }, cli: v.public_key ? `openstack keypair create --public-key KEY.pub ${q(str(v.name))}` : `openstack keypair create ${q(str(v.name))} > ${str(v.name)}.pem` }],
    run: async (s, v) => {
      const k = (await call(s, 'compute', 'POST', '/os-keypairs', { keypair: { name: str(v.name), ...(v.public_key ? { public_key: str(v.public_key) } : {}) } })).keypair;
      if (k.private_key) download(`${k.name}.pem`, k.private_key);
    },
  },
  remove: del('compute', (r) => `/os-keypairs/${encodeURIComponent(r.name)}`, (r) => `openstack keypair delete ${q(r.name)}`),
};

export const floatingIpsPanel: ResourceSpec<Row> = {
  id: 'project/floating-ips', title: 'nav.floatingIps', service: 'network',
  list: async (s) => (await call(s, 'network', 'GET', `/v2.0/floatingips?project_id=${s.project.id}`)).floatingips, key: (r) => r.id, name: (r) => r.floating_ip_address,
  columns: [{ label: 'field.address', value: (r) => r.floating_ip_address }, { label: 'field.fixedAddress', value: (r) => r.fixed_ip_address ?? '' }, { label: 'field.status', value: (r) => status(r.status) }],
  create: {
    label: 'fip.allocate', fields: [{ name: 'network', label: 'field.pool', kind: 'select', required: true, options: (s) => networks(s, true) }],
    plan: (v) => [{ service: 'network', method: 'POST', path: '/v2.0/floatingips', body: { floatingip: { floating_network_id: str(v.network) } }, cli: `openstack floating ip create ${str(v.network)}` }],
    run: (s, v) => call(s, 'network', 'POST', '/v2.0/floatingips', { floatingip: { floating_network_id: str(v.network) } }),
  },
  actions: [{
    label: 'fip.associate', when: (r) => !r.port_id, fields: [{ name: 'port', label: 'field.port', kind: 'select', required: true, options: ports }],
    plan: (v, r) => [{ service: 'network', method: 'PUT', path: `/v2.0/floatingips/${r?.id}`, body: { floatingip: { port_id: str(v.port) } }, cli: `openstack floating ip set --port ${str(v.port)} ${r?.floating_ip_address}` }],
    run: (s, v, r) => call(s, 'network', 'PUT', `/v2.0/floatingips/${r!.id}`, { floatingip: { port_id: str(v.port) } }),
  }, {
    label: 'fip.disassociate', when: (r) => !!r.port_id, fields: [],
    plan: (_v, r) => [{ service: 'network', method: 'PUT', path: `/v2.0/floatingips/${r?.id}`, body: { floatingip: { port_id: null } }, cli: `openstack floating ip unset --port ${r?.floating_ip_address}` }],
    run: (s, _v, r) => call(s, 'network', 'PUT', `/v2.0/floatingips/${r!.id}`, { floatingip: { port_id: null } }),
  }],
  remove: { ...del('network', (r) => `/v2.0/floatingips/${r.id}`, (r) => `openstack floating ip delete ${r.floating_ip_address}`), label: 'fip.release' },
};


export const hypervisorsPanel: ResourceSpec<Row> = {
  id: 'admin/hypervisors', title: 'nav.hypervisors', service: 'compute', admin: true,
  list: async (s) => (await call(s, 'compute', 'GET', '/os-hypervisors/detail')).hypervisors, key: (r) => String(r.id), name: (r) => r.hypervisor_hostname,
  columns: [{ label: 'field.host', value: (r) => r.hypervisor_hostname }, { label: 'field.type', value: (r) => r.hypervisor_type }, { label: 'field.status', value: (r) => status(r.state) },
    { label: 'field.vcpus', value: (r) => (r.vcpus !== undefined ? `${r.vcpus_used ?? '?'} / ${r.vcpus}` : '') }, { label: 'field.ram', value: (r) => (r.memory_mb !== undefined ? `${r.memory_mb_used ?? '?'} / ${r.memory_mb}` : '') }],
};

export const aggregatesPanel: ResourceSpec<Row> = {
  id: 'admin/aggregates', title: 'nav.aggregates', service: 'compute', admin: true,
  list: async (s) => (await call(s, 'compute', 'GET', '/os-aggregates')).aggregates, key: (r) => String(r.id), name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.zone', value: (r) => r.availability_zone ?? '' }, { label: 'field.hosts', value: (r) => (r.hosts ?? []).join(', ') }],
  create: {
    label: 'aggregate.create', fields: [nameField, { name: 'zone', label: 'field.zone', kind: 'text' }],
    plan: (v) => [{ service: 'compute', method: 'POST', path: '/os-aggregates', body: { aggregate: { name: str(v.name), ...(v.zone ? { availability_zone: str(v.zone) } : {}) } }, cli: `openstack aggregate create${v.zone ? ` --zone ${q(str(v.zone))}` : ''} ${q(str(v.name))}` }],
    run: (s, v) => call(s, 'compute', 'POST', '/os-aggregates', { aggregate: { name: str(v.name), ...(v.zone ? { availability_zone: str(v.zone) } : {}) } }),
  },
  remove: del('compute', (r) => `/os-aggregates/${r.id}`, (r) => `openstack aggregate delete ${q(r.name)}`),
};

export const allInstancesPanel: ResourceSpec<Row> = {
  ...instancesPanel, id: 'admin/instances', title: 'nav.allInstances', admin: true, create: undefined, actions: [],
  list: async (s) => (await call(s, 'compute', 'GET', '/servers/detail?all_tenants=1')).servers,
  columns: [{ label: 'field.projectId', value: (r) => r.tenant_id }, ...instancesPanel.columns],
};

export const allVolumesPanel: ResourceSpec<Row> = {
  ...volumesPanel, id: 'admin/volumes', title: 'nav.allVolumes', admin: true, create: undefined, actions: [],
  list: async (s) => (await call(s, 'block-storage', 'GET', '/volumes/detail?all_tenants=1')).volumes,
  columns: [{ label: 'field.projectId', value: (r) => r['os-vol-tenant-attr:tenant_id'] ?? '' }, ...volumesPanel.columns],
};

export const adminNetworksPanel: ResourceSpec<Row> = {
  ...networksPanel, id: 'admin/networks', title: 'nav.allNetworks', admin: true,
  columns: [{ label: 'field.projectId', value: (r) => r.project_id }, ...networksPanel.columns, { label: 'field.providerType', value: (r) => `${r['provider:network_type'] ?? ''} ${r['provider:physical_network'] ?? ''}` }],
  create: {
    label: 'network.create', fields: [nameField, { name: 'type', label: 'field.providerType', kind: 'select', initial: 'flat', options: async () => ['flat', 'vlan', 'vxlan', 'geneve', 'local'].map((x) => ({ value: x, label: x })) },
      { name: 'physnet', label: 'field.physicalNetwork', kind: 'text', initial: 'public' }, { name: 'segment', label: 'field.segment', kind: 'number' },
      { name: 'external', label: 'field.external', kind: 'checkbox' }, { name: 'shared', label: 'field.shared', kind: 'checkbox' }],
    plan: (v) => [{ service: 'network', method: 'POST', path: '/v2.0/networks', body: { network: providerBody(v) },
      cli: `openstack network create --provider-network-type ${str(v.type) || 'flat'}${v.physnet ? ` --provider-physical-network ${q(str(v.physnet))}` : ''}${v.segment ? ` --provider-segment ${str(v.segment)}` : ''}${v.external ? ' --external' : ''}${v.shared ? ' --share' : ''} ${q(str(v.name))}` }],
    run: (s, v) => call(s, 'network', 'POST', '/v2.0/networks', { network: providerBody(v) }),
  },
};

function providerBody(v: Record<string, unknown>) {
  const type = str(v.type as string) || 'flat';
  return {
    name: str(v.name as string), 'provider:network_type': type, ...(v.physnet && type !== 'vxlan' && type !== 'geneve' && type !== 'local' ? { 'provider:physical_network': str(v.physnet as string) } : {}),
    ...(v.segment ? { 'provider:segmentation_id': Number(v.segment) } : {}), 'router:external': v.external === true, shared: v.shared === true,
  };
}

export const quotaDefaultsPanel: ResourceSpec<Row> = {
  id: 'admin/defaults', title: 'nav.defaults', service: 'compute', admin: true,
  list: async (s) => Object.entries((await call(s, 'compute', 'GET', `/os-quota-sets/${s.project.id}/defaults`)).quota_set).filter(([k]) => k !== 'id').map(([k, v]) => ({ name: k, value: v })),
  key: (r) => r.name, name: (r) => r.name,
  columns: [{ label: 'field.quota', value: (r) => r.name }, { label: 'field.limit', value: (r) => String(r.value) }],
};

export const domainsPanel: ResourceSpec<Row> = {
  id: 'identity/domains', title: 'nav.domains', service: 'identity', admin: true,
  list: async (s) => (await call(s, 'identity', 'GET', '/v3/domains')).domains, key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.description', value: (r) => r.description }, { label: 'field.enabled', value: (r) => String(r.enabled) }],
  create: {
    label: 'domain.create', fields: [nameField, { name: 'description', label: 'field.description', kind: 'text' }],
    plan: (v) => [{ service: 'identity', method: 'POST', path: '/v3/domains', body: { domain: { name: str(v.name), description: str(v.description) } }, cli: `openstack domain create ${q(str(v.name))}` }],
    run: (s, v) => call(s, 'identity', 'POST', '/v3/domains', { domain: { name: str(v.name), description: str(v.description) } }),
  },
  remove: {
    label: 'common.delete', danger: true, fields: [],
    plan: (_v, r) => [{ service: 'identity', method: 'PATCH', path: `/v3/domains/${r?.id}`, body: { domain: { enabled: false } } }, { service: 'identity', method: 'DELETE', path: `/v3/domains/${r?.id}`, cli: `openstack domain set --disable ${q(r?.name ?? '')} && openstack domain delete ${q(r?.name ?? '')}` }],
    run: async (s, _v, r) => { await call(s, 'identity', 'PATCH', `/v3/domains/${r!.id}`, { domain: { enabled: false } }); await call(s, 'identity', 'DELETE', `/v3/domains/${r!.id}`); },
  },
};

const simpleIdentity = (id: string, title: 'nav.groups' | 'nav.roles', key: 'groups' | 'roles', one: 'group' | 'role', label: 'group.create' | 'role.create', cli: string): ResourceSpec<Row> => ({
  id, title, service: 'identity', admin: true,
  list: async (s) => (await call(s, 'identity', 'GET', `/v3/${key}`))[key], key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.description', value: (r) => r.description ?? '' }],
  create: {
    label, fields: [nameField],
    plan: (v) => [{ service: 'identity', method: 'POST', path: `/v3/${key}`, body: { [one]: { name: str(v.name) } }, cli: `openstack ${cli} create ${q(str(v.name))}` }],
    run: (s, v) => call(s, 'identity', 'POST', `/v3/${key}`, { [one]: { name: str(v.name) } }),
  },
  remove: del('identity', (r) => `/v3/${key}/${r.id}`, (r) => `openstack ${cli} delete ${q(r.name)}`),
});

export const groupsPanel = simpleIdentity('identity/groups', 'nav.groups', 'groups', 'group', 'group.create', 'group');
export const rolesPanel = simpleIdentity('identity/roles', 'nav.roles', 'roles', 'role', 'role.create', 'role');

export const appCredentialsPanel: ResourceSpec<Row> = {
  id: 'identity/application-credentials', title: 'nav.appCredentials', service: 'identity',
  list: async (s) => (await call(s, 'identity', 'GET', `/v3/users/${s.user.id}/application_credentials`)).application_credentials, key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.projectId', value: (r) => r.project_id }, { label: 'field.expires', value: (r, f) => f.date(r.expires_at) }],
  create: {
    label: 'appcred.create', fields: [nameField],
    plan: (v) => [{ service: 'identity', method: 'POST', path: '/v3/users/<user-id>/application_credentials', body: { application_credential: { name: str(v.name) } }, cli: `openstack application credential create ${q(str(v.name))}` }],
    run: async (s, v) => {
      const c = (await call(s, 'identity', 'POST', `/v3/users/${s.user.id}/application_credentials`, { application_credential: { name: str(v.name) } })).application_credential;
      download(`${c.name}-clouds.yaml`, `clouds:\n  ${c.name}:\n    auth_type: v3applicationcredential\n    auth:\n      auth_url: ${location.origin}/identity\n      application_credential_id: ${c.id}\n      application_credential_secret: ${c.secret}\n    region_name: RegionOne\n`);
    },
  },
  remove: del('identity', (r) => `/v3/users/<me>/application_credentials/${r.id}`, (r) => `openstack application credential delete ${q(r.name)}`),
};
appCredentialsPanel.remove!.run = (s, _v, r) => call(s, 'identity', 'DELETE', `/v3/users/${s.user.id}/application_credentials/${r!.id}`);

export const PANELS = {
  project: [instancesPanel, imagesPanel, keypairsPanel, serverGroupsPanel, volumesPanel, snapshotsPanel, backupsPanel, volumeTypesPanel, containersPanel, networksPanel, routersPanel, securityGroupsPanel, floatingIpsPanel],
  admin: [hypervisorsPanel, aggregatesPanel, allInstancesPanel, flavorsPanel, allVolumesPanel, adminNetworksPanel, quotaDefaultsPanel],
  identity: [domainsPanel, projectsPanel, usersPanel, groupsPanel, rolesPanel, appCredentialsPanel],
};
