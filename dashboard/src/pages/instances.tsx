// Instances: the launch wizard (details, source image/volume/snapshot, flavor with what fits the
// quota, networks and ports, security groups and key pair, user data and metadata, server group)
// and every action Horizon's row menu has, each offered only where Nova's state table and the
// user's roles allow it (logic/servers.ts), each with its REST call and CLI line. Server groups.
import { call } from '../api/client';
import type { Session } from '../api/session';
import { list, q, str, type Field, type Form, type Key, type Option, type Planned, type ResourceSpec } from '../components/resource';
import { bySource, groupChanges, launchCli, onVolume, serverBody, validateLaunch } from '../logic/launch';
import { canChange, flavorShortfall, serverActionAllowed, type ComputeLimits, type ServerActionId } from '../logic/servers';
import { busy, del, images, keypairs, nameField, networks, status, type Row } from './common';

const project = (s: Session) => canChange(s.roles);
const allowed = (id: ServerActionId) => (r: Row, s: Session) => serverActionAllowed(id, r, s.roles);

/** An action of POST /servers/{id}/action with a fixed body. */
function simple(id: ServerActionId, label: Key, body: Row, cli: string, extra: Partial<Form<Row>> = {}): Form<Row> {
  return {
    label, when: allowed(id), fields: [], ...extra,
    plan: (_v, r) => [{ service: 'compute', method: 'POST', path: `/servers/${r?.id}/action`, body, cli: `openstack server ${cli} ${q(r?.name ?? '')}` }],
    run: (s, _v, r) => call(s, 'compute', 'POST', `/servers/${r!.id}/action`, body),
  };
}

/** The flavors, each marked with what the project's quota lacks for it (those that do not fit cannot be chosen). */
export async function flavorOptions(s: Session, current?: { id?: string; original_name?: string }): Promise<Option[]> {
  const [fl, limits] = await Promise.all([call(s, 'compute', 'GET', '/flavors/detail'), call(s, 'compute', 'GET', '/limits').catch(() => undefined)]);
  const l = limits?.limits?.absolute as ComputeLimits | undefined;
  // NOTE: from 2.47 a server names its flavor (original_name) rather than giving its id.
  return (fl.flavors as Row[]).filter((f) => !current || (f.id !== current.id && f.name !== current.original_name)).map((f) => {
    const short = l ? flavorShortfall(f as { vcpus: number; ram: number; disk: number }, l) : [];
    return { value: f.id, label: `${f.name} (${f.vcpus} vCPU, ${f.ram} MB, ${f.disk} GB)`, notes: short.map((x): Key => `quota.${x}`), disabled: short.length > 0 };
  });
}

const volumeOptions = async (s: Session, which: 'bootable' | 'available'): Promise<Option[]> =>
  ((await call(s, 'block-storage', 'GET', '/volumes/detail?status=available')).volumes as Row[])
    .filter((v) => which === 'available' || v.bootable === 'true')
    .map((v) => ({ value: v.id, label: `${v.name || v.id} (${v.size} GiB)` }));
const snapshotOptions = async (s: Session): Promise<Option[]> =>
  ((await call(s, 'block-storage', 'GET', '/snapshots/detail?status=available')).snapshots as Row[]).map((x) => ({ value: x.id, label: `${x.name || x.id} (${x.size} GiB)` }));
const serverGroupOptions = async (s: Session): Promise<Option[]> =>
  ((await call(s, 'compute', 'GET', '/os-server-groups')).server_groups as Row[]).map((g) => ({ value: g.id, label: `${g.name} (${g.policy ?? g.policies?.[0] ?? ''})` }));
const freePorts = async (s: Session): Promise<Option[]> =>
  ((await call(s, 'network', 'GET', `/v2.0/ports?device_owner=&project_id=${s.project.id}`)).ports as Row[])
    .filter((p) => !p.device_id).map((p) => ({ value: p.id, label: `${p.name || p.id.slice(0, 8)} (${p.fixed_ips?.map((i: Row) => i.ip_address).join(', ') ?? ''})` }));
const groupOptions = async (s: Session, server?: Row): Promise<Option[]> => {
  const has = new Set(((server?.security_groups ?? []) as Row[]).map((g) => g.name));
  return ((await call(s, 'network', 'GET', `/v2.0/security-groups?project_id=${s.project.id}`)).security_groups as Row[])
    .map((g) => ({ value: g.name, label: g.name, selected: server ? has.has(g.name) : g.name === 'default' }));
};

// The launch wizard

const launchFields: Field[] = [
  { ...nameField, section: 'launch.details' },
  { name: 'count', label: 'field.count', kind: 'number', initial: '1' },
  { name: 'source', label: 'field.bootSource', kind: 'select', initial: 'image', section: 'launch.source', required: true,
    options: async () => [{ value: 'image', label: 'image', labelKey: 'source.image' }, { value: 'volume', label: 'volume', labelKey: 'source.volume' }, { value: 'snapshot', label: 'snapshot', labelKey: 'source.snapshot' }] },
  { name: 'image', label: 'field.image', kind: 'select', required: true, options: images, show: bySource('image') },
  { name: 'new_volume', label: 'field.newVolume', kind: 'checkbox', show: bySource('image') },
  { name: 'boot_volume', label: 'field.volume', kind: 'select', required: true, options: (s) => volumeOptions(s, 'bootable'), show: bySource('volume') },
  { name: 'boot_snapshot', label: 'field.volumeSnapshot', kind: 'select', required: true, options: snapshotOptions, show: bySource('snapshot') },
  { name: 'volume_size', label: 'field.sizeGb', kind: 'number', initial: '1', required: true, show: (v) => onVolume(v) && !bySource('volume')(v) },
  { name: 'delete_on_termination', label: 'field.deleteOnTermination', kind: 'checkbox', show: onVolume },
  { name: 'flavor', label: 'field.flavor', kind: 'select', required: true, options: (s) => flavorOptions(s), section: 'launch.flavor', help: 'help.flavorQuota' },
  { name: 'network', label: 'field.network', kind: 'select', options: (s) => networks(s), section: 'launch.networks' },
  { name: 'ports', label: 'field.ports', kind: 'multi', options: freePorts },
  { name: 'secgroups', label: 'field.securityGroups', kind: 'multi', options: (s) => groupOptions(s), section: 'launch.access' },
  { name: 'key', label: 'field.keypair', kind: 'select', options: keypairs },
  { name: 'user_data', label: 'field.userData', kind: 'textarea', section: 'launch.config' },
  { name: 'metadata', label: 'field.metadata', kind: 'textarea', help: 'help.metadata' },
  { name: 'group', label: 'field.serverGroup', kind: 'select', options: serverGroupOptions, section: 'launch.serverGroup' },
];

const launch: Form = {
  label: 'server.launch', fields: launchFields, validate: validateLaunch,
  plan: (v) => [{ service: 'compute', method: 'POST', path: '/servers', body: serverBody(v), cli: launchCli(v) }],
  run: (s, v) => call(s, 'compute', 'POST', '/servers', serverBody(v)),
};

// The row menu

const consoleForm: Form<Row> = {
  label: 'server.console', when: allowed('console'), fields: [],
  plan: (_v, r) => [{ service: 'compute', method: 'POST', path: `/servers/${r?.id}/remote-consoles`, body: { remote_console: { protocol: 'vnc', type: 'novnc' } }, cli: `openstack console url show ${q(r?.name ?? '')}` }],
  run: async () => undefined,
  link: async (s, r) => (await call(s, 'compute', 'POST', `/servers/${r.id}/remote-consoles`, { remote_console: { protocol: 'vnc', type: 'novnc' } }, { headers: { 'OpenStack-API-Version': 'compute 2.6' } })).remote_console.url,
  // Where the hypervisor has no graphical console, the console log instead.
  view: async (s, r) => (await call(s, 'compute', 'POST', `/servers/${r.id}/action`, { 'os-getConsoleOutput': { length: 200 } })).output,
};

const logForm: Form<Row> = {
  label: 'server.consoleLog', when: allowed('log'), fields: [],
  plan: (_v, r) => [{ service: 'compute', method: 'POST', path: `/servers/${r?.id}/action`, body: { 'os-getConsoleOutput': { length: 200 } }, cli: `openstack console log show --lines 200 ${q(r?.name ?? '')}` }],
  run: async () => undefined,
  view: async (s, r) => (await call(s, 'compute', 'POST', `/servers/${r.id}/action`, { 'os-getConsoleOutput': { length: 200 } })).output,
};

const resize: Form<Row> = {
  label: 'server.resize', when: allowed('resize'),
  fields: [{ name: 'flavor', label: 'field.newFlavor', kind: 'select', required: true, options: (s, r) => flavorOptions(s, r?.flavor), help: 'help.flavorQuota' }],
  plan: (v, r) => [{ service: 'compute', method: 'POST', path: `/servers/${r?.id}/action`, body: { resize: { flavorRef: str(v.flavor) } }, cli: `openstack server resize --flavor ${str(v.flavor)} ${q(r?.name ?? '')}` }],
  run: (s, v, r) => call(s, 'compute', 'POST', `/servers/${r!.id}/action`, { resize: { flavorRef: str(v.flavor) } }),
};

const snapshot: Form<Row> = {
  label: 'server.snapshot', when: allowed('snapshot'), fields: [{ ...nameField, label: 'field.snapshotName' }],
  plan: (v, r) => [{ service: 'compute', method: 'POST', path: `/servers/${r?.id}/action`, body: { createImage: { name: str(v.name) } }, cli: `openstack server image create --name ${q(str(v.name))} ${q(r?.name ?? '')}` }],
  run: (s, v, r) => call(s, 'compute', 'POST', `/servers/${r!.id}/action`, { createImage: { name: str(v.name) } }),
};

const attachVolume: Form<Row> = {
  label: 'server.attachVolume', when: allowed('attachVolume'),
  fields: [{ name: 'volume', label: 'field.volume', kind: 'select', required: true, options: (s) => volumeOptions(s, 'available') }],
  plan: (v, r) => [{ service: 'compute', method: 'POST', path: `/servers/${r?.id}/os-volume_attachments`, body: { volumeAttachment: { volumeId: str(v.volume) } }, cli: `openstack server add volume ${q(r?.name ?? '')} ${str(v.volume)}` }],
  run: (s, v, r) => call(s, 'compute', 'POST', `/servers/${r!.id}/os-volume_attachments`, { volumeAttachment: { volumeId: str(v.volume) } }),
};

const detachVolume: Form<Row> = {
  label: 'server.detachVolume', when: allowed('detachVolume'),
  fields: [{ name: 'volume', label: 'field.volume', kind: 'select', required: true, options: async (s, r) => {
    const attached = ((r?.['os-extended-volumes:volumes_attached'] ?? []) as Row[]).map((a) => a.id as string);
    const names = new Map(((await call(s, 'block-storage', 'GET', '/volumes').catch(() => ({ volumes: [] }))).volumes as Row[]).map((v) => [v.id, v.name]));
    return attached.map((id) => ({ value: id, label: names.get(id) || id }));
  } }],
  plan: (v, r) => [{ service: 'compute', method: 'DELETE', path: `/servers/${r?.id}/os-volume_attachments/${str(v.volume)}`, cli: `openstack server remove volume ${q(r?.name ?? '')} ${str(v.volume)}` }],
  run: (s, v, r) => call(s, 'compute', 'DELETE', `/servers/${r!.id}/os-volume_attachments/${str(v.volume)}`),
};

const attachInterface: Form<Row> = {
  label: 'server.attachInterface', when: allowed('attachInterface'), validate: (v) => (v.network && v.port ? { port: 'interface.oneOf' } : {}),
  fields: [{ name: 'network', label: 'field.network', kind: 'select', options: (s) => networks(s) }, { name: 'port', label: 'field.port', kind: 'select', options: async (s) => freePorts(s), help: 'help.interface' }],
  plan: (v, r) => [{ service: 'compute', method: 'POST', path: `/servers/${r?.id}/os-interface`, body: { interfaceAttachment: v.port ? { port_id: str(v.port) } : { net_id: str(v.network) } },
    cli: v.port ? `openstack server add port ${q(r?.name ?? '')} ${str(v.port)}` : `openstack server add network ${q(r?.name ?? '')} ${str(v.network)}` }],
  run: (s, v, r) => call(s, 'compute', 'POST', `/servers/${r!.id}/os-interface`, { interfaceAttachment: v.port ? { port_id: str(v.port) } : { net_id: str(v.network) } }),
};

const serverPorts = async (s: Session, r?: Row): Promise<Option[]> =>
  ((await call(s, 'compute', 'GET', `/servers/${r?.id}/os-interface`)).interfaceAttachments as Row[])
    .map((i) => ({ value: i.port_id, label: `${(i.fixed_ips as Row[]).map((f) => f.ip_address).join(', ')} (${i.port_id.slice(0, 8)})` }));

const detachInterface: Form<Row> = {
  label: 'server.detachInterface', when: allowed('detachInterface'),
  fields: [{ name: 'port', label: 'field.port', kind: 'select', required: true, options: serverPorts }],
  plan: (v, r) => [{ service: 'compute', method: 'DELETE', path: `/servers/${r?.id}/os-interface/${str(v.port)}`, cli: `openstack server remove port ${q(r?.name ?? '')} ${str(v.port)}` }],
  run: (s, v, r) => call(s, 'compute', 'DELETE', `/servers/${r!.id}/os-interface/${str(v.port)}`),
};

const associateFip: Form<Row> = {
  label: 'server.associateFip', when: allowed('associateFip'),
  fields: [
    { name: 'fip', label: 'field.floatingIp', kind: 'select', required: true, options: async (s) => ((await call(s, 'network', 'GET', `/v2.0/floatingips?project_id=${s.project.id}`)).floatingips as Row[]).filter((f) => !f.port_id).map((f) => ({ value: f.id, label: f.floating_ip_address })) },
    { name: 'port', label: 'field.port', kind: 'select', required: true, options: serverPorts },
  ],
  plan: (v, r) => [{ service: 'network', method: 'PUT', path: `/v2.0/floatingips/${str(v.fip)}`, body: { floatingip: { port_id: str(v.port) } }, cli: `openstack floating ip set --port ${str(v.port)} ${str(v.fip)}  # ${r?.name ?? ''}` }],
  run: (s, v) => call(s, 'network', 'PUT', `/v2.0/floatingips/${str(v.fip)}`, { floatingip: { port_id: str(v.port) } }),
};

const disassociateFip: Form<Row> = {
  label: 'server.disassociateFip', when: allowed('disassociateFip'),
  fields: [{ name: 'fip', label: 'field.floatingIp', kind: 'select', required: true, options: async (s, r) => {
    const mine = new Set(Object.values((r?.addresses ?? {}) as Record<string, Row[]>).flat().filter((a) => a['OS-EXT-IPS:type'] === 'floating').map((a) => a.addr));
    return ((await call(s, 'network', 'GET', `/v2.0/floatingips?project_id=${s.project.id}`)).floatingips as Row[]).filter((f) => mine.has(f.floating_ip_address)).map((f) => ({ value: f.id, label: f.floating_ip_address }));
  } }],
  plan: (v, r) => [{ service: 'network', method: 'PUT', path: `/v2.0/floatingips/${str(v.fip)}`, body: { floatingip: { port_id: null } }, cli: `openstack floating ip unset --port ${str(v.fip)}  # ${r?.name ?? ''}` }],
  run: (s, v) => call(s, 'network', 'PUT', `/v2.0/floatingips/${str(v.fip)}`, { floatingip: { port_id: null } }),
};

const securityGroups: Form<Row> = {
  label: 'server.securityGroups', when: allowed('securityGroups'),
  fields: [{ name: 'groups', label: 'field.securityGroups', kind: 'multi', options: groupOptions }],
  plan: (v, r) => {
    const { add, remove } = groupChanges(r, list(v.groups));
    return [
      ...add.map((name): Planned => ({ service: 'compute', method: 'POST', path: `/servers/${r?.id}/action`, body: { addSecurityGroup: { name } }, cli: `openstack server add security group ${q(r?.name ?? '')} ${q(name)}` })),
      ...remove.map((name): Planned => ({ service: 'compute', method: 'POST', path: `/servers/${r?.id}/action`, body: { removeSecurityGroup: { name } }, cli: `openstack server remove security group ${q(r?.name ?? '')} ${q(name)}` })),
    ];
  },
  run: async (s, v, r) => {
    const { add, remove } = groupChanges(r, list(v.groups));
    for (const name of add) await call(s, 'compute', 'POST', `/servers/${r!.id}/action`, { addSecurityGroup: { name } });
    for (const name of remove) await call(s, 'compute', 'POST', `/servers/${r!.id}/action`, { removeSecurityGroup: { name } });
  },
};

const rescue: Form<Row> = {
  label: 'server.rescue', when: allowed('rescue'), description: 'server.rescueHelp',
  fields: [{ name: 'image', label: 'field.rescueImage', kind: 'select', options: images }],
  plan: (v, r) => [{ service: 'compute', method: 'POST', path: `/servers/${r?.id}/action`, body: { rescue: v.image ? { rescue_image_ref: str(v.image) } : null }, cli: `openstack server rescue${v.image ? ` --image ${str(v.image)}` : ''} ${q(r?.name ?? '')}` }],
  run: (s, v, r) => call(s, 'compute', 'POST', `/servers/${r!.id}/action`, { rescue: v.image ? { rescue_image_ref: str(v.image) } : null }),
};

const edit: Form<Row> = {
  label: 'server.edit', when: allowed('edit'),
  fields: [{ ...nameField, initialOf: (r) => r.name }, { name: 'description', label: 'field.description', kind: 'text', initialOf: (r) => r.description ?? '' }],
  plan: (v, r) => [{ service: 'compute', method: 'PUT', path: `/servers/${r?.id}`, body: { server: { name: str(v.name), description: str(v.description) } },
    cli: `openstack server set --name ${q(str(v.name))} --description ${q(str(v.description))} ${q(r?.name ?? '')}` }],
  run: (s, v, r) => call(s, 'compute', 'PUT', `/servers/${r!.id}`, { server: { name: str(v.name), description: str(v.description) } }),
};

const rebuild: Form<Row> = {
  label: 'server.rebuild', when: allowed('rebuild'), danger: true, description: 'server.rebuildHelp',
  fields: [{ name: 'image', label: 'field.image', kind: 'select', required: true, options: images }],
  plan: (v, r) => [{ service: 'compute', method: 'POST', path: `/servers/${r?.id}/action`, body: { rebuild: { imageRef: str(v.image) } }, cli: `openstack server rebuild --image ${str(v.image)} ${q(r?.name ?? '')}` }],
  run: (s, v, r) => call(s, 'compute', 'POST', `/servers/${r!.id}/action`, { rebuild: { imageRef: str(v.image) } }),
};

export const SERVER_ACTIONS: Form<Row>[] = [
  consoleForm, logForm,
  simple('start', 'server.start', { 'os-start': null }, 'start'),
  simple('stop', 'server.stop', { 'os-stop': null }, 'stop'),
  simple('rebootSoft', 'server.reboot', { reboot: { type: 'SOFT' } }, 'reboot'),
  simple('rebootHard', 'server.rebootHard', { reboot: { type: 'HARD' } }, 'reboot --hard', { danger: true, description: 'server.rebootHardHelp' }),
  resize,
  simple('confirmResize', 'server.confirmResize', { confirmResize: null }, 'resize confirm'),
  simple('revertResize', 'server.revertResize', { revertResize: null }, 'resize revert'),
  snapshot, attachVolume, detachVolume, attachInterface, detachInterface, associateFip, disassociateFip, securityGroups,
  simple('lock', 'server.lock', { lock: null }, 'lock'),
  simple('unlock', 'server.unlock', { unlock: null }, 'unlock'),
  rescue,
  simple('unrescue', 'server.unrescue', { unrescue: null }, 'unrescue'),
  simple('shelve', 'server.shelve', { shelve: null }, 'shelve'),
  simple('unshelve', 'server.unshelve', { unshelve: null }, 'unshelve'),
  simple('pause', 'server.pause', { pause: null }, 'pause'),
  simple('unpause', 'server.unpause', { unpause: null }, 'unpause'),
  simple('suspend', 'server.suspend', { suspend: null }, 'suspend'),
  simple('resume', 'server.resume', { resume: null }, 'resume'),
  edit, rebuild,
];

export const instancesPanel: ResourceSpec<Row> = {
  id: 'project/instances', title: 'nav.instances', service: 'compute', canChange: project,
  list: async (s) => (await call(s, 'compute', 'GET', '/servers/detail')).servers, key: (r) => r.id, name: (r) => r.name,
  busy: (r) => busy(r.status) || !!r['OS-EXT-STS:task_state'],
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.status', value: (r) => <>{status(r.status)}{r.locked ? ' 🔒' : ''}</> },
    { label: 'field.addresses', value: (r) => Object.values(r.addresses ?? {}).flat().map((a: any) => a.addr).join(', ') },
    { label: 'field.flavor', value: (r) => r.flavor?.original_name ?? r.flavor?.id ?? '' }, { label: 'field.created', value: (r, f) => f.date(r.created) }],
  create: launch,
  actions: SERVER_ACTIONS,
  remove: { ...del('compute', (r) => `/servers/${r.id}`, (r) => `openstack server delete ${q(r.name)}`), when: allowed('delete') },
};

// Server groups

const POLICIES = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'];

export const serverGroupsPanel: ResourceSpec<Row> = {
  id: 'project/server-groups', title: 'nav.serverGroups', service: 'compute', canChange: project,
  list: async (s) => {
    const [groups, servers] = await Promise.all([call(s, 'compute', 'GET', '/os-server-groups'), call(s, 'compute', 'GET', '/servers').catch(() => ({ servers: [] }))]);
    const names = new Map((servers.servers as Row[]).map((v) => [v.id, v.name]));
    return (groups.server_groups as Row[]).map((g) => ({ ...g, member_names: (g.members as string[]).map((id) => names.get(id) ?? id) }));
  },
  key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.policy', value: (r) => r.policy ?? r.policies?.[0] ?? '' },
    { label: 'field.members', value: (r) => (r.member_names as string[]).join(', ') }],
  create: {
    label: 'serverGroup.create',
    fields: [nameField, { name: 'policy', label: 'field.policy', kind: 'select', required: true, initial: 'anti-affinity', options: async () => POLICIES.map((p) => ({ value: p, label: p })) }],
    plan: (v) => [{ service: 'compute', method: 'POST', path: '/os-server-groups', body: { server_group: { name: str(v.name), policy: str(v.policy) } }, cli: `openstack server group create --policy ${str(v.policy)} ${q(str(v.name))}` }],
    run: (s, v) => call(s, 'compute', 'POST', '/os-server-groups', { server_group: { name: str(v.name), policy: str(v.policy) } }),
  },
  remove: del('compute', (r) => `/os-server-groups/${r.id}`, (r) => `openstack server group delete ${q(r.name)}`),
};
