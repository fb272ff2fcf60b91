// Horizon's Admin and Identity panels beyond the lab's: resources of all projects (routers,
// floating IPs, images, volume types), availability zones, quota defaults, a project's members and
// quotas, a user's password and enabled flag. Panels as data (components/resource.ts); each form
// says the REST calls it sends and the CLI line that does the same.
import { Label } from '@patternfly/react-core';
import { call } from '../api/client';
import type { Session } from '../api/session';
import { q, str, type Field, type Form, type Option, type ResourceSpec, type Values } from '../components/resource';
import {
  adminNetworksPanel, aggregatesPanel, allInstancesPanel, allVolumesPanel, appCredentialsPanel, domainsPanel, flavorsPanel, groupsPanel,
  hypervisorsPanel, projectsPanel, quotaDefaultsPanel, rolesPanel, routersPanel, floatingIpsPanel, usersPanel,
} from './panels';
import { editImage, imagesPanel } from './storage';
import { networks, projects, roles, type Row } from './common';

const has = (s: Session, type: string) => s.catalog.some((c) => c.type === type);
const yes = (b: unknown) => <Label color={b ? 'green' : 'grey'} isCompact>{b ? '✓' : '—'}</Label>;

/** Project names by id, for the "Project" column of lists of all projects. */
let names: Promise<Map<string, string>> | undefined;
let namesAt = 0;
async function projectNames(s: Session): Promise<Map<string, string>> {
  if (!names || Date.now() - namesAt > 10_000) {
    namesAt = Date.now();
    names = call(s, 'identity', 'GET', '/v3/projects').then((r) => new Map(r.projects.map((p: Row) => [p.id, p.name])), () => new Map());
  }
  return names;
}
const withProjectNames = async (s: Session, rows: Row[], key: (r: Row) => string | undefined): Promise<Row[]> => {
  const m = await projectNames(s);
  return rows.map((r) => ({ ...r, _project: m.get(key(r) ?? '') ?? key(r) ?? '' }));
};
const projectColumn = { label: 'field.projectId' as const, value: (r: Row) => r._project };

// Admin → Routers: every project's routers.
export const adminRoutersPanel: ResourceSpec<Row> = {
  id: 'admin/routers', title: 'nav.allRouters', service: 'network', admin: true,
  list: async (s) => withProjectNames(s, (await call(s, 'network', 'GET', '/v2.0/routers')).routers, (r) => r.project_id),
  key: (r) => r.id, name: (r) => r.name,
  columns: [projectColumn, ...routersPanel.columns],
  remove: routersPanel.remove,
};

// Admin → Floating IPs: every project's, allocated to a chosen project, released.
const fipBody = (v: Values) => ({ floatingip: { floating_network_id: str(v.network), project_id: str(v.project), ...(v.address ? { floating_ip_address: str(v.address) } : {}) } });
export const adminFloatingIpsPanel: ResourceSpec<Row> = {
  id: 'admin/floating-ips', title: 'nav.allFloatingIps', service: 'network', admin: true,
  list: async (s) => withProjectNames(s, (await call(s, 'network', 'GET', '/v2.0/floatingips')).floatingips, (r) => r.project_id),
  key: (r) => r.id, name: (r) => r.floating_ip_address,
  columns: [projectColumn, ...floatingIpsPanel.columns],
  create: {
    label: 'fip.allocateTo', fields: [
      { name: 'project', label: 'field.projectId', kind: 'select', required: true, options: projects },
      { name: 'network', label: 'field.pool', kind: 'select', required: true, options: (s) => networks(s, true) },
      { name: 'address', label: 'field.floatingAddress', kind: 'text', help: 'help.floatingAddress' }],
    plan: (v) => [{ service: 'network', method: 'POST', path: '/v2.0/floatingips', body: fipBody(v), cli: `openstack floating ip create --project ${str(v.project)}${v.address ? ` --floating-ip-address ${str(v.address)}` : ''} ${str(v.network)}` }],
    run: (s, v) => call(s, 'network', 'POST', '/v2.0/floatingips', fipBody(v)),
  },
  remove: floatingIpsPanel.remove,
};

// Admin → Images: every project's images; edited (the project panel's form: name, visibility, protected, minimums), deleted.
export const adminImagesPanel: ResourceSpec<Row> = {
  ...imagesPanel, id: 'admin/images', title: 'nav.allImages', admin: true, create: undefined,
  list: async (s) => withProjectNames(s, (await call(s, 'image', 'GET', '/v2/images?limit=1000')).images, (r) => r.owner),
  columns: [projectColumn, ...imagesPanel.columns, { label: 'field.protected', value: (r) => yes(r.protected) }],
  actions: [editImage],
};

// Admin → Volume Types: create with extra specs and (private types) project access; delete.
export const specsOf = (text: string): Record<string, string> => Object.fromEntries(text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
  const i = l.indexOf('=');
  return i < 0 ? [l, ''] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
}));
const typeBody = (v: Values) => ({ volume_type: { name: str(v.name), ...(v.description ? { description: str(v.description) } : {}), 'os-volume-type-access:is_public': v.public === true, ...(v.specs ? { extra_specs: specsOf(str(v.specs)) } : {}) } });
const typeAccess = (label: 'volumeType.addAccess' | 'volumeType.removeAccess', action: 'addProjectAccess' | 'removeProjectAccess', cli: string): Form<Row> => ({
  label, when: (r) => r['os-volume-type-access:is_public'] === false,
  fields: [{ name: 'project', label: 'field.projectId', kind: 'select', required: true, options: projects }],
  plan: (v, r) => [{ service: 'block-storage', method: 'POST', path: `/types/${r?.id}/action`, body: { [action]: { project: str(v.project) } }, cli: `openstack volume type ${cli} --project ${str(v.project)} ${q(r?.name ?? '')}` }],
  run: (s, v, r) => call(s, 'block-storage', 'POST', `/types/${r!.id}/action`, { [action]: { project: str(v.project) } }),
});
export const adminVolumeTypesPanel: ResourceSpec<Row> = {
  id: 'admin/volume-types', title: 'nav.volumeTypes', service: 'block-storage', admin: true,
  list: async (s) => {
    const types: Row[] = (await call(s, 'block-storage', 'GET', '/types?is_public=None')).volume_types;
    const pn = await projectNames(s);
    return Promise.all(types.map(async (t) => ({
      ...t, _access: t['os-volume-type-access:is_public'] === false
        ? (await call(s, 'block-storage', 'GET', `/types/${t.id}/os-volume-type-access`).catch(() => ({ volume_type_access: [] }))).volume_type_access.map((a: Row) => pn.get(a.project_id) ?? a.project_id)
        : [],
    })));
  },
  key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.description', value: (r) => r.description ?? '' },
    { label: 'field.public', value: (r) => yes(r['os-volume-type-access:is_public'] !== false) },
    { label: 'field.extraSpecs', value: (r) => Object.entries(r.extra_specs ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') },
    { label: 'field.access', value: (r) => (r['os-volume-type-access:is_public'] === false ? (r._access ?? []).join(', ') : '—') }],
  create: {
    label: 'volumeType.create', fields: [
      { name: 'name', label: 'field.name', kind: 'text', required: true }, { name: 'description', label: 'field.description', kind: 'text' },
      { name: 'public', label: 'field.public', kind: 'checkbox', initial: 'true' },
      { name: 'specs', label: 'field.extraSpecs', kind: 'textarea', help: 'help.extraSpecs' }],
    plan: (v) => [{ service: 'block-storage', method: 'POST', path: '/types', body: typeBody(v),
      cli: `openstack volume type create${v.public ? ' --public' : ' --private'}${Object.entries(specsOf(str(v.specs))).map(([k, x]) => ` --property ${q(`${k}=${x}`)}`).join('')}${v.description ? ` --description ${q(str(v.description))}` : ''} ${q(str(v.name))}` }],
    run: (s, v) => call(s, 'block-storage', 'POST', '/types', typeBody(v)),
  },
  actions: [{
    label: 'volumeType.editSpecs', fields: [{ name: 'specs', label: 'field.extraSpecs', kind: 'textarea', help: 'help.extraSpecs' }],
    start: (_s, r) => ({ specs: Object.entries(r?.extra_specs ?? {}).map(([k, v]) => `${k}=${v}`).join('\n') }),
    plan: (v, r) => {
      const want = specsOf(str(v.specs));
      const gone = Object.keys(r?.extra_specs ?? {}).filter((k) => !(k in want));
      return [
        ...(Object.keys(want).length ? [{ service: 'block-storage', method: 'POST', path: `/types/${r?.id}/extra_specs`, body: { extra_specs: want }, cli: `openstack volume type set${Object.entries(want).map(([k, x]) => ` --property ${q(`${k}=${x}`)}`).join('')} ${q(r?.name ?? '')}` }] : []),
        ...gone.map((k) => ({ service: 'block-storage', method: 'DELETE', path: `/types/${r?.id}/extra_specs/${encodeURIComponent(k)}`, cli: `openstack volume type unset --property ${q(k)} ${q(r?.name ?? '')}` })),
      ];
    },
    run: async (s, v, r) => {
      const want = specsOf(str(v.specs));
      if (Object.keys(want).length) await call(s, 'block-storage', 'POST', `/types/${r!.id}/extra_specs`, { extra_specs: want });
      for (const k of Object.keys(r!.extra_specs ?? {}).filter((k) => !(k in want))) await call(s, 'block-storage', 'DELETE', `/types/${r!.id}/extra_specs/${encodeURIComponent(k)}`);
    },
  }, typeAccess('volumeType.addAccess', 'addProjectAccess', 'set'), typeAccess('volumeType.removeAccess', 'removeProjectAccess', 'unset')],
  remove: {
    label: 'common.delete', danger: true, fields: [],
    plan: (_v, r) => [{ service: 'block-storage', method: 'DELETE', path: `/types/${r?.id}`, cli: `openstack volume type delete ${q(r?.name ?? '')}` }],
    run: (s, _v, r) => call(s, 'block-storage', 'DELETE', `/types/${r!.id}`),
  },
};

// Admin → Host Aggregates: hosts in and out; Availability Zones as Nova lists them.
const computeHosts = async (s: Session): Promise<Option[]> => (await call(s, 'compute', 'GET', '/os-services?binary=nova-compute')).services.map((x: Row) => ({ value: x.host, label: `${x.host} (${x.zone})` }));
const hostAction = (label: 'aggregate.addHost' | 'aggregate.removeHost', action: 'add_host' | 'remove_host', cli: string): Form<Row> => ({
  label, fields: [{ name: 'host', label: 'field.host', kind: 'select', required: true, options: computeHosts }],
  plan: (v, r) => [{ service: 'compute', method: 'POST', path: `/os-aggregates/${r?.id}/action`, body: { [action]: { host: str(v.host) } }, cli: `openstack aggregate ${cli} host ${q(r?.name ?? '')} ${q(str(v.host))}` }],
  run: (s, v, r) => call(s, 'compute', 'POST', `/os-aggregates/${r!.id}/action`, { [action]: { host: str(v.host) } }),
});
export const adminAggregatesPanel: ResourceSpec<Row> = {
  ...aggregatesPanel,
  columns: [...aggregatesPanel.columns, { label: 'field.metadata', value: (r) => Object.entries(r.metadata ?? {}).filter(([k]) => k !== 'availability_zone').map(([k, v]) => `${k}=${v}`).join(', ') }],
  actions: [hostAction('aggregate.addHost', 'add_host', 'add'), { ...hostAction('aggregate.removeHost', 'remove_host', 'remove'), when: (r) => (r.hosts ?? []).length > 0 }],
};
export const zonesPanel: ResourceSpec<Row> = {
  id: 'admin/availability-zones', title: 'nav.zones', service: 'compute', admin: true,
  list: async (s) => (await call(s, 'compute', 'GET', '/os-availability-zone/detail')).availabilityZoneInfo, key: (r) => r.zoneName, name: (r) => r.zoneName,
  columns: [{ label: 'field.zone', value: (r) => r.zoneName }, { label: 'field.hosts', value: (r) => Object.keys(r.hosts ?? {}).join(', ') },
    { label: 'field.available', value: (r) => yes(r.zoneState?.available) }],
};

// Admin → Defaults: the quota defaults of compute and block storage (their "default" quota class);
// networking's come from its configuration and are shown only.
const COMPUTE_QUOTAS = ['instances', 'cores', 'ram', 'key_pairs', 'metadata_items', 'server_groups', 'server_group_members'] as const;
const VOLUME_QUOTAS = ['volumes', 'gigabytes', 'snapshots', 'backups', 'backup_gigabytes', 'per_volume_gigabytes'] as const;
const NETWORK_QUOTAS = ['network', 'subnet', 'port', 'router', 'floatingip', 'security_group', 'security_group_rule'] as const;
const quotaField = (service: string, prefix: string) => (k: string): Field => ({ name: `${prefix}${k}`, label: `quota.${k}` as Field['label'], kind: 'number', required: true, show: (_v, s) => has(s, service) });
const numbers = (v: Values, prefix: string, keys: readonly string[]) => Object.fromEntries(keys.filter((k) => v[`${prefix}${k}`] !== undefined && v[`${prefix}${k}`] !== '').map((k) => [k, Number(v[`${prefix}${k}`])]));
const prefixed = (o: Row, prefix: string, keys: readonly string[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [`${prefix}${k}`, String(o[k])]));
const cliSets = (o: Record<string, number>, flag: (k: string) => string) => Object.entries(o).map(([k, n]) => ` --${flag(k)} ${n}`).join('');
const CLI_NAMES: Record<string, string> = { cores: 'cores', key_pairs: 'key-pairs', metadata_items: 'properties', server_groups: 'server-groups', server_group_members: 'server-group-members', backup_gigabytes: 'backup-gigabytes', per_volume_gigabytes: 'per-volume-gigabytes', network: 'networks', subnet: 'subnets', port: 'ports', router: 'routers', floatingip: 'floating-ips', security_group: 'secgroups', security_group_rule: 'secgroup-rules' };
const cliFlag = (k: string) => CLI_NAMES[k] ?? k;

export const adminDefaultsPanel: ResourceSpec<Row> = {
  ...quotaDefaultsPanel,
  list: async (s) => {
    const rows: Row[] = [];
    const c = (await call(s, 'compute', 'GET', '/os-quota-class-sets/default')).quota_class_set;
    rows.push(...COMPUTE_QUOTAS.filter((k) => c[k] !== undefined).map((k) => ({ service: 'compute', name: k, value: c[k] })));
    if (has(s, 'block-storage')) {
      const v = (await call(s, 'block-storage', 'GET', '/os-quota-class-sets/default')).quota_class_set;
      rows.push(...VOLUME_QUOTAS.filter((k) => v[k] !== undefined).map((k) => ({ service: 'block-storage', name: k, value: v[k] })));
    }
    if (has(s, 'network')) {
      const n = (await call(s, 'network', 'GET', `/v2.0/quotas/${s.project.id}/default`)).quota;
      rows.push(...NETWORK_QUOTAS.filter((k) => n[k] !== undefined).map((k) => ({ service: 'network', name: k, value: n[k] })));
    }
    return rows;
  },
  key: (r) => `${r.service}/${r.name}`, name: (r) => r.name,
  columns: [{ label: 'field.service', value: (r) => r.service }, { label: 'field.quota', value: (r) => r.name }, { label: 'field.limit', value: (r) => String(r.value) }],
  create: {
    label: 'defaults.update', fields: [...COMPUTE_QUOTAS.map(quotaField('compute', 'c-')), ...VOLUME_QUOTAS.map(quotaField('block-storage', 'v-'))],
    start: async (s) => ({
      ...prefixed((await call(s, 'compute', 'GET', '/os-quota-class-sets/default')).quota_class_set, 'c-', COMPUTE_QUOTAS),
      ...(has(s, 'block-storage') ? prefixed((await call(s, 'block-storage', 'GET', '/os-quota-class-sets/default')).quota_class_set, 'v-', VOLUME_QUOTAS) : {}),
    }),
    plan: (v) => [
      { service: 'compute', method: 'PUT', path: '/os-quota-class-sets/default', body: { quota_class_set: numbers(v, 'c-', COMPUTE_QUOTAS) }, cli: `openstack quota set --class${cliSets(numbers(v, 'c-', COMPUTE_QUOTAS), cliFlag)} default` },
      { service: 'block-storage', method: 'PUT', path: '/os-quota-class-sets/default', body: { quota_class_set: numbers(v, 'v-', VOLUME_QUOTAS) }, cli: `openstack quota set --class${cliSets(numbers(v, 'v-', VOLUME_QUOTAS), cliFlag)} default` },
    ],
    run: async (s, v) => {
      await call(s, 'compute', 'PUT', '/os-quota-class-sets/default', { quota_class_set: numbers(v, 'c-', COMPUTE_QUOTAS) });
      if (has(s, 'block-storage')) await call(s, 'block-storage', 'PUT', '/os-quota-class-sets/default', { quota_class_set: numbers(v, 'v-', VOLUME_QUOTAS) });
    },
  },
};

// Identity → Projects: members (role assignments of users and groups) and quotas.
export const projectQuotas: Form<Row> = {
  label: 'project.quotas', fields: [...COMPUTE_QUOTAS.map(quotaField('compute', 'c-')), ...VOLUME_QUOTAS.map(quotaField('block-storage', 'v-')), ...NETWORK_QUOTAS.map(quotaField('network', 'n-'))],
  start: async (s, r) => ({
    ...prefixed((await call(s, 'compute', 'GET', `/os-quota-sets/${r!.id}`)).quota_set, 'c-', COMPUTE_QUOTAS),
    ...(has(s, 'block-storage') ? prefixed((await call(s, 'block-storage', 'GET', `/os-quota-sets/${r!.id}`)).quota_set, 'v-', VOLUME_QUOTAS) : {}),
    ...(has(s, 'network') ? prefixed((await call(s, 'network', 'GET', `/v2.0/quotas/${r!.id}`)).quota, 'n-', NETWORK_QUOTAS) : {}),
  }),
  plan: (v, r) => [
    { service: 'compute', method: 'PUT', path: `/os-quota-sets/${r?.id}`, body: { quota_set: numbers(v, 'c-', COMPUTE_QUOTAS) }, cli: `openstack quota set${cliSets(numbers(v, 'c-', COMPUTE_QUOTAS), cliFlag)} ${q(r?.name ?? '')}` },
    { service: 'block-storage', method: 'PUT', path: `/os-quota-sets/${r?.id}`, body: { quota_set: numbers(v, 'v-', VOLUME_QUOTAS) }, cli: `openstack quota set${cliSets(numbers(v, 'v-', VOLUME_QUOTAS), cliFlag)} ${q(r?.name ?? '')}` },
    { service: 'network', method: 'PUT', path: `/v2.0/quotas/${r?.id}`, body: { quota: numbers(v, 'n-', NETWORK_QUOTAS) }, cli: `openstack quota set${cliSets(numbers(v, 'n-', NETWORK_QUOTAS), cliFlag)} ${q(r?.name ?? '')}` },
  ],
  run: async (s, v, r) => {
    await call(s, 'compute', 'PUT', `/os-quota-sets/${r!.id}`, { quota_set: numbers(v, 'c-', COMPUTE_QUOTAS) });
    if (has(s, 'block-storage')) await call(s, 'block-storage', 'PUT', `/os-quota-sets/${r!.id}`, { quota_set: numbers(v, 'v-', VOLUME_QUOTAS) });
    if (has(s, 'network')) await call(s, 'network', 'PUT', `/v2.0/quotas/${r!.id}`, { quota: numbers(v, 'n-', NETWORK_QUOTAS) });
  },
};

const principals = async (s: Session): Promise<Option[]> => [
  ...(await call(s, 'identity', 'GET', '/v3/users')).users.map((u: Row) => ({ value: `user:${u.id}`, label: `${u.name} (user)` })),
  ...(await call(s, 'identity', 'GET', '/v3/groups')).groups.map((g: Row) => ({ value: `group:${g.id}`, label: `${g.name} (group)` })),
];
const who = (v: Values) => { const [kind, id] = str(v.who).split(':'); return { kind: kind === 'group' ? 'groups' : 'users', flag: kind === 'group' ? 'group' : 'user', id: id ?? '' }; };

export function membersPanel(projectId: string, projectName: string): ResourceSpec<Row> {
  const base = `/v3/projects/${projectId}`;
  return {
    id: `identity/projects/${projectId}/members`, title: 'nav.members', subtitle: projectName, service: 'identity', admin: true,
    list: async (s) => (await call(s, 'identity', 'GET', `/v3/role_assignments?scope.project.id=${projectId}&include_names=true`)).role_assignments.map((a: Row) => ({
      kind: a.user ? 'user' : 'group', id: (a.user ?? a.group).id, name: (a.user ?? a.group).name, role: a.role, inherited: !!a.scope?.['OS-INHERIT:inherited_to'],
    })),
    key: (r) => `${r.kind}/${r.id}/${r.role.id}`, name: (r) => `${r.name}-${r.role.name}`,
    columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.type', value: (r) => (r.kind === 'user' ? 'user' : 'group') }, { label: 'field.role', value: (r) => r.role.name }],
    create: {
      label: 'member.add', fields: [{ name: 'who', label: 'field.principal', kind: 'select', required: true, options: principals }, { name: 'role', label: 'field.role', kind: 'select', required: true, options: roles }],
      plan: (v) => { const w = who(v); return [{ service: 'identity', method: 'PUT', path: `${base}/${w.kind}/${w.id}/roles/${str(v.role)}`, cli: `openstack role add --project ${projectId} --${w.flag} ${w.id} ${str(v.role)}` }]; },
      run: (s, v) => { const w = who(v); return call(s, 'identity', 'PUT', `${base}/${w.kind}/${w.id}/roles/${str(v.role)}`); },
    },
    remove: {
      label: 'member.remove', danger: true, fields: [],
      plan: (_v, r) => [{ service: 'identity', method: 'DELETE', path: `${base}/${r?.kind}s/${r?.id}/roles/${r?.role.id}`, cli: `openstack role remove --project ${projectId} --${r?.kind} ${r?.id} ${q(r?.role.name ?? '')}` }],
      run: (s, _v, r) => call(s, 'identity', 'DELETE', `${base}/${r!.kind}s/${r!.id}/roles/${r!.role.id}`),
    },
  };
}

export const adminProjectsPanel: ResourceSpec<Row> = {
  ...projectsPanel,
  columns: [projectsPanel.columns[0]!, projectsPanel.columns[1]!, { label: 'field.enabled', value: (r) => yes(r.enabled !== false) }],
  link: (r) => `/identity/projects/${r.id}/members?name=${encodeURIComponent(r.name)}`,
  actions: [projectQuotas, {
    label: 'project.edit', fields: [{ name: 'name', label: 'field.name', kind: 'text', required: true }, { name: 'description', label: 'field.description', kind: 'text' }, { name: 'enabled', label: 'field.enabled', kind: 'checkbox' }],
    start: (_s, r) => ({ name: r?.name ?? '', description: r?.description ?? '', enabled: r?.enabled !== false }),
    plan: (v, r) => [{ service: 'identity', method: 'PATCH', path: `/v3/projects/${r?.id}`, body: { project: { name: str(v.name), description: str(v.description), enabled: v.enabled === true } }, cli: `openstack project set --name ${q(str(v.name))} --description ${q(str(v.description))} --${v.enabled ? 'enable' : 'disable'} ${r?.id}` }],
    run: (s, v, r) => call(s, 'identity', 'PATCH', `/v3/projects/${r!.id}`, { project: { name: str(v.name), description: str(v.description), enabled: v.enabled === true } }),
  }],
};

// Identity → Users: an admin sets a password (PATCH), enables and disables.
const userPatch = (label: 'user.enable' | 'user.disable', enabled: boolean): Form<Row> => ({
  label, when: (r) => (r.enabled !== false) !== enabled, fields: [],
  plan: (_v, r) => [{ service: 'identity', method: 'PATCH', path: `/v3/users/${r?.id}`, body: { user: { enabled } }, cli: `openstack user set --${enabled ? 'enable' : 'disable'} ${q(r?.name ?? '')}` }],
  run: (s, _v, r) => call(s, 'identity', 'PATCH', `/v3/users/${r!.id}`, { user: { enabled } }),
});
export const adminUsersPanel: ResourceSpec<Row> = {
  ...usersPanel,
  columns: [usersPanel.columns[0]!, usersPanel.columns[1]!, { label: 'field.enabled', value: (r) => yes(r.enabled !== false) }],
  actions: [{
    label: 'user.setPassword', fields: [{ name: 'password', label: 'field.newPassword', kind: 'password', required: true }, { name: 'confirm', label: 'field.confirmPassword', kind: 'password', required: true }],
    validate: (v) => (str(v.confirm) && str(v.password) !== str(v.confirm) ? { confirm: 'password.mismatch' } : {}),
    plan: (_v, r) => [{ service: 'identity', method: 'PATCH', path: `/v3/users/${r?.id}`, body: { user: { password: '***' } }, cli: `openstack user set --password '***' ${q(r?.name ?? '')}` }],
    run: (s, v, r) => call(s, 'identity', 'PATCH', `/v3/users/${r!.id}`, { user: { password: str(v.password) } }),
  }, userPatch('user.disable', false), userPatch('user.enable', true)],
};

// Application credentials are the user's own: any role may make them (Keystone's owner rule).
export const ownAppCredentialsPanel: ResourceSpec<Row> = { ...appCredentialsPanel, canChange: () => true };

export const ADMIN_PANELS: ResourceSpec<Row>[] = [hypervisorsPanel, adminAggregatesPanel, zonesPanel, allInstancesPanel, flavorsPanel, adminImagesPanel, allVolumesPanel, adminVolumeTypesPanel,
  adminNetworksPanel, adminRoutersPanel, adminFloatingIpsPanel, adminDefaultsPanel];
export const IDENTITY_PANELS: ResourceSpec<Row>[] = [domainsPanel, adminProjectsPanel, adminUsersPanel, groupsPanel, rolesPanel, ownAppCredentialsPanel];
