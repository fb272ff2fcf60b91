// Images (upload with progress, edit, share with members), volumes (blank, from an image or a
// snapshot; extend, attach, snapshot, back up), volume snapshots, backups and types, and the
// object store (containers with their public access toggle, folders by delimiter, upload with
// progress, download) — each form with its REST calls and CLI line.
import { call, upload, urlOf } from '../api/client';
import type { Session } from '../api/session';
import { q, str, type Form, type Planned, type ResourceSpec, type Values } from '../components/resource';
import { canChange, sizeError } from '../logic/servers';
import { imagePatch, isPublicAcl, projectIdError, volumeBody } from '../logic/storage';
import { busy, del, images, nameField, servers, status, type Row } from './common';

const project = (s: Session) => canChange(s.roles);
const owns = (r: Row, s: Session) => r.owner === s.project.id || s.roles.includes('admin');

// Images

const IMAGE_PATCH = { 'Content-Type': 'application/openstack-images-v2.1-json-patch' };

const imageCli = (r: Row | undefined, v: Values) => {
  const p = imagePatch(r ?? {}, v);
  const flags = p.map((x) => x.path === '/name' ? `--name ${q(String(x.value))}` : x.path === '/visibility' ? `--${x.value}` : x.path === '/protected' ? (x.value ? '--protected' : '--unprotected') : `--${x.path.slice(1).replace('_', '-')} ${x.value}`);
  return `openstack image set ${flags.join(' ')} ${r?.id ?? ''}`;
};

const editImage: Form<Row> = {
  label: 'image.edit', when: owns,
  fields: [
    { ...nameField, initialOf: (r) => r.name ?? '' },
    { name: 'visibility', label: 'field.visibility', kind: 'select', initialOf: (r) => r.visibility, options: async () => ['private', 'shared', 'community', 'public'].map((x) => ({ value: x, label: x })) },
    { name: 'min_disk', label: 'field.minDisk', kind: 'number', initialOf: (r) => String(r.min_disk ?? 0) },
    { name: 'min_ram', label: 'field.minRam', kind: 'number', initialOf: (r) => String(r.min_ram ?? 0) },
    { name: 'protected', label: 'field.protected', kind: 'checkbox', initialOf: (r) => !!r.protected },
  ],
  validate: (v) => ({ ...(str(v.min_disk) && !/^\d+$/.test(str(v.min_disk)) ? { min_disk: 'size.whole' as const } : {}), ...(str(v.min_ram) && !/^\d+$/.test(str(v.min_ram)) ? { min_ram: 'size.whole' as const } : {}) }),
  plan: (v, r) => [{ service: 'image', method: 'PATCH', path: `/v2/images/${r?.id}`, body: imagePatch(r ?? {}, v), cli: imageCli(r, v) }],
  run: (s, v, r) => call(s, 'image', 'PATCH', `/v2/images/${r!.id}`, imagePatch(r!, v), { headers: IMAGE_PATCH }),
};

const imageMembers = async (s: Session, r?: Row) => ((await call(s, 'image', 'GET', `/v2/images/${r?.id}/members`)).members as Row[]);

/** Sharing with a project: the image becomes `shared` (where it is not yet), then the project a member. */
function shareCalls(r: Row | undefined, v: Values): Planned[] {
  const id = r?.id ?? '';
  const add = str(v.project).trim();
  return [
    ...(r?.visibility !== 'shared' ? [{ service: 'image', method: 'PATCH', path: `/v2/images/${id}`, body: [{ op: 'replace', path: '/visibility', value: 'shared' }], cli: `openstack image set --shared ${id}` }] : []),
    { service: 'image', method: 'POST', path: `/v2/images/${id}/members`, body: { member: add }, cli: `openstack image add project ${id} ${add}` },
  ];
}

const shareImage: Form<Row> = {
  label: 'image.share', when: (r, s) => owns(r, s) && r.visibility !== 'public' && r.visibility !== 'community', description: 'image.membersHelp',
  fields: [
    { name: 'members', label: 'field.members', kind: 'multi', options: async (s, r) => (await imageMembers(s, r)).map((m) => ({ value: m.member_id, label: `${m.member_id} (${m.status})`, disabled: true, selected: true })) },
    { name: 'project', label: 'field.addProject', kind: 'text', required: true, help: 'help.projectId' },
  ],
  validate: (v) => { const e = projectIdError(str(v.project)); return e ? { project: e } : {}; },
  plan: (v, r) => shareCalls(r, v),
  run: async (s, v, r) => { for (const c of shareCalls(r, v)) await call(s, 'image', c.method, c.path, c.body, c.method === 'PATCH' ? { headers: IMAGE_PATCH } : {}); },
};

const unshareImage: Form<Row> = {
  label: 'image.unshare', when: (r, s) => owns(r, s) && r.visibility === 'shared',
  fields: [{ name: 'member', label: 'field.member', kind: 'select', required: true, options: async (s, r) => (await imageMembers(s, r)).map((m) => ({ value: m.member_id, label: `${m.member_id} (${m.status})` })) }],
  plan: (v, r) => [{ service: 'image', method: 'DELETE', path: `/v2/images/${r?.id}/members/${str(v.member)}`, cli: `openstack image remove project ${r?.id} ${str(v.member)}` }],
  run: (s, v, r) => call(s, 'image', 'DELETE', `/v2/images/${r!.id}/members/${str(v.member)}`),
};

export const imagesPanel: ResourceSpec<Row> = {
  id: 'project/images', title: 'nav.images', service: 'image', canChange: project,
  list: async (s) => (await call(s, 'image', 'GET', '/v2/images')).images, key: (r) => r.id, name: (r) => r.name ?? r.id,
  busy: (r) => busy(r.status),
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.status', value: (r) => status(r.status) }, { label: 'field.visibility', value: (r) => r.visibility },
    { label: 'field.format', value: (r) => r.disk_format ?? '' }, { label: 'field.size', value: (r, f) => (r.size ? f.num(r.size) : '') }],
  create: {
    label: 'image.create', fields: [nameField, { name: 'file', label: 'field.file', kind: 'file', required: true }, { name: 'format', label: 'field.format', kind: 'select', initial: 'qcow2', options: async () => ['qcow2', 'raw', 'iso', 'vmdk', 'vdi'].map((f) => ({ value: f, label: f })) }, { name: 'public', label: 'field.public', kind: 'checkbox' }],
    plan: (v) => [
      { service: 'image', method: 'POST', path: '/v2/images', body: { name: str(v.name), disk_format: str(v.format) || 'qcow2', container_format: 'bare', visibility: v.public ? 'public' : 'private' }, cli: `openstack image create --disk-format ${str(v.format) || 'qcow2'} --file ${q(v.file instanceof File ? v.file.name : 'FILE')}${v.public ? ' --public' : ''} ${q(str(v.name))}` },
      { service: 'image', method: 'PUT', path: '/v2/images/<image-id>/file' },
    ],
    run: async (s, v, _r, progress) => {
      const image = await call(s, 'image', 'POST', '/v2/images', { name: str(v.name), disk_format: str(v.format) || 'qcow2', container_format: 'bare', visibility: v.public ? 'public' : 'private' });
      await upload(s, 'image', 'PUT', `/v2/images/${image.id}/file`, v.file as File, { 'Content-Type': 'application/octet-stream' }, progress ?? (() => undefined));
    },
  },
  actions: [editImage, shareImage, unshareImage],
  remove: { ...del('image', (r) => `/v2/images/${r.id}`, (r) => `openstack image delete ${r.id}`), when: (r, s) => owns(r, s) && !r.protected },
};

// Volumes

const volumeTypes = async (s: Session) => ((await call(s, 'block-storage', 'GET', '/types')).volume_types as Row[]).map((t) => ({ value: t.name, label: t.name }));
const volumeSnapshots = async (s: Session) => ((await call(s, 'block-storage', 'GET', '/snapshots/detail?status=available')).snapshots as Row[]).map((x) => ({ value: x.id, label: `${x.name || x.id} (${x.size} GiB)` }));

const volumeCli = (v: Values) => {
  const src = str(v.source) || 'blank';
  return `openstack volume create --size ${str(v.size)}${v.type ? ` --type ${q(str(v.type))}` : ''}${src === 'image' && v.image ? ` --image ${str(v.image)}` : ''}${src === 'snapshot' && v.snapshot ? ` --snapshot ${str(v.snapshot)}` : ''} ${q(str(v.name))}`;
};

const createVolume: Form = {
  label: 'volume.create',
  fields: [nameField, { name: 'description', label: 'field.description', kind: 'text' },
    { name: 'source', label: 'field.volumeSource', kind: 'select', initial: 'blank', options: async () => [{ value: 'blank', label: 'blank', labelKey: 'source.blank' }, { value: 'image', label: 'image', labelKey: 'source.image' }, { value: 'snapshot', label: 'snapshot', labelKey: 'source.snapshot' }] },
    { name: 'image', label: 'field.image', kind: 'select', required: true, options: images, show: (v) => str(v.source) === 'image' },
    { name: 'snapshot', label: 'field.volumeSnapshot', kind: 'select', required: true, options: volumeSnapshots, show: (v) => str(v.source) === 'snapshot' },
    { name: 'type', label: 'field.volumeType', kind: 'select', options: volumeTypes },
    { name: 'size', label: 'field.sizeGb', kind: 'number', required: true, initial: '1' }],
  validate: (v) => { const e = sizeError(str(v.size)); return e ? { size: e } : {}; },
  plan: (v) => [{ service: 'block-storage', method: 'POST', path: '/volumes', body: volumeBody(v), cli: volumeCli(v) }],
  run: (s, v) => call(s, 'block-storage', 'POST', '/volumes', volumeBody(v)),
};

const vname = (r?: Row) => q(r?.name || r?.id || '');

export const volumesPanel: ResourceSpec<Row> = {
  id: 'project/volumes', title: 'nav.volumes', service: 'block-storage', canChange: project,
  list: async (s) => (await call(s, 'block-storage', 'GET', '/volumes/detail')).volumes, key: (r) => r.id, name: (r) => r.name ?? r.id,
  busy: (r) => busy(r.status),
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.size', value: (r) => `${r.size} GiB` }, { label: 'field.status', value: (r) => status(r.status) },
    { label: 'field.type', value: (r) => r.volume_type ?? '' },
    { label: 'field.attachedTo', value: (r) => (r.attachments ?? []).map((a: Row) => `${a.server_id.slice(0, 8)} ${a.device ?? ''}`).join(', ') }],
  create: createVolume,
  actions: [{
    label: 'volume.snapshot', when: (r) => r.status === 'available' || r.status === 'in-use', fields: [nameField],
    plan: (v, r) => [{ service: 'block-storage', method: 'POST', path: '/snapshots', body: { snapshot: { volume_id: r?.id, name: str(v.name), force: r?.status === 'in-use' } }, cli: `openstack volume snapshot create --volume ${vname(r)}${r?.status === 'in-use' ? ' --force' : ''} ${q(str(v.name))}` }],
    run: (s, v, r) => call(s, 'block-storage', 'POST', '/snapshots', { snapshot: { volume_id: r!.id, name: str(v.name), force: r!.status === 'in-use' } }),
  }, {
    label: 'volume.attach', when: (r) => r.status === 'available', fields: [{ name: 'server', label: 'field.instance', kind: 'select', required: true, options: servers }],
    plan: (v, r) => [{ service: 'compute', method: 'POST', path: `/servers/${str(v.server)}/os-volume_attachments`, body: { volumeAttachment: { volumeId: r?.id } }, cli: `openstack server add volume ${str(v.server)} ${vname(r)}` }],
    run: (s, v, r) => call(s, 'compute', 'POST', `/servers/${str(v.server)}/os-volume_attachments`, { volumeAttachment: { volumeId: r!.id } }),
  }, {
    label: 'volume.detach', when: (r) => r.status === 'in-use' && (r.attachments ?? []).length > 0, fields: [],
    plan: (_v, r) => [{ service: 'compute', method: 'DELETE', path: `/servers/${r?.attachments?.[0]?.server_id}/os-volume_attachments/${r?.id}`, cli: `openstack server remove volume ${r?.attachments?.[0]?.server_id} ${vname(r)}` }],
    run: (s, _v, r) => call(s, 'compute', 'DELETE', `/servers/${r!.attachments[0].server_id}/os-volume_attachments/${r!.id}`),
  }, {
    label: 'volume.extend', when: (r) => r.status === 'available' || r.status === 'in-use',
    fields: [{ name: 'size', label: 'field.newSizeGb', kind: 'number', required: true, initialOf: (r) => String(r.size + 1) }],
    validate: (v, r) => { const e = sizeError(str(v.size), { above: r?.size ?? 0 }); return e ? { size: e } : {}; },
    plan: (v, r) => [{ service: 'block-storage', method: 'POST', path: `/volumes/${r?.id}/action`, body: { 'os-extend': { new_size: Number(v.size) } }, cli: `openstack volume set --size ${str(v.size)} ${vname(r)}` }],
    run: (s, v, r) => call(s, 'block-storage', 'POST', `/volumes/${r!.id}/action`, { 'os-extend': { new_size: Number(v.size) } }, { headers: { 'OpenStack-API-Version': 'volume 3.42' } }),
  }, {
    label: 'backup.create', when: (r) => r.status === 'available' || r.status === 'in-use', fields: [nameField, { name: 'incremental', label: 'field.incremental', kind: 'checkbox' }],
    plan: (v, r) => [{ service: 'block-storage', method: 'POST', path: '/backups', body: { backup: { volume_id: r?.id, name: str(v.name), incremental: v.incremental === true, force: r?.status === 'in-use' } },
      cli: `openstack volume backup create --name ${q(str(v.name))}${v.incremental ? ' --incremental' : ''}${r?.status === 'in-use' ? ' --force' : ''} ${vname(r)}` }],
    run: (s, v, r) => call(s, 'block-storage', 'POST', '/backups', { backup: { volume_id: r!.id, name: str(v.name), incremental: v.incremental === true, force: r!.status === 'in-use' } }),
  }],
  remove: { ...del('block-storage', (r) => `/volumes/${r.id}`, (r) => `openstack volume delete ${vname(r)}`), when: (r) => !['in-use', 'attaching', 'detaching'].includes(r.status) },
};

export const snapshotsPanel: ResourceSpec<Row> = {
  id: 'project/snapshots', title: 'nav.snapshots', service: 'block-storage', canChange: project,
  list: async (s) => (await call(s, 'block-storage', 'GET', '/snapshots/detail')).snapshots, key: (r) => r.id, name: (r) => r.name ?? r.id,
  busy: (r) => busy(r.status),
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.size', value: (r) => `${r.size} GiB` }, { label: 'field.status', value: (r) => status(r.status) }, { label: 'field.volume', value: (r) => r.volume_id }],
  actions: [{
    label: 'snapshot.createVolume', when: (r) => r.status === 'available', fields: [nameField, { name: 'size', label: 'field.sizeGb', kind: 'number', required: true, initialOf: (r) => String(r.size) }],
    validate: (v, r) => { const e = sizeError(str(v.size), { min: r?.size ?? 1 }); return e ? { size: e } : {}; },
    plan: (v, r) => [{ service: 'block-storage', method: 'POST', path: '/volumes', body: { volume: { name: str(v.name), size: Number(v.size), snapshot_id: r?.id } }, cli: `openstack volume create --snapshot ${r?.id} --size ${str(v.size)} ${q(str(v.name))}` }],
    run: (s, v, r) => call(s, 'block-storage', 'POST', '/volumes', { volume: { name: str(v.name), size: Number(v.size), snapshot_id: r!.id } }),
  }],
  remove: del('block-storage', (r) => `/snapshots/${r.id}`, (r) => `openstack volume snapshot delete ${q(r.name ?? r.id)}`),
};

export const backupsPanel: ResourceSpec<Row> = {
  id: 'project/backups', title: 'nav.backups', service: 'block-storage', canChange: project,
  list: async (s) => (await call(s, 'block-storage', 'GET', '/backups/detail')).backups, key: (r) => r.id, name: (r) => r.name ?? r.id,
  busy: (r) => busy(r.status),
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.size', value: (r) => `${r.size} GiB` }, { label: 'field.status', value: (r) => status(r.status) },
    { label: 'field.volume', value: (r) => r.volume_id }, { label: 'field.incremental', value: (r) => String(!!r.is_incremental) }, { label: 'field.created', value: (r, f) => f.date(r.created_at) }],
  actions: [{
    label: 'backup.restore', when: (r) => r.status === 'available', description: 'backup.restoreHelp',
    fields: [{ name: 'name', label: 'field.newVolumeName', kind: 'text' }],
    plan: (v, r) => [{ service: 'block-storage', method: 'POST', path: `/backups/${r?.id}/restore`, body: { restore: str(v.name) ? { name: str(v.name) } : {} }, cli: `openstack volume backup restore ${r?.id}${str(v.name) ? ` ${q(str(v.name))}` : ''}` }],
    run: (s, v, r) => call(s, 'block-storage', 'POST', `/backups/${r!.id}/restore`, { restore: str(v.name) ? { name: str(v.name) } : {} }),
  }],
  remove: { ...del('block-storage', (r) => `/backups/${r.id}`, (r) => `openstack volume backup delete ${r.id}`), when: (r) => r.status === 'available' || r.status === 'error' },
};

export const volumeTypesPanel: ResourceSpec<Row> = {
  id: 'project/volume-types', title: 'nav.volumeTypes', service: 'block-storage',
  list: async (s) => (await call(s, 'block-storage', 'GET', '/types')).volume_types, key: (r) => r.id, name: (r) => r.name,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.description', value: (r) => r.description ?? '' }, { label: 'field.public', value: (r) => String(r.is_public ?? r['os-volume-type-access:is_public'] ?? true) }],
};

// Object store

/** A container's headers (its read ACL), as HEAD answers them. */
async function headContainer(s: Session, name: string): Promise<Headers> {
  const r = await fetch(urlOf(s, 'object-store', `/${encodeURIComponent(name)}`), { method: 'HEAD', headers: { 'X-Auth-Token': s.token } });
  return r.headers;
}

const PUBLIC_ACL = '.r:*,.rlistings';

export const containersPanel: ResourceSpec<Row> = {
  id: 'project/containers', title: 'nav.containers', service: 'object-store', canChange: project,
  list: async (s) => {
    const rows = ((await call(s, 'object-store', 'GET', '?format=json')) ?? []) as Row[];
    return Promise.all(rows.map(async (c) => ({ ...c, public: isPublicAcl((await headContainer(s, c.name)).get('X-Container-Read')) })));
  },
  key: (r) => r.name, name: (r) => r.name,
  link: (r) => `/project/containers/${encodeURIComponent(r.name)}`,
  columns: [{ label: 'field.name', value: (r) => r.name }, { label: 'field.objects', value: (r, f) => f.num(r.count) }, { label: 'field.size', value: (r, f) => f.num(r.bytes) },
    { label: 'field.publicRead', value: (r) => (r.public ? '✓' : '') }],
  create: {
    label: 'container.create', fields: [nameField, { name: 'public', label: 'field.publicRead', kind: 'checkbox' }],
    plan: (v) => [{ service: 'object-store', method: 'PUT', path: `/${encodeURIComponent(str(v.name))}`, cli: `openstack container create ${q(str(v.name))}${v.public ? ` && swift post -r '${PUBLIC_ACL}' ${q(str(v.name))}` : ''}` }],
    run: (s, v) => call(s, 'object-store', 'PUT', `/${encodeURIComponent(str(v.name))}`, undefined, { headers: v.public ? { 'X-Container-Read': PUBLIC_ACL } : {} }),
  },
  actions: [{
    label: 'container.makePublic', when: (r) => !r.public, fields: [], description: 'container.publicHelp',
    plan: (_v, r) => [{ service: 'object-store', method: 'POST', path: `/${encodeURIComponent(r?.name ?? '')}`, cli: `swift post -r '${PUBLIC_ACL}' ${q(r?.name ?? '')}` }],
    run: (s, _v, r) => call(s, 'object-store', 'POST', `/${encodeURIComponent(r!.name)}`, undefined, { headers: { 'X-Container-Read': PUBLIC_ACL } }),
  }, {
    label: 'container.makePrivate', when: (r) => !!r.public, fields: [],
    plan: (_v, r) => [{ service: 'object-store', method: 'POST', path: `/${encodeURIComponent(r?.name ?? '')}`, cli: `swift post -r '' ${q(r?.name ?? '')}` }],
    run: (s, _v, r) => call(s, 'object-store', 'POST', `/${encodeURIComponent(r!.name)}`, undefined, { headers: { 'X-Remove-Container-Read': 'x' } }),
  }],
  remove: del('object-store', (r) => `/${encodeURIComponent(r.name)}`, (r) => `openstack container delete ${q(r.name)}`),
};

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** A container's objects under a folder (prefix ending in "/"): its subfolders first (by delimiter), then its objects. */
export function objectsPanel(container: string, prefix = ''): ResourceSpec<Row> {
  const base = `/${encodeURIComponent(container)}`;
  const here = (name: string) => `/project/containers/${encodeURIComponent(container)}${name ? `?prefix=${encodeURIComponent(name)}` : ''}`;
  const parent = prefix.split('/').slice(0, -2).join('/');
  return {
    id: `project/containers/${container}`, title: 'nav.objects', subtitle: `${container} / ${prefix}`, service: 'object-store', canChange: project,
    list: async (s) => {
      const rows = ((await call(s, 'object-store', 'GET', `${base}?format=json&delimiter=/${prefix ? `&prefix=${encodeURIComponent(prefix)}` : ''}`)) ?? []) as Row[];
      const entries = rows.filter((r) => r.name !== prefix).map((r) => (r.subdir ? { ...r, folder: r.subdir, label: `${r.subdir.slice(prefix.length)}` } : { ...r, label: r.name.slice(prefix.length) }));
      return prefix ? [{ folder: parent ? `${parent}/` : '', label: '../', up: true }, ...entries] : entries;
    },
    key: (r) => (r.up ? '..' : r.name ?? r.subdir), name: (r) => (r.up ? '..' : r.name ?? r.subdir),
    link: (r) => (r.folder !== undefined ? here(r.folder) : undefined),
    columns: [{ label: 'field.name', value: (r) => r.label }, { label: 'field.size', value: (r, f) => (r.folder !== undefined ? '' : f.num(r.bytes)) },
      { label: 'field.type', value: (r) => (r.folder !== undefined ? '' : r.content_type) }, { label: 'field.modified', value: (r, f) => f.date(r.last_modified) }],
    create: {
      label: 'object.upload', fields: [{ name: 'file', label: 'field.file', kind: 'file', required: true }, { name: 'name', label: 'field.objectName', kind: 'text', help: 'help.objectName' }],
      plan: (v) => {
        const name = str(v.name) || `${prefix}${v.file instanceof File ? v.file.name : 'FILE'}`;
        return [{ service: 'object-store', method: 'PUT', path: `${base}/${encodePath(name)}`, cli: `openstack object create --name ${q(name)} ${q(container)} ${q(v.file instanceof File ? v.file.name : 'FILE')}` }];
      },
      run: (s, v, _r, progress) => {
        const file = v.file as File;
        return upload(s, 'object-store', 'PUT', `${base}/${encodePath(str(v.name) || `${prefix}${file.name}`)}`, file, { 'Content-Type': file.type || 'application/octet-stream' }, progress ?? (() => undefined));
      },
    },
    actions: [{
      label: 'object.download', fields: [], when: (r) => r.folder === undefined,
      plan: (_v, r) => [{ service: 'object-store', method: 'GET', path: `${base}/${encodePath(r?.name ?? '')}`, cli: `openstack object save ${q(container)} ${q(r?.name ?? '')}` }],
      run: async (s, _v, r) => {
        const res = await fetch(urlOf(s, 'object-store', `${base}/${encodePath(r!.name)}`), { headers: { 'X-Auth-Token': s.token } });
        const a = document.createElement('a');
        a.href = URL.createObjectURL(await res.blob());
        a.download = r!.name.split('/').pop();
        a.click();
      },
    }],
    remove: { ...del('object-store', (r) => `${base}/${encodePath(r.name)}`, (r) => `openstack object delete ${q(container)} ${q(r.name)}`), when: (r) => r.folder === undefined },
    more: [folderForm(container, prefix)],
  };
}

/** A folder: an empty object whose name ends in "/" (as Horizon and the swift CLI make them). */
export function folderForm(container: string, prefix: string): Form {
  const base = `/${encodeURIComponent(container)}`;
  const path = (v: Values) => `${base}/${encodePath(`${prefix}${str(v.name).replace(/\/+$/, '')}/`)}`;
  return {
    label: 'object.createFolder', fields: [nameField],
    validate: (v) => (str(v.name).includes('/') && !/^[^/]+\/?$/.test(str(v.name)) ? { name: 'object.folderName' } : {}),
    plan: (v) => [{ service: 'object-store', method: 'PUT', path: path(v), cli: `openstack object create --name ${q(`${prefix}${str(v.name).replace(/\/+$/, '')}/`)} ${q(container)} /dev/null` }],
    run: (s, v) => call(s, 'object-store', 'PUT', path(v), undefined, { raw: '', headers: { 'Content-Type': 'application/directory' } }),
  };
}
