import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import type { Session } from '../../dashboard/src/api/session.js';

// NOTE: PatternFly's components require their CSS (Vite bundles it); in Node it is nothing.
(createRequire(import.meta.url)('module') as { _extensions: Record<string, () => void> })._extensions['.css'] = () => undefined;
// NOTE: by a computed path: the server's tsconfig (node16, no JSX) does not compile the dashboard's
// sources; `npx tsc -p dashboard` types them.
const dashboard = (path: string): Promise<any> => import(`../../dashboard/src/${path}`);
const {
  adminDefaultsPanel, adminFloatingIpsPanel, adminUsersPanel, adminVolumeTypesPanel, membersPanel, projectQuotas, specsOf,
} = await dashboard('pages/admin.tsx');
const { mayChange } = await dashboard('components/resource.ts');
const { imagePatch } = await dashboard('logic/storage.ts');
interface Planned { service: string; method: string; path: string; body?: unknown; cli?: string }

// The dashboard's admin and identity forms as data: the requests each plans (what the API drawer
// shows and what it sends) and the CLI line beside them, from the values a user typed.

const session = (roles: string[]): Session => ({
  token: 't', expiresAt: '', unscoped: 'u', user: { id: 'u1', name: 'me', domain: 'Default' }, project: { id: 'p1', name: 'p' }, roles,
  catalog: [{ type: 'compute', name: 'nova', endpoints: [{ interface: 'public', url: 'http://x/compute/v2.1', region: 'RegionOne' }] }],
});

test('extra specs: one key=value a line, blanks skipped, spaces around = trimmed', () => {
  assert.deepEqual(specsOf('volume_backend_name=lvm\n\n  rpm = 15000 \ncapabilities:x=<is> True'), { volume_backend_name: 'lvm', rpm: '15000', 'capabilities:x': '<is> True' });
});

test('a volume type: its body and CLI carry the specs and the privacy', () => {
  const [p] = adminVolumeTypesPanel.create!.plan({ name: 'gold', public: false, specs: 'a=1' });
  assert.deepEqual(p!.body, { volume_type: { name: 'gold', 'os-volume-type-access:is_public': false, extra_specs: { a: '1' } } });
  assert.equal(p!.cli, 'openstack volume type create --private --property a=1 gold');
});

test('editing extra specs sets the new ones and deletes the ones taken out', () => {
  const edit = adminVolumeTypesPanel.actions!.find((a: { label: string }) => a.label === 'volumeType.editSpecs')!;
  const plan = edit.plan({ specs: 'a=2' }, { id: 't1', name: 'gold', extra_specs: { a: '1', b: '1' } });
  assert.deepEqual(plan.map((c: Planned) => [c.method, c.path, c.body]), [['POST', '/types/t1/extra_specs', { extra_specs: { a: '2' } }], ['DELETE', '/types/t1/extra_specs/b', undefined]]);
});

test("an image edit is a JSON patch of what changed only ('add' where the image had no value)", () => {
  const row = { id: 'i1', name: 'a', visibility: 'private', protected: false, min_disk: 0, min_ram: null };
  assert.deepEqual(imagePatch(row, { name: 'b', visibility: 'private', protected: true, min_disk: '0', min_ram: '64' }), [
    { op: 'replace', path: '/name', value: 'b' }, { op: 'replace', path: '/protected', value: true }, { op: 'add', path: '/min_ram', value: 64 },
  ]);
  assert.deepEqual(imagePatch({ ...row, min_ram: 0 }, { name: 'a', visibility: 'private', protected: false, min_disk: '0', min_ram: '' }), []);
});

test("a project's quotas: one PUT per service, with the numbers typed, and the CLI flags", () => {
  const plan = projectQuotas.plan({ 'c-instances': '7', 'c-cores': '', 'n-floatingip': '3', 'v-volumes': '2' }, { id: 'p9', name: 'lab' });
  assert.deepEqual(plan.map((c: Planned) => [c.service, c.method, c.path, c.body]), [
    ['compute', 'PUT', '/os-quota-sets/p9', { quota_set: { instances: 7 } }],
    ['block-storage', 'PUT', '/os-quota-sets/p9', { quota_set: { volumes: 2 } }],
    ['network', 'PUT', '/v2.0/quotas/p9', { quota: { floatingip: 3 } }],
  ]);
  assert.equal(plan[2]!.cli, 'openstack quota set --floating-ips 3 lab');
});

test("quota defaults go to the 'default' quota class", () => {
  const [c] = adminDefaultsPanel.create!.plan({ 'c-key_pairs': '50' });
  assert.deepEqual([c!.path, c!.body, c!.cli], ['/os-quota-class-sets/default', { quota_class_set: { key_pairs: 50 } }, 'openstack quota set --class --key-pairs 50 default']);
});

test('members: a user or a group gets a role on the project, and loses it', () => {
  const spec = membersPanel('p1', 'lab');
  assert.equal(spec.create!.plan({ who: 'group:g1', role: 'r1' })[0]!.path, '/v3/projects/p1/groups/g1/roles/r1');
  assert.equal(spec.create!.plan({ who: 'user:u1', role: 'r1' })[0]!.cli, 'openstack role add --project p1 --user u1 r1');
  assert.equal(spec.remove!.plan({}, { kind: 'group', id: 'g1', role: { id: 'r1', name: 'reader' } })[0]!.path, '/v3/projects/p1/groups/g1/roles/r1');
});

test('a floating IP for another project names the project (and the address, when given)', () => {
  const [p] = adminFloatingIpsPanel.create!.plan({ project: 'p2', network: 'n1', address: '' });
  assert.deepEqual(p!.body, { floatingip: { floating_network_id: 'n1', project_id: 'p2' } });
});

test("an admin's password change for a user never shows the password", () => {
  const set = adminUsersPanel.actions!.find((a: { label: string }) => a.label === 'user.setPassword')!;
  const [p] = set.plan({ password: 'hunter2', confirm: 'hunter2' }, { id: 'u2', name: 'carol' });
  assert.ok(!JSON.stringify(p).includes('hunter2'));
  assert.deepEqual(set.validate({ password: 'hunter2', confirm: 'hunter3' }), { confirm: 'password.mismatch' });
  assert.deepEqual(set.validate({ password: 'hunter2', confirm: 'hunter2' }), {});
});

test('a quota form shows the quotas of the services the catalog has, and starts from the row it edits', () => {
  const shown = projectQuotas.fields.filter((f: { show?(v: object, s: Session): boolean }) => !f.show || f.show({}, session(['admin'])));
  assert.ok(shown.length > 0 && shown.every((f: { name: string }) => f.name.startsWith('c-')), 'only compute: the catalog has no other service');
  const edit = adminVolumeTypesPanel.actions!.find((a: { label: string }) => a.label === 'volumeType.editSpecs')!;
  assert.deepEqual(edit.start(session(['admin']), { extra_specs: { a: '1', b: '2' } }), { specs: 'a=1\nb=2' });
});

test('actions follow the roles: a reader changes nothing, a member changes the project, only an admin the admin panels', () => {
  assert.equal(mayChange(session(['reader']), {}), false);
  assert.equal(mayChange(session(['member', 'reader']), {}), true);
  assert.equal(mayChange(session(['member']), { admin: true }), false);
  assert.equal(mayChange(session(['admin']), { admin: true }), true);
  assert.equal(mayChange(session(['reader']), { canChange: () => true }), true);
});

test("the usage period ends at the end of its last day, or now when that day is today (Nova counts running servers up to the end)", async () => {
  const { periodEnd } = await dashboard('pages/usage.tsx');
  const now = new Date('2026-12-05T18:40:12.345Z');
  assert.equal(periodEnd('2026-12-04', now), '2026-12-04T23:59:59');
  assert.equal(periodEnd('2026-12-05', now), '2026-12-05T18:40:12');
});
