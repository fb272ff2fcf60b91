import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';

// Keystone's inexact list filters: `<attr>__contains`, `__startswith`, `__endswith` (case-sensitive)
// and `__icontains`, `__istartswith`, `__iendswith` (not), on the attributes each list filters by.

let cloud: TestCloud;
let admin: Client;

before(async () => {
  ({ cloud, admin } = await identityCloud());
});
after(async () => { await cloud.stop(); });

const names = async (path: string, key: string, attr = 'name') =>
  ((await admin.get(path)).body[key] as Record<string, string>[]).map((x) => x[attr]).sort();

describe('inexact list filters', () => {
  test('users: each comparator, case-sensitive and not; repeated filters all apply; LIKE wildcards are literal', async () => {
    for (const name of ['FilterAlpha', 'filterbeta', 'xFILTERgamma', 'pct%_user', 'pctAXuser']) {
      assert.equal((await admin.post('/users', { user: { name } })).status, 201);
    }
    const users = (q: string) => names(`/users?${q}`, 'users');
    assert.deepEqual(await users('name__contains=ilter'), ['FilterAlpha', 'filterbeta']);
    assert.deepEqual(await users('name__icontains=FILTER'), ['FilterAlpha', 'filterbeta', 'xFILTERgamma']);
    assert.deepEqual(await users('name__startswith=Filter'), ['FilterAlpha']);
    assert.deepEqual(await users('name__istartswith=filter'), ['FilterAlpha', 'filterbeta']);
    assert.deepEqual(await users('name__endswith=Alpha'), ['FilterAlpha']);
    assert.deepEqual(await users('name__endswith=alpha'), []);
    assert.deepEqual(await users('name__iendswith=ALPHA'), ['FilterAlpha']);
    assert.deepEqual(await users('name__icontains=filter&name__iendswith=a'), ['FilterAlpha', 'filterbeta', 'xFILTERgamma']);
    assert.deepEqual(await users('name__icontains=filter&name__contains=e'), ['FilterAlpha', 'filterbeta']);
    assert.deepEqual(await users('name__icontains=filter&name__icontains=beta'), ['filterbeta']);
    assert.deepEqual(await users('name__icontains=%25_'), ['pct%_user'], '% and _ match themselves');
    assert.deepEqual(await users('name__istartswith=pct_'), [], '_ is no wildcard');
    assert.deepEqual(await users('name__contains=ilter&domain_id__istartswith=DEF'), ['FilterAlpha', 'filterbeta']);
    assert.ok((await users('name__nonsense=zzz')).includes('admin'), 'an unknown comparator is ignored');
    assert.ok((await users('description__contains=zzz')).includes('admin'), 'an attribute the list does not filter by is ignored');
  });

  test('groups, projects, roles and domains by name', async () => {
    for (const n of ['Ops-East', 'ops-west', 'Dev']) {
      await admin.post('/groups', { group: { name: `g-${n}` } });
      await admin.post('/projects', { project: { name: `p-${n}` } });
      await admin.post('/roles', { role: { name: `r-${n}` } });
      await admin.post('/domains', { domain: { name: `d-${n}` } });
    }
    assert.deepEqual(await names('/groups?name__icontains=OPS', 'groups'), ['g-Ops-East', 'g-ops-west']);
    assert.deepEqual(await names('/groups?name__contains=Ops', 'groups'), ['g-Ops-East']);
    assert.deepEqual(await names('/projects?name__istartswith=P-OPS', 'projects'), ['p-Ops-East', 'p-ops-west']);
    assert.deepEqual(await names('/projects?name__endswith=west', 'projects'), ['p-ops-west']);
    assert.deepEqual(await names('/roles?name__startswith=r-o', 'roles'), ['r-ops-west']);
    assert.deepEqual(await names('/roles?name__icontains=ops', 'roles'), ['r-Ops-East', 'r-ops-west']);
    assert.deepEqual(await names('/domains?name__iendswith=EAST', 'domains'), ['d-Ops-East']);
    assert.deepEqual(await names('/domains?name__contains=EF', 'domains'), []);
    assert.deepEqual(await names('/domains?name__icontains=EF', 'domains'), ['Default']);
    assert.deepEqual(await names('/projects?is_domain=true&name__istartswith=D-O', 'projects'), ['d-Ops-East', 'd-ops-west']);
  });

  test('services (type, and the name an extra attribute), endpoints, regions, policies and credentials', async () => {
    const svc = (await admin.post('/services', { service: { type: 'Telemetry-Meter', name: 'CeilometerX' } })).body.service;
    await admin.post('/services', { service: { type: 'telemetry-alarm', name: 'aodhx' } });
    assert.deepEqual(await names('/services?type__istartswith=telemetry', 'services', 'type'), ['Telemetry-Meter', 'telemetry-alarm']);
    assert.deepEqual(await names('/services?type__startswith=telemetry', 'services', 'type'), ['telemetry-alarm']);
    assert.deepEqual(await names('/services?name__iendswith=X', 'services'), ['CeilometerX', 'aodhx']);
    assert.deepEqual(await names('/services?name__contains=Ceil', 'services'), ['CeilometerX']);

    await admin.post('/regions', { region: { id: 'Filter-Parent' } });
    await admin.post('/regions', { region: { id: 'filter-child', parent_region_id: 'Filter-Parent' } });
    assert.deepEqual(await names('/regions?parent_region_id__istartswith=filter-p', 'regions', 'id'), ['filter-child']);
    assert.deepEqual(await names('/regions?parent_region_id__startswith=filter-p', 'regions', 'id'), []);

    for (const iface of ['public', 'internal']) {
      await admin.post('/endpoints', { endpoint: { service_id: svc.id, interface: iface, url: `http://meter/${iface}` } });
    }
    assert.deepEqual(await names(`/endpoints?service_id=${svc.id}&interface__contains=ubl`, 'endpoints', 'interface'), ['public']);
    assert.deepEqual(await names(`/endpoints?service_id=${svc.id}&interface__iendswith=AL`, 'endpoints', 'interface'), ['internal']);

    for (const type of ['application/Filter+json', 'text/filter']) await admin.post('/policies', { policy: { type, blob: '{}' } });
    assert.deepEqual(await names('/policies?type__icontains=FILTER', 'policies', 'type'), ['application/Filter+json', 'text/filter']);
    assert.deepEqual(await names('/policies?type__startswith=text', 'policies', 'type'), ['text/filter']);

    const adminId = (await admin.get('/users?name=admin')).body.users[0].id;
    for (const type of ['totp', 'cert']) await admin.post('/credentials', { credential: { user_id: adminId, type, blob: `{"k":"${type}"}` } });
    assert.deepEqual(await names(`/credentials?user_id=${adminId}&type__endswith=tp`, 'credentials', 'type'), ['totp']);
  });

  test('the lists under a user or group: a user\'s groups and projects, a group\'s users, a user\'s application credentials', async () => {
    const user = (await admin.post('/users', { user: { name: 'Member-One', password: 'pw' } })).body.user;
    await admin.post('/users', { user: { name: 'member-two' } });
    const group = (await admin.post('/groups', { group: { name: 'Team-Red' } })).body.group;
    const other = (await admin.post('/groups', { group: { name: 'team-blue' } })).body.group;
    for (const u of (await admin.get('/users?name__istartswith=member-')).body.users) await admin.put(`/groups/${group.id}/users/${u.id}`);
    await admin.put(`/groups/${other.id}/users/${user.id}`);
    assert.deepEqual(await names(`/groups/${group.id}/users?name__startswith=member`, 'users'), ['member-two']);
    assert.deepEqual(await names(`/groups/${group.id}/users?name__icontains=ONE`, 'users'), ['Member-One']);
    assert.deepEqual(await names(`/groups/${group.id}/users?name=MEMBER-TWO`, 'users'), ['member-two']);
    assert.deepEqual(await names(`/users/${user.id}/groups?name__iendswith=RED`, 'groups'), ['Team-Red']);
    assert.deepEqual(await names(`/users/${user.id}/groups?name__startswith=team`, 'groups'), ['team-blue']);

    const member = (await admin.get('/roles?name=member')).body.roles[0].id;
    for (const n of ['Proj-Alpha', 'proj-beta']) {
      const p = (await admin.post('/projects', { project: { name: n } })).body.project;
      await admin.put(`/projects/${p.id}/users/${user.id}/roles/${member}`);
    }
    assert.deepEqual(await names(`/users/${user.id}/projects?name__contains=Alpha`, 'projects'), ['Proj-Alpha']);
    assert.deepEqual(await names(`/users/${user.id}/projects?name__istartswith=PROJ`, 'projects'), ['Proj-Alpha', 'proj-beta']);

    const adminId = (await admin.get('/users?name=admin')).body.users[0].id;
    for (const name of ['CI-Bot', 'ci-runner']) {
      assert.equal((await admin.post(`/users/${adminId}/application_credentials`, { application_credential: { name } })).status, 201);
    }
    assert.deepEqual(await names(`/users/${adminId}/application_credentials?name__istartswith=ci-`, 'application_credentials'), ['CI-Bot', 'ci-runner']);
    assert.deepEqual(await names(`/users/${adminId}/application_credentials?name__endswith=Bot`, 'application_credentials'), ['CI-Bot']);
  });
});
