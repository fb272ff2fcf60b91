import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCloud, systemLogin, type Client, type TestCloud } from '../../support/cloud.js';
import { clientsFor, userWithRole } from '../../support/clients.js';

// Keystone's unified limits: registered limits, limits and the limit model (api-ref
// unified_limits.inc), with Zed's policies: reads for every token (a limit for the token's own
// project, domain or the system's readers), writes for a system-scoped admin only.

let cloud: TestCloud;
let sys: Client; // admin, system scope (DevStack's devstack-system-admin)
let projectAdmin: Client; // admin, admin project scope
let member: Client; // demo, member of demo
let reader: Client; // a reader of demo
let alt: Client; // alt_demo, member of alt_demo
let v3: string;
let serviceId: string;
let otherServiceId: string;
const ids: Record<string, string> = {};

before(async () => {
  cloud = await startTestCloud({ services: ['identity'] });
  const admins = await clientsFor(cloud, 'admin');
  projectAdmin = admins.identity;
  v3 = projectAdmin.base;
  sys = await systemLogin(cloud, 'admin');
  member = (await clientsFor(cloud, 'demo')).identity;
  alt = (await clientsFor(cloud, 'alt_demo')).identity;
  reader = (await userWithRole(cloud, admins, 'reader', 'demo', 'limits-reader')).identity;
  serviceId = (await projectAdmin.post('/services', { service: { type: 'volumev3', name: 'cinder-test' } })).body.service.id;
  otherServiceId = (await projectAdmin.post('/services', { service: { type: 'test', name: 'other' } })).body.service.id;
  for (const p of ['demo', 'alt_demo']) ids[p] = (await projectAdmin.get(`/projects?name=${p}`)).body.projects[0].id;
});
after(async () => { await cloud.stop(); });

const error = (code: number, title: string, message: string) => ({ error: { code, title, message } });
const CLIENT_ERROR = ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

describe('registered limits', () => {
  test('create (a list, all at once), show, list with filters, update and delete', async () => {
    const made = await sys.post('/registered_limits', { registered_limits: [
      { service_id: serviceId, resource_name: 'volume', default_limit: 10, region_id: 'RegionOne', description: 'Number of volumes' },
      { service_id: serviceId, resource_name: 'snapshot', default_limit: 5 },
    ] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(Object.keys(made.body), ['registered_limits']);
    const [volume, snapshot] = made.body.registered_limits;
    assert.match(volume.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(volume, {
      id: volume.id, service_id: serviceId, region_id: 'RegionOne', resource_name: 'volume', default_limit: 10,
      description: 'Number of volumes', links: { self: `${v3}/registered_limits/${volume.id}` },
    });
    assert.deepEqual({ region_id: snapshot.region_id, description: snapshot.description, default_limit: snapshot.default_limit }, { region_id: null, description: null, default_limit: 5 });

    const shown = await member.get(`/registered_limits/${volume.id}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body, { registered_limit: volume });

    const all = await member.get('/registered_limits');
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.registered_limits.map((r: any) => r.id), [volume.id, snapshot.id]);
    assert.deepEqual(all.body.links, { self: `${v3}/registered_limits`, previous: null, next: null });
    const names = async (q: string) => (await reader.get(`/registered_limits?${q}`)).body.registered_limits.map((r: any) => r.resource_name);
    assert.deepEqual(await names('region_id=RegionOne'), ['volume']);
    assert.deepEqual(await names('resource_name=snapshot'), ['snapshot']);
    assert.deepEqual(await names(`service_id=${serviceId}`), ['volume', 'snapshot']);
    assert.deepEqual(await names(`service_id=${otherServiceId}`), []);

    const patched = await sys.patch(`/registered_limits/${snapshot.id}`, { registered_limit: { default_limit: 7, description: 'Snapshots', region_id: 'RegionOne' } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.registered_limit, { ...snapshot, default_limit: 7, description: 'Snapshots', region_id: 'RegionOne' });

    assert.equal((await sys.delete(`/registered_limits/${snapshot.id}`)).status, 204);
    const gone = await sys.get(`/registered_limits/${snapshot.id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.body, error(404, 'Not Found', `Could not find registered limit for ${snapshot.id}.`));
    assert.equal((await sys.delete(`/registered_limits/${snapshot.id}`)).status, 404);
    assert.equal((await sys.head(`/registered_limits/${volume.id}`)).status, 200);
  });

  test('bad input is a 400 and nothing is created', async () => {
    const before = (await sys.get('/registered_limits')).body.registered_limits.length;
    const good = { service_id: serviceId, resource_name: 'backups', default_limit: 1 };
    for (const body of [
      {}, { registered_limits: [] }, { registered_limits: {} }, { registered_limits: [{ ...good, extra: 1 }] },
      { registered_limits: [{ ...good, default_limit: -2 }] }, { registered_limits: [{ ...good, default_limit: '5' }] },
      { registered_limits: [{ ...good, default_limit: 2147483648 }] }, { registered_limits: [{ service_id: serviceId, default_limit: 1 }] },
      { registered_limits: [{ ...good, resource_name: '' }] }, { registered_limits: [{ ...good, service_id: 'not valid!' }] },
      { registered_limits: [{ ...good, id: 'abc' }] }, { registered_limits: [good, { ...good, region_id: 5 }] },
    ]) {
      const r = await sys.post('/registered_limits', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 400);
    }
    const noService = await sys.post('/registered_limits', { registered_limits: [{ ...good, service_id: 'f00' }] });
    assert.deepEqual(noService.body, error(400, 'Bad Request', `Expecting to find service_id in registered_limit.${CLIENT_ERROR}`));
    const noRegion = await sys.post('/registered_limits', { registered_limits: [{ ...good, region_id: 'Atlantis' }] });
    assert.deepEqual(noRegion.body, error(400, 'Bad Request', `Expecting to find region_id in registered_limit.${CLIENT_ERROR}`));
    const badPatch = await sys.patch('/registered_limits/whatever', { registered_limit: { default_limit: 'x' } });
    assert.equal(badPatch.status, 400);
    assert.equal((await sys.get('/registered_limits')).body.registered_limits.length, before);
  });

  test('a second registered limit for a service, region and resource is a 409, and the batch with it makes nothing', async () => {
    const one = { service_id: otherServiceId, resource_name: 'widgets', default_limit: 3 };
    assert.equal((await sys.post('/registered_limits', { registered_limits: [one] })).status, 201);
    const again = await sys.post('/registered_limits', { registered_limits: [{ ...one, resource_name: 'gadgets' }, { ...one, default_limit: 4 }] });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, error(409, 'Conflict', 'Conflict occurred attempting to store registered_limit - Duplicate entry.'));
    assert.deepEqual((await sys.get(`/registered_limits?service_id=${otherServiceId}`)).body.registered_limits.map((r: any) => r.resource_name), ['widgets']);
    // In another region it is another registered limit.
    assert.equal((await sys.post('/registered_limits', { registered_limits: [{ ...one, region_id: 'RegionOne' }] })).status, 201);
    const gadgets = (await sys.post('/registered_limits', { registered_limits: [{ ...one, resource_name: 'gadgets' }] })).body.registered_limits[0];
    const clash = await sys.patch(`/registered_limits/${gadgets.id}`, { registered_limit: { resource_name: 'widgets' } });
    assert.equal(clash.status, 409);
    assert.equal((await sys.patch(`/registered_limits/${gadgets.id}`, { registered_limit: { resource_name: 'gadgets', default_limit: 9 } })).body.registered_limit.default_limit, 9);
  });
});

describe('limits', () => {
  let volumeRl: any;
  before(async () => {
    volumeRl = (await sys.get(`/registered_limits?service_id=${serviceId}&resource_name=volume`)).body.registered_limits[0];
  });

  test('create project and domain limits; each takes its registered limit\'s service, region and resource', async () => {
    const made = await sys.post('/limits', { limits: [
      { service_id: serviceId, project_id: ids.demo, region_id: 'RegionOne', resource_name: 'volume', resource_limit: 11 },
      { service_id: serviceId, domain_id: 'default', region_id: 'RegionOne', resource_name: 'volume', resource_limit: 20, description: 'Default domain' },
    ] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(Object.keys(made.body), ['limits']);
    const [project, domain] = made.body.limits;
    assert.deepEqual(project, {
      id: project.id, project_id: ids.demo, domain_id: null, service_id: serviceId, region_id: 'RegionOne', resource_name: 'volume',
      resource_limit: 11, description: null, links: { self: `${v3}/limits/${project.id}` },
    });
    assert.equal(domain.domain_id, 'default');
    assert.equal(domain.project_id, null);
    assert.equal(domain.description, 'Default domain');
    ids.demoLimit = project.id;
    ids.domainLimit = domain.id;

    const shown = await sys.get(`/limits/${project.id}`);
    assert.deepEqual(shown.body, { limit: project });
    const altLimit = await sys.post('/limits', { limits: [{ service_id: serviceId, project_id: ids.alt_demo, region_id: 'RegionOne', resource_name: 'volume', resource_limit: 2 }] });
    ids.altLimit = altLimit.body.limits[0].id;
    const list = await sys.get('/limits');
    assert.deepEqual(list.body.limits.map((l: any) => l.id), [project.id, domain.id, ids.altLimit]);
    assert.deepEqual(list.body.links, { self: `${v3}/limits`, previous: null, next: null });
    const filtered = async (q: string) => (await sys.get(`/limits?${q}`)).body.limits.map((l: any) => l.id);
    assert.deepEqual(await filtered(`project_id=${ids.alt_demo}`), [ids.altLimit]);
    assert.deepEqual(await filtered('domain_id=default'), [domain.id]);
    assert.deepEqual(await filtered('resource_name=snapshot'), []);
    assert.deepEqual(await filtered(`service_id=${serviceId}&region_id=RegionOne`), [project.id, domain.id, ids.altLimit]);
  });

  test('no registered limit is a 403; a second limit is a 409; unknown project or bad input a 400', async () => {
    const noRef = await sys.post('/limits', { limits: [{ service_id: serviceId, project_id: ids.demo, resource_name: 'volume', resource_limit: 1 }] });
    assert.deepEqual(noRef.body, error(403, 'Forbidden', 'Unable to create a limit that has no corresponding registered limit.'));
    const dup = await sys.post('/limits', { limits: [{ service_id: serviceId, project_id: ids.demo, region_id: 'RegionOne', resource_name: 'volume', resource_limit: 1 }] });
    assert.deepEqual(dup.body, error(409, 'Conflict', 'Conflict occurred attempting to store limit - Duplicate entry.'));
    const noProject = await sys.post('/limits', { limits: [{ service_id: serviceId, project_id: 'f00', region_id: 'RegionOne', resource_name: 'volume', resource_limit: 1 }] });
    assert.deepEqual(noProject.body, error(400, 'Bad Request', `Expecting to find project_id in limit.${CLIENT_ERROR}`));
    const good = { service_id: serviceId, project_id: ids.alt_demo, region_id: 'RegionOne', resource_name: 'volume', resource_limit: 1 };
    for (const body of [
      {}, { limits: [] }, { limits: [{ ...good, domain_id: 'default' }] }, { limits: [{ ...good, region_id: null }] },
      { limits: [{ ...good, resource_limit: -2 }] }, { limits: [{ ...good, resource_limit: 1.5 }] }, { limits: [{ ...good, default_limit: 1 }] },
      { limits: [{ service_id: serviceId, resource_name: 'volume', resource_limit: 1 }] },
    ]) {
      const r = await sys.post('/limits', body);
      assert.equal(r.status, 400, JSON.stringify(body));
    }
    assert.equal((await sys.get('/limits')).body.limits.length, 3);
  });

  test('update a limit (resource_limit, description; nothing else), delete it', async () => {
    const r = await sys.patch(`/limits/${ids.domainLimit}`, { limit: { resource_limit: 0, description: 'none left' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.limit.resource_limit, 0);
    assert.equal(r.body.limit.description, 'none left');
    for (const limit of [{ project_id: ids.demo }, { id: ids.domainLimit }, { resource_limit: 'x' }, { resource_name: 'snapshot' }]) {
      assert.equal((await sys.patch(`/limits/${ids.domainLimit}`, { limit })).status, 400, JSON.stringify(limit));
    }
    assert.deepEqual((await sys.patch('/limits/f00', { limit: { resource_limit: 1 } })).body, error(404, 'Not Found', 'Could not find limit for f00.'));
    assert.equal((await sys.delete(`/limits/${ids.domainLimit}`)).status, 204);
    assert.equal((await sys.get(`/limits/${ids.domainLimit}`)).status, 404);
    assert.equal((await sys.delete(`/limits/${ids.domainLimit}`)).status, 404);
  });

  test('a registered limit with limits can be neither updated nor deleted (403)', async () => {
    const message = `Unable to update or delete registered limit ${volumeRl.id} because there are project limits associated with it.`;
    assert.deepEqual((await sys.patch(`/registered_limits/${volumeRl.id}`, { registered_limit: { default_limit: 1 } })).body, error(403, 'Forbidden', message));
    assert.deepEqual((await sys.delete(`/registered_limits/${volumeRl.id}`)).body, error(403, 'Forbidden', message));
  });

  test('the limit model is flat', async () => {
    for (const c of [sys, member, reader]) {
      const r = await c.get('/limits/model');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { model: { name: 'flat', description: 'Limit enforcement and validation does not take project hierarchy into consideration.' } });
    }
  });
});

describe('policy by persona (Keystone Zed)', () => {
  test('writes are a system admin\'s only: a project admin, member or reader gets 403 and nothing changes', async () => {
    const rl = { registered_limits: [{ service_id: otherServiceId, resource_name: 'persona', default_limit: 1 }] };
    const limit = { limits: [{ service_id: serviceId, project_id: ids.demo, region_id: 'RegionOne', resource_name: 'volume', resource_limit: 1 }] };
    const someRl = (await sys.get('/registered_limits')).body.registered_limits[0].id;
    for (const [who, c] of [['project admin', projectAdmin], ['member', member], ['reader', reader]] as const) {
      const calls = [
        c.post('/registered_limits', rl), c.patch(`/registered_limits/${someRl}`, { registered_limit: { default_limit: 2 } }), c.delete(`/registered_limits/${someRl}`),
        c.post('/limits', limit), c.patch(`/limits/${ids.demoLimit}`, { limit: { resource_limit: 2 } }), c.delete(`/limits/${ids.demoLimit}`),
      ];
      for (const r of await Promise.all(calls)) {
        assert.equal(r.status, 403, who);
        assert.equal(r.body.error.title, 'Forbidden');
      }
    }
    assert.equal((await sys.get(`/limits/${ids.demoLimit}`)).body.limit.resource_limit, 11);
    assert.ok(!(await sys.get('/registered_limits')).body.registered_limits.some((r: any) => r.resource_name === 'persona'));
    // A system reader reads everything but may not write.
    const admins = await clientsFor(cloud, 'admin');
    const u = await admins.identity.post('/users', { user: { name: 'system-reader', password: 'secret', domain_id: 'default' } });
    const readerRole = (await admins.identity.get('/roles?name=reader')).body.roles[0].id;
    assert.equal((await admins.identity.put(`/system/users/${u.body.user.id}/roles/${readerRole}`)).status, 204);
    const sysReader = await systemLogin(cloud, 'system-reader');
    assert.equal((await sysReader.get(`/limits/${ids.altLimit}`)).status, 200);
    assert.equal((await sysReader.get('/limits')).body.limits.length, 2);
    assert.equal((await sysReader.post('/limits', limit)).status, 403);
  });

  test('a project sees its own limits only: in the list, and one by id (403 for another\'s, or one that is not there)', async () => {
    for (const c of [member, reader]) {
      const list = await c.get('/limits');
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.limits.map((l: any) => l.id), [ids.demoLimit]);
      assert.deepEqual((await c.get(`/limits?project_id=${ids.alt_demo}`)).body.limits, []);
      assert.equal((await c.get(`/limits/${ids.demoLimit}`)).status, 200);
      assert.equal((await c.get(`/limits/${ids.altLimit}`)).status, 403);
      assert.equal((await c.get('/limits/f00')).status, 403);
    }
    assert.deepEqual((await alt.get('/limits')).body.limits.map((l: any) => l.id), [ids.altLimit]);
    assert.equal((await alt.get(`/limits/${ids.demoLimit}`)).status, 403);
    // A project admin is no system reader: its own project's limits only.
    assert.deepEqual((await projectAdmin.get('/limits')).body.limits, []);
    assert.equal((await projectAdmin.get(`/limits/${ids.demoLimit}`)).status, 403);
    assert.equal((await sys.get('/limits/f00')).status, 404);
  });

  test('a project\'s limits go with the project', async () => {
    const p = (await projectAdmin.post('/projects', { project: { name: 'short-lived', domain_id: 'default' } })).body.project;
    const made = await sys.post('/limits', { limits: [{ service_id: serviceId, project_id: p.id, region_id: 'RegionOne', resource_name: 'volume', resource_limit: 4 }] });
    assert.equal(made.status, 201);
    assert.equal((await projectAdmin.delete(`/projects/${p.id}`)).status, 204);
    assert.equal((await sys.get(`/limits/${made.body.limits[0].id}`)).status, 404);
  });
});
