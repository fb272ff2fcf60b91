import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';

// Grants (project, domain, system; users and groups; OS-INHERIT) and /v3/role_assignments as
// Keystone answers them.

let cloud: TestCloud;
let admin: Client;
let v3: string;
const role: Record<string, string> = {};
let user: any; let group: any; let project: any; let child: any; let domain: any;

before(async () => {
  ({ cloud, admin, v3 } = await identityCloud());
  for (const r of (await admin.get('/roles')).body.roles) role[r.name] = r.id;
  domain = (await admin.post('/domains', { domain: { name: 'asg-d' } })).body.domain;
  project = (await admin.post('/projects', { project: { name: 'asg-p', domain_id: domain.id } })).body.project;
  child = (await admin.post('/projects', { project: { name: 'asg-child', parent_id: project.id } })).body.project;
  user = (await admin.post('/users', { user: { name: 'asg-u', domain_id: domain.id, password: 'pw' } })).body.user;
  group = (await admin.post('/groups', { group: { name: 'asg-g', domain_id: domain.id } })).body.group;
  await admin.put(`/groups/${group.id}/users/${user.id}`);
});
after(async () => { await cloud.stop(); });

const assignments = async (q: string) => (await admin.get(`/role_assignments?${q}`)).body.role_assignments as any[];
const roleView = (name: string) => ({ id: role[name], name, domain_id: null, description: null, options: {}, links: { self: `${v3}/roles/${role[name]}` } });

describe('grants', () => {
  test('user on project: PUT 204, check 204 (HEAD and GET), list, DELETE 204, then 404', async () => {
    const path = `/projects/${project.id}/users/${user.id}/roles/${role.member}`;
    const missing = await admin.head(path);
    assert.equal(missing.status, 404);
    const body = (await admin.get(path)).body;
    assert.deepEqual(body.error, {
      code: 404, title: 'Not Found',
      message: `Could not find role assignment with role: ${role.member}, user or group: ${user.id}, project, domain, or system: ${project.id}.`,
    });
    assert.equal((await admin.put(path)).status, 204);
    assert.equal((await admin.put(path)).status, 204, 'granting twice is fine');
    assert.equal((await admin.head(path)).status, 204);
    assert.equal((await admin.get(path)).status, 204);
    const list = await admin.get(`/projects/${project.id}/users/${user.id}/roles`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.roles.map((r: any) => r.id), [role.member]);
    assert.deepEqual(list.body.links, { self: `${v3}/projects/${project.id}/users/${user.id}/roles`, previous: null, next: null });
    assert.equal((await admin.delete(path)).status, 204);
    assert.equal((await admin.delete(path)).status, 404);
    assert.deepEqual((await admin.get(`/projects/${project.id}/users/${user.id}/roles`)).body.roles, []);
  });

  test('unknown role, user, group, project or domain: 404 and nothing granted', async () => {
    for (const path of [
      `/projects/${project.id}/users/${user.id}/roles/nope`, `/projects/${project.id}/users/nope/roles/${role.reader}`,
      `/projects/nope/users/${user.id}/roles/${role.reader}`, `/domains/nope/users/${user.id}/roles/${role.reader}`,
      `/projects/${project.id}/groups/nope/roles/${role.reader}`,
    ]) {
      const r = await admin.put(path);
      assert.equal(r.status, 404, path);
      assert.equal(r.body.error.code, 404);
    }
    assert.deepEqual(await assignments(`user.id=${user.id}`), []);
  });

  test('user and group on domain, inherited to projects, and on the system', async () => {
    const grants = [
      `/domains/${domain.id}/users/${user.id}/roles/${role.reader}`,
      `/domains/${domain.id}/groups/${group.id}/roles/${role.member}`,
      `/OS-INHERIT/domains/${domain.id}/users/${user.id}/roles/${role.reader}/inherited_to_projects`,
      `/OS-INHERIT/projects/${project.id}/groups/${group.id}/roles/${role.member}/inherited_to_projects`,
      `/system/users/${user.id}/roles/${role.reader}`,
      `/system/groups/${group.id}/roles/${role.reader}`,
    ];
    for (const g of grants) assert.equal((await admin.put(g)).status, 204, g);
    for (const g of grants) assert.equal((await admin.head(g)).status, 204, g);
    assert.deepEqual((await admin.get(`/domains/${domain.id}/users/${user.id}/roles`)).body.roles, [roleView('reader')]);
    assert.deepEqual((await admin.get(`/OS-INHERIT/domains/${domain.id}/users/${user.id}/roles/inherited_to_projects`)).body.roles.map((r: any) => r.id), [role.reader]);
    assert.deepEqual((await admin.get(`/system/users/${user.id}/roles`)).body.roles.map((r: any) => r.id), [role.reader]);
    // The non-inherited check does not see the inherited grant.
    assert.equal((await admin.head(`/projects/${project.id}/groups/${group.id}/roles/${role.member}`)).status, 404);

    // Direct assignments of the user: domain, inherited domain, system.
    const direct = await assignments(`user.id=${user.id}`);
    assert.equal(direct.length, 3);
    const inherited = direct.find((a) => a.scope['OS-INHERIT:inherited_to']);
    assert.deepEqual(inherited, {
      role: { id: role.reader }, user: { id: user.id }, scope: { domain: { id: domain.id }, 'OS-INHERIT:inherited_to': 'projects' },
      links: { assignment: `${v3}/OS-INHERIT/domains/${domain.id}/users/${user.id}/roles/${role.reader}/inherited_to_projects` },
    });
    const system = direct.find((a) => a.scope.system);
    assert.deepEqual(system, { role: { id: role.reader }, user: { id: user.id }, scope: { system: { all: true } }, links: { assignment: `${v3}/system/users/${user.id}/roles/${role.reader}` } });

    // Effective: through the group, inherited onto the projects, implied roles expanded.
    const effective = await assignments(`user.id=${user.id}&effective`);
    const onChild = effective.filter((a) => a.scope.project?.id === child.id);
    assert.deepEqual([...new Set(onChild.map((a) => a.role.id))].sort(), [role.member, role.reader].sort(), 'member inherited from the parent through the group; reader inherited from the domain');
    const inheritedMember = onChild.find((a) => a.role.id === role.member);
    assert.deepEqual(inheritedMember.scope, { project: { id: child.id } });
    assert.equal(inheritedMember.links.assignment, `${v3}/OS-INHERIT/projects/${project.id}/groups/${group.id}/roles/${role.member}/inherited_to_projects`);
    const viaGroup = effective.find((a) => a.scope.domain?.id === domain.id && a.role.id === role.member);
    assert.equal(viaGroup.links.membership, `${v3}/groups/${group.id}/users/${user.id}`);
    const implied = effective.find((a) => a.scope.domain?.id === domain.id && a.links.prior_role);
    assert.equal(implied.role.id, role.reader);
    assert.equal(implied.links.prior_role, `${v3}/roles/${role.member}`);

    // And the token agrees.
    const t = await admin.post('/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { id: user.id, password: 'pw' } } }, scope: { project: { id: child.id } } } });
    assert.equal(t.status, 201);
    assert.deepEqual(t.body.token.roles.map((r: any) => r.name).sort(), ['member', 'reader']);
    for (const g of grants) assert.equal((await admin.delete(g)).status, 204, g);
    assert.deepEqual(await assignments(`user.id=${user.id}`), []);
  });

  test('a domain-specific role is granted only inside its domain; its implied global roles reach the token', async () => {
    const dr = (await admin.post('/roles', { role: { name: 'asg-domain-role', domain_id: domain.id } })).body.role;
    await admin.put(`/roles/${dr.id}/implies/${role.member}`);
    const other = (await admin.get('/projects?name=demo')).body.projects[0];
    const outside = await admin.put(`/projects/${other.id}/users/${user.id}/roles/${dr.id}`);
    assert.equal(outside.status, 403);
    assert.deepEqual(outside.body.error, {
      code: 403, title: 'Forbidden', message: `Project ${other.id} must be in the same domain as the role ${dr.id} being assigned.`,
    });
    assert.equal((await admin.get(`/projects/${other.id}/users/${user.id}/roles`)).body.roles.length, 0, 'nothing granted');
    assert.equal((await admin.put(`/projects/${project.id}/users/${user.id}/roles/${dr.id}`)).status, 204);
    const t = await admin.post('/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { id: user.id, password: 'pw' } } }, scope: { project: { id: project.id } } } });
    assert.deepEqual(t.body.token.roles.map((r: any) => r.name).sort(), ['member', 'reader']);
    await admin.delete(`/projects/${project.id}/users/${user.id}/roles/${dr.id}`);
  });

  test('a domain-specific role may be granted on any domain (Keystone checks its domain for project grants only), never on the system', async () => {
    const dr = (await admin.post('/roles', { role: { name: 'asg-domain-grant', domain_id: domain.id } })).body.role;
    const defaultDomain = (await admin.get('/domains?name=Default')).body.domains[0];
    for (const d of [domain.id, defaultDomain.id]) {
      for (const path of [`/domains/${d}/users/${user.id}/roles/${dr.id}`, `/domains/${d}/groups/${group.id}/roles/${dr.id}`]) {
        assert.equal((await admin.put(path)).status, 204, path);
        assert.equal((await admin.head(path)).status, 204, path);
        assert.equal((await admin.delete(path)).status, 204, path);
      }
    }
    const system = await admin.put(`/system/users/${user.id}/roles/${dr.id}`);
    assert.equal(system.status, 400);
    assert.deepEqual(system.body.error, {
      code: 400, title: 'Bad Request',
      message: `Role ${dr.id} is a domain-specific role. Unable to use a domain-specific role in a system assignment.`,
    });
    assert.equal((await admin.head(`/system/users/${user.id}/roles/${dr.id}`)).status, 404);
    assert.equal((await admin.delete(`/roles/${dr.id}`)).status, 204);
  });
});

describe('role_assignments', () => {
  test('filters: scope.project.id, role.id, group.id, scope.system, include_subtree; include_names', async () => {
    await admin.put(`/projects/${project.id}/users/${user.id}/roles/${role.member}`);
    await admin.put(`/projects/${child.id}/groups/${group.id}/roles/${role.reader}`);
    const onProject = await assignments(`scope.project.id=${project.id}`);
    assert.deepEqual(onProject, [{
      role: { id: role.member }, user: { id: user.id }, scope: { project: { id: project.id } },
      links: { assignment: `${v3}/projects/${project.id}/users/${user.id}/roles/${role.member}` },
    }]);
    const r = await admin.get(`/role_assignments?scope.project.id=${project.id}`);
    assert.deepEqual(r.body.links, { self: `${v3}/role_assignments?scope.project.id=${project.id}`, previous: null, next: null });
    assert.equal((await assignments(`scope.project.id=${project.id}&include_subtree=true`)).length, 2);
    assert.deepEqual((await assignments(`group.id=${group.id}`)).map((a) => a.scope.project.id), [child.id]);
    assert.ok((await assignments('scope.system=all')).some((a) => a.role.id === role.admin));
    assert.ok((await assignments(`role.id=${role.member}`)).every((a) => a.role.id === role.member));
    const named = (await assignments(`scope.project.id=${project.id}&include_names`))[0];
    assert.deepEqual(named.role, { id: role.member, name: 'member' });
    assert.deepEqual(named.user, { id: user.id, name: 'asg-u', domain: { id: domain.id, name: 'asg-d' } });
    assert.deepEqual(named.scope.project, { id: project.id, name: 'asg-p', domain: { id: domain.id, name: 'asg-d' } });
  });

  test('contradictory filters are 400', async () => {
    for (const q of [`user.id=${user.id}&group.id=${group.id}`, `scope.project.id=${project.id}&scope.domain.id=${domain.id}`, `group.id=${group.id}&effective`, 'include_subtree=true']) {
      const r = await admin.get(`/role_assignments?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 400);
    }
  });

  test('deleting the user or the project removes its assignments', async () => {
    const u = (await admin.post('/users', { user: { name: 'asg-doomed', domain_id: domain.id } })).body.user;
    const p = (await admin.post('/projects', { project: { name: 'asg-doomed-p', domain_id: domain.id } })).body.project;
    await admin.put(`/projects/${p.id}/users/${u.id}/roles/${role.reader}`);
    await admin.put(`/projects/${project.id}/users/${u.id}/roles/${role.reader}`);
    assert.equal((await assignments(`user.id=${u.id}`)).length, 2);
    await admin.delete(`/projects/${p.id}`);
    assert.equal((await assignments(`user.id=${u.id}`)).length, 1);
    await admin.delete(`/users/${u.id}`);
    assert.deepEqual(await assignments(`user.id=${u.id}`), []);
  });
});
