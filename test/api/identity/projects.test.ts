import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';

// /v3/projects (hierarchy, tags, projects acting as domains) and /v3/domains as Keystone answers them.

let cloud: TestCloud;
let admin: Client;
let v3: string;

before(async () => {
  ({ cloud, admin, v3 } = await identityCloud());
});
after(async () => { await cloud.stop(); });

const projectNames = async (query = '') => ((await admin.get(`/projects${query}`)).body.projects as { name: string }[]).map((p) => p.name).sort();

describe('projects', () => {
  test('the seeded projects are there', async () => {
    const names = await projectNames();
    for (const n of ['admin', 'demo', 'alt_demo', 'service']) assert.ok(names.includes(n), n);
  });

  test('create: 201 with Keystone\'s fields; a top-level project\'s parent is its domain', async () => {
    const r = await admin.post('/projects', { project: { name: 'web', description: 'Web tier', domain_id: 'default', tags: ['a'], cost_center: 'x1' } });
    assert.equal(r.status, 201);
    const p = r.body.project;
    assert.deepEqual(p, {
      id: p.id, name: 'web', domain_id: 'default', description: 'Web tier', enabled: true, parent_id: 'default', is_domain: false,
      tags: ['a'], options: {}, cost_center: 'x1', links: { self: `${v3}/projects/${p.id}` },
    });
    assert.deepEqual((await admin.get(`/projects/${p.id}`)).body, { project: p });
    const list = await admin.get('/projects');
    assert.deepEqual(list.body.links, { self: `${v3}/projects`, previous: null, next: null });
    assert.equal((await admin.post('/projects', { project: { name: 'nodesc' } })).body.project.description, '');
  });

  test('a duplicate name in the domain is 409 and changes nothing; bad bodies are 400', async () => {
    const before = await projectNames();
    const r = await admin.post('/projects', { project: { name: 'demo', domain_id: 'default' } });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body.error, {
      code: 409, title: 'Conflict',
      message: 'Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : demo.',
    });
    for (const body of [{ project: {} }, { project: { name: 'x', enabled: 1 } }, { project: { name: 'a'.repeat(65) } }, { project: { name: 'x', tags: ['a/b'] } }]) {
      const bad = await admin.post('/projects', body);
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.equal(bad.body.error.code, 400);
    }
    assert.equal((await admin.post('/projects', { project: { name: 'x', domain_id: 'nope' } })).status, 404);
    assert.deepEqual(await projectNames(), before);
  });

  test('filters: name, enabled, domain_id, parent_id, tags', async () => {
    const t = (await admin.post('/projects', { project: { name: 'tagged', tags: ['red', 'blue'], enabled: false } })).body.project;
    assert.deepEqual(await projectNames('?name=tagged'), ['tagged']);
    assert.ok((await projectNames('?enabled=false')).includes('tagged'));
    assert.ok(!(await projectNames('?enabled=true')).includes('tagged'));
    assert.deepEqual(await projectNames('?tags=red,blue'), ['tagged']);
    assert.deepEqual(await projectNames('?tags-any=blue,green'), ['tagged']);
    assert.ok(!(await projectNames('?not-tags=red')).includes('tagged'));
    assert.deepEqual(await projectNames('?domain_id=nope'), []);
    assert.equal((await admin.delete(`/projects/${t.id}`)).status, 204);
  });

  test('hierarchy: parents and subtree, as lists and as ids; no delete of a non-leaf, no disabling over enabled children', async () => {
    const top = (await admin.post('/projects', { project: { name: 'h-top' } })).body.project;
    const mid = (await admin.post('/projects', { project: { name: 'h-mid', parent_id: top.id } })).body.project;
    const leaf = (await admin.post('/projects', { project: { name: 'h-leaf', parent_id: mid.id } })).body.project;
    assert.equal(mid.parent_id, top.id);
    assert.equal(leaf.domain_id, 'default');
    const parents = (await admin.get(`/projects/${leaf.id}?parents_as_ids`)).body.project.parents;
    assert.deepEqual(parents, { [mid.id]: { [top.id]: { default: null } } }, 'up to the domain, as Keystone walks parent_id');
    assert.deepEqual((await admin.get(`/projects/${top.id}?parents_as_ids`)).body.project.parents, { default: null });
    assert.equal((await admin.get(`/projects/${top.id}?parents_as_ids&parents_as_list`)).status, 400);
    assert.deepEqual((await admin.get(`/projects/${top.id}?subtree_as_ids`)).body.project.subtree, { [mid.id]: { [leaf.id]: null } });
    const asList = (await admin.get(`/projects/${top.id}?subtree_as_list`)).body.project.subtree.map((x: any) => x.project.name).sort();
    assert.deepEqual(asList, ['h-leaf', 'h-mid']);
    assert.deepEqual(await projectNames(`?parent_id=${top.id}`), ['h-mid']);

    const nonLeaf = await admin.delete(`/projects/${top.id}`);
    assert.equal(nonLeaf.status, 403);
    assert.equal(nonLeaf.body.error.title, 'Forbidden');
    assert.equal((await admin.patch(`/projects/${mid.id}`, { project: { enabled: false } })).status, 403);
    assert.equal((await admin.patch(`/projects/${mid.id}`, { project: { parent_id: null } })).status, 403);
    assert.equal((await admin.patch(`/projects/${mid.id}`, { project: { domain_id: 'other' } })).status, 400);
    assert.equal((await admin.get(`/projects/${mid.id}`)).body.project.enabled, true);
    for (const p of [leaf, mid, top]) assert.equal((await admin.delete(`/projects/${p.id}`)).status, 204);
    const gone = await admin.get(`/projects/${top.id}`);
    assert.deepEqual(gone.body, { error: { code: 404, title: 'Not Found', message: `Could not find project: ${top.id}.` } });
  });

  test('update: fields and extra attributes; renaming onto a taken name is 409', async () => {
    const p = (await admin.post('/projects', { project: { name: 'upd' } })).body.project;
    const r = await admin.patch(`/projects/${p.id}`, { project: { description: 'now', enabled: false, owner: 'me' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.project.description, 'now');
    assert.equal(r.body.project.enabled, false);
    assert.equal(r.body.project.owner, 'me');
    assert.equal((await admin.patch(`/projects/${p.id}`, { project: { name: 'demo' } })).status, 409);
    assert.equal((await admin.get(`/projects/${p.id}`)).body.project.name, 'upd');
  });

  test('tags: list, replace, add (201), check (204/404), remove', async () => {
    const p = (await admin.post('/projects', { project: { name: 'tags' } })).body.project;
    assert.deepEqual((await admin.get(`/projects/${p.id}/tags`)).body, { tags: [] });
    assert.deepEqual((await admin.put(`/projects/${p.id}/tags`, { tags: ['x', 'y'] })).body, { tags: ['x', 'y'] });
    const add = await admin.put(`/projects/${p.id}/tags/z`);
    assert.equal(add.status, 201);
    assert.equal(add.headers.get('location'), `${v3}/projects/${p.id}/tags/z`);
    assert.equal((await admin.get(`/projects/${p.id}/tags/z`)).status, 204);
    assert.equal((await admin.get(`/projects/${p.id}/tags/nope`)).status, 404);
    assert.equal((await admin.delete(`/projects/${p.id}/tags/x`)).status, 204);
    assert.deepEqual((await admin.get(`/projects/${p.id}/tags`)).body.tags.sort(), ['y', 'z']);
    assert.equal((await admin.delete(`/projects/${p.id}/tags`)).status, 204);
    assert.deepEqual((await admin.get(`/projects/${p.id}`)).body.project.tags, []);
  });

  test('is_domain: domains listed as projects', async () => {
    const r = await admin.get('/projects?is_domain=true');
    assert.equal(r.status, 200);
    const dflt = r.body.projects.find((p: any) => p.id === 'default');
    assert.equal(dflt.is_domain, true);
    assert.equal(dflt.domain_id, null);
    assert.ok(!(await projectNames()).includes('Default'));
  });
});

describe('domains', () => {
  test('create, show, list, update; delete only once disabled; a duplicate name is 409', async () => {
    const r = await admin.post('/domains', { domain: { name: 'acme', description: 'ACME' } });
    assert.equal(r.status, 201);
    const d = r.body.domain;
    assert.deepEqual(d, { id: d.id, name: 'acme', description: 'ACME', enabled: true, tags: [], options: {}, links: { self: `${v3}/domains/${d.id}` } });
    assert.deepEqual((await admin.get(`/domains/${d.id}`)).body.domain, d);
    assert.deepEqual((await admin.get('/domains?name=acme')).body.domains.map((x: any) => x.id), [d.id]);
    const dup = await admin.post('/domains', { domain: { name: 'acme' } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.message, 'Conflict occurred attempting to store domain - Duplicate entry found with name acme.');
    const enabled = await admin.delete(`/domains/${d.id}`);
    assert.equal(enabled.status, 403);
    assert.equal(enabled.body.error.message, 'Cannot delete a domain that is enabled, please disable it first.');
    assert.equal((await admin.get(`/domains/${d.id}`)).status, 200);
    assert.equal((await admin.patch(`/domains/${d.id}`, { domain: { enabled: false } })).body.domain.enabled, false);
    assert.equal((await admin.delete(`/domains/${d.id}`)).status, 204);
    assert.deepEqual((await admin.get(`/domains/${d.id}`)).body.error, { code: 404, title: 'Not Found', message: `Could not find domain: ${d.id}.` });
  });

  test('a project in a disabled domain cannot be scoped', async () => {
    const d = (await admin.post('/domains', { domain: { name: 'sleepy' } })).body.domain;
    const p = (await admin.post('/projects', { project: { name: 'in-sleepy', domain_id: d.id } })).body.project;
    const u = (await admin.post('/users', { user: { name: 'sleeper', domain_id: d.id, password: 'pw' } })).body.user;
    const member = (await admin.get('/roles?name=member')).body.roles[0].id;
    await admin.put(`/projects/${p.id}/users/${u.id}/roles/${member}`);
    const auth = { auth: { identity: { methods: ['password'], password: { user: { id: u.id, password: 'pw' } } }, scope: { project: { id: p.id } } } };
    assert.equal((await admin.post('/auth/tokens', auth)).status, 201);
    await admin.patch(`/domains/${d.id}`, { domain: { enabled: false } });
    assert.equal((await admin.post('/auth/tokens', auth)).status, 401);
  });
});
