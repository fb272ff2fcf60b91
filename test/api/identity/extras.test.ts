import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { type Client, login, startTestCloud, type TestCloud } from '../../support/cloud.js';

// OS-OAUTH1 consumers, OS-EP-FILTER endpoint groups and domain-specific configuration, as
// Keystone (Zed) answers them.

let cloud: TestCloud;
let admin: Client;
let demo: Client;

before(async () => {
  cloud = await startTestCloud();
  admin = await login(cloud, 'admin', 'secret', 'admin');
  demo = await login(cloud, 'demo', 'secret', 'demo');
});
after(async () => { await cloud.stop(); });

const readDb = <T>(query: string, ...params: unknown[]): T[] => {
  const db = new Database(join(cloud.dataDir, 'stratus.db'), { readonly: true });
  try { return db.prepare(query).all(...params) as T[]; } finally { db.close(); }
};

describe('OS-OAUTH1 consumers', () => {
  test('create shows the secret once and stores only its hash', async () => {
    const r = await admin.post('/OS-OAUTH1/consumers', { consumer: { description: 'first', 'x-tra': 1 } });
    assert.equal(r.status, 201);
    const c = r.body.consumer;
    assert.match(c.secret, /^[0-9a-f]{32}$/);
    assert.equal(c.description, 'first');
    assert.equal(c.x_tra, 1, "Keystone normalizes '-' in attribute names");
    assert.match(c.links.self, new RegExp(`/identity/v3/OS-OAUTH1/consumers/${c.id}$`));

    const [row] = readDb<{ secret_hash: string }>('SELECT secret_hash FROM consumers WHERE id = ?', c.id);
    assert.equal(row!.secret_hash, createHash('sha256').update(c.secret).digest('hex'));

    const shown = await admin.get(`/OS-OAUTH1/consumers/${c.id}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.consumer, { x_tra: 1, id: c.id, description: 'first', links: c.links });
    const listed = await admin.get('/OS-OAUTH1/consumers');
    const mine = listed.body.consumers.find((x: any) => x.id === c.id);
    assert.ok(mine && !('secret' in mine));
  });

  test('update changes the description; a secret, an id change or nothing is a 400', async () => {
    const { body } = await admin.post('/OS-OAUTH1/consumers', { consumer: {} });
    const id = body.consumer.id;
    assert.equal(body.consumer.description, null);
    const u = await admin.patch(`/OS-OAUTH1/consumers/${id}`, { consumer: { description: 'new' } });
    assert.equal(u.status, 200);
    assert.equal(u.body.consumer.description, 'new');
    assert.ok(!('secret' in u.body.consumer));
    assert.equal((await admin.patch(`/OS-OAUTH1/consumers/${id}`, { consumer: { secret: 'mine' } })).status, 400);
    assert.equal((await admin.patch(`/OS-OAUTH1/consumers/${id}`, { consumer: {} })).status, 400);
    assert.equal((await admin.patch(`/OS-OAUTH1/consumers/${id}`, { consumer: { id: 'other' } })).status, 400);
  });

  test('delete, then 404 in Keystone\'s error body', async () => {
    const { body } = await admin.post('/OS-OAUTH1/consumers', { consumer: { description: 'gone' } });
    assert.equal((await admin.delete(`/OS-OAUTH1/consumers/${body.consumer.id}`)).status, 204);
    const r = await admin.get(`/OS-OAUTH1/consumers/${body.consumer.id}`);
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { error: { code: 404, title: 'Not Found', message: 'Consumer not found' } });
    assert.equal((await admin.delete(`/OS-OAUTH1/consumers/${body.consumer.id}`)).status, 404);
  });

  test('admin only', async () => {
    assert.equal((await demo.get('/OS-OAUTH1/consumers')).status, 403);
    const r = await demo.post('/OS-OAUTH1/consumers', { consumer: { description: 'x' } });
    assert.equal(r.status, 403);
    assert.match(r.body.error.message, /identity:create_consumer/);
  });
});

describe('OS-EP-FILTER endpoint groups', () => {
  let serviceId: string;
  let endpointIds: string[];

  before(async () => {
    serviceId = (await admin.post('/services', { service: { type: 'eg-test', name: 'eg' } })).body.service.id;
    endpointIds = [];
    for (const iface of ['public', 'internal']) {
      const r = await admin.post('/endpoints', { endpoint: { service_id: serviceId, interface: iface, url: `http://eg/${iface}`, region_id: 'RegionOne' } });
      endpointIds.push(r.body.endpoint.id);
    }
  });

  test('CRUD, HEAD and the endpoints matching the filters', async () => {
    const c = await admin.post('/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: 'g1', description: 'd', filters: { service_id: serviceId } } });
    assert.equal(c.status, 201);
    const g = c.body.endpoint_group;
    assert.deepEqual(Object.keys(g).sort(), ['description', 'filters', 'id', 'links', 'name']);
    assert.match(g.links.self, new RegExp(`/identity/v3/OS-EP-FILTER/endpoint_groups/${g.id}$`));

    assert.deepEqual((await admin.get(`/OS-EP-FILTER/endpoint_groups/${g.id}`)).body.endpoint_group, g);
    assert.ok((await admin.get('/OS-EP-FILTER/endpoint_groups')).body.endpoint_groups.some((x: any) => x.id === g.id));
    assert.equal((await admin.head(`/OS-EP-FILTER/endpoint_groups/${g.id}`)).status, 200);

    let eps = (await admin.get(`/OS-EP-FILTER/endpoint_groups/${g.id}/endpoints`)).body.endpoints.map((e: any) => e.id).sort();
    assert.deepEqual(eps, [...endpointIds].sort());

    const u = await admin.patch(`/OS-EP-FILTER/endpoint_groups/${g.id}`, { endpoint_group: { name: 'g2', filters: { service_id: serviceId, interface: 'internal' } } });
    assert.equal(u.status, 200);
    assert.equal(u.body.endpoint_group.name, 'g2');
    assert.equal(u.body.endpoint_group.description, 'd');
    eps = (await admin.get(`/OS-EP-FILTER/endpoint_groups/${g.id}/endpoints`)).body.endpoints.map((e: any) => e.id);
    assert.deepEqual(eps, [endpointIds[1]]);

    assert.equal((await admin.delete(`/OS-EP-FILTER/endpoint_groups/${g.id}`)).status, 204);
    const gone = await admin.head(`/OS-EP-FILTER/endpoint_groups/${g.id}`);
    assert.equal(gone.status, 404);
    const r = await admin.get(`/OS-EP-FILTER/endpoint_groups/${g.id}`);
    assert.equal(r.body.error.message, `Could not find Endpoint Group: ${g.id}.`);
  });

  test('invalid or empty filters and missing fields are 400', async () => {
    const bad = await admin.post('/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: 'x', filters: { url: 'http://x' } } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^Expecting to find service_id or region_id or interface in endpoint_group\./);
    assert.equal((await admin.post('/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: 'x', filters: {} } })).status, 400);
    assert.equal((await admin.post('/OS-EP-FILTER/endpoint_groups', { endpoint_group: { filters: { interface: 'public' } } })).status, 400);
    assert.equal((await admin.post('/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: 'x' } })).status, 400);
    const { body } = await admin.post('/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: 'ok', filters: { interface: 'public' } } });
    const id = body.endpoint_group.id;
    assert.equal((await admin.patch(`/OS-EP-FILTER/endpoint_groups/${id}`, { endpoint_group: { filters: { bogus: 1 } } })).status, 400);
    assert.equal((await admin.patch(`/OS-EP-FILTER/endpoint_groups/${id}`, { endpoint_group: {} })).status, 400);
    assert.equal((await admin.patch(`/OS-EP-FILTER/endpoint_groups/${id}`, { endpoint_group: { id: 'other' } })).status, 400);
    await admin.delete(`/OS-EP-FILTER/endpoint_groups/${id}`);
  });

  test('project associations: PUT, GET, HEAD, lists, DELETE; they go with the project', async () => {
    const g = (await admin.post('/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: 'assoc', filters: { interface: 'admin' } } })).body.endpoint_group;
    const p = (await admin.post('/projects', { project: { name: 'eg-project', domain_id: 'default' } })).body.project;
    const path = `/OS-EP-FILTER/endpoint_groups/${g.id}/projects/${p.id}`;

    const missing = await admin.get(path);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.message, 'Endpoint Group Project Association not found');
    assert.equal((await admin.put(path)).status, 204);
    assert.equal((await admin.put(path)).status, 409);
    const shown = await admin.get(path);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.project_endpoint_group, {
      endpoint_group_id: g.id, project_id: p.id, links: { self: `/OS-EP-FILTER/endpoint_groups/${g.id}/projects/${p.id}` },
    });
    assert.equal((await admin.head(path)).status, 200);
    assert.deepEqual((await admin.get(`/OS-EP-FILTER/endpoint_groups/${g.id}/projects`)).body.projects.map((x: any) => x.id), [p.id]);
    assert.deepEqual((await admin.get(`/OS-EP-FILTER/projects/${p.id}/endpoint_groups`)).body.endpoint_groups.map((x: any) => x.id), [g.id]);
    assert.equal((await admin.put(`/OS-EP-FILTER/endpoint_groups/${g.id}/projects/nope`)).status, 404);
    assert.equal((await admin.put(`/OS-EP-FILTER/endpoint_groups/nope/projects/${p.id}`)).status, 404);

    assert.equal((await admin.delete(path)).status, 204);
    assert.equal((await admin.delete(path)).status, 404);

    assert.equal((await admin.put(path)).status, 204);
    assert.equal((await admin.delete(`/projects/${p.id}`)).status, 204);
    assert.deepEqual((await admin.get(`/OS-EP-FILTER/endpoint_groups/${g.id}/projects`)).body.projects, []);
    assert.equal((await admin.delete(`/OS-EP-FILTER/endpoint_groups/${g.id}`)).status, 204);
  });

  test('admin only', async () => {
    assert.equal((await demo.get('/OS-EP-FILTER/endpoint_groups')).status, 403);
    assert.equal((await demo.post('/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: 'x', filters: { interface: 'public' } } })).status, 403);
  });
});

describe('domain-specific configuration', () => {
  const custom = { identity: { driver: 'ldap' }, ldap: { url: 'ldap://myldap.com:389/', user_tree_dn: 'ou=Users,dc=org' } };
  let domainId: string;

  before(async () => {
    domainId = (await admin.post('/domains', { domain: { name: 'config-test' } })).body.domain.id;
  });

  test('defaults: all, a group, an option', async () => {
    const all = await admin.get('/domains/config/default');
    assert.equal(all.status, 200);
    assert.deepEqual(Object.keys(all.body.config).sort(), ['identity', 'ldap']);
    assert.ok(!('password' in all.body.config.ldap));
    assert.deepEqual((await admin.get('/domains/config/identity/default')).body, { config: { identity: { driver: 'sql', list_limit: null } } });
    assert.deepEqual((await admin.get('/domains/config/ldap/url/default')).body, { config: { url: 'ldap://localhost' } });
    const pw = await admin.get('/domains/config/ldap/password/default');
    assert.equal(pw.status, 403);
    assert.equal(pw.body.error.message, 'Invalid domain specific configuration: Reading the default for option password in group ldap is not supported.');
    assert.equal((await admin.get('/domains/config/nova/default')).status, 403);
    assert.equal((await admin.get('/domains/config/ldap/bogus/default')).status, 403);
    assert.equal((await admin.head('/domains/config/default')).status, 200);
  });

  test('PUT creates (201) then replaces (200); GET the whole, a group, an option', async () => {
    assert.equal((await admin.get(`/domains/${domainId}/config`)).status, 404);
    const c = await admin.put(`/domains/${domainId}/config`, { config: custom });
    assert.equal(c.status, 201);
    assert.deepEqual(c.body, { config: custom });
    const again = await admin.put(`/domains/${domainId}/config`, { config: custom });
    assert.equal(again.status, 200);
    assert.deepEqual((await admin.get(`/domains/${domainId}/config`)).body, { config: custom });
    assert.deepEqual((await admin.get(`/domains/${domainId}/config/ldap`)).body, { config: { ldap: custom.ldap } });
    assert.deepEqual((await admin.get(`/domains/${domainId}/config/identity/driver`)).body, { config: { driver: 'ldap' } });
    assert.equal((await admin.head(`/domains/${domainId}/config/identity`)).status, 200);
  });

  test('the sensitive ldap password is stored but never returned', async () => {
    const r = await admin.put(`/domains/${domainId}/config`, { config: { ...custom, ldap: { ...custom.ldap, password: 'hush' } } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { config: custom });
    assert.deepEqual((await admin.get(`/domains/${domainId}/config/ldap`)).body, { config: { ldap: custom.ldap } });
    assert.equal((await admin.get(`/domains/${domainId}/config/ldap/password`)).status, 404);
    // ... but it exists: deleting it works once.
    assert.equal((await admin.delete(`/domains/${domainId}/config/ldap/password`)).status, 204);
    assert.equal((await admin.delete(`/domains/${domainId}/config/ldap/password`)).status, 404);
  });

  test('PATCH the whole, a group, an option; DELETE an option, a group', async () => {
    await admin.put(`/domains/${domainId}/config`, { config: custom });
    const whole = await admin.patch(`/domains/${domainId}/config`, { config: { ldap: { url: 'ldap://other' } } });
    assert.equal(whole.status, 200);
    assert.deepEqual(whole.body.config, { identity: { driver: 'ldap' }, ldap: { url: 'ldap://other', user_tree_dn: custom.ldap.user_tree_dn } });

    const group = await admin.patch(`/domains/${domainId}/config/identity`, { config: { identity: { driver: 'sql', list_limit: 7 } } });
    assert.equal(group.status, 200);
    assert.deepEqual(group.body.config.identity, { driver: 'sql', list_limit: 7 });
    const option = await admin.patch(`/domains/${domainId}/config/identity/driver`, { config: { driver: 'ldap' } });
    assert.equal(option.body.config.identity.driver, 'ldap');

    // Only the named group/option, and it must already exist.
    assert.equal((await admin.patch(`/domains/${domainId}/config/identity`, { config: { ldap: { url: 'x' } } })).status, 403);
    assert.equal((await admin.patch(`/domains/${domainId}/config/identity/driver`, { config: { driver: 'a', list_limit: 1 } })).status, 403);
    assert.equal((await admin.patch(`/domains/${domainId}/config/ldap/user`, { config: { user: 'cn=x' } })).status, 404);

    assert.equal((await admin.delete(`/domains/${domainId}/config/identity/driver`)).status, 204);
    const gone = await admin.get(`/domains/${domainId}/config/identity/driver`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.message, `Could not find option driver in group identity in domain configuration for domain ${domainId}.`);
    assert.equal((await admin.delete(`/domains/${domainId}/config/identity`)).status, 204);
    assert.equal((await admin.get(`/domains/${domainId}/config/identity`)).status, 404);
    assert.equal((await admin.delete(`/domains/${domainId}/config/identity`)).status, 404);
    assert.equal((await admin.delete(`/domains/${domainId}/config`)).status, 204);
    assert.equal((await admin.get(`/domains/${domainId}/config`)).status, 404);
  });

  test('unknown groups and options, empty configs are 403 InvalidDomainConfig', async () => {
    const g = await admin.put(`/domains/${domainId}/config`, { config: { nova: { x: 1 } } });
    assert.equal(g.status, 403);
    assert.equal(g.body.error.message, 'Invalid domain specific configuration: Group nova is not supported for domain specific configurations.');
    const o = await admin.put(`/domains/${domainId}/config`, { config: { ldap: { nope: 1 } } });
    assert.equal(o.status, 403);
    assert.equal(o.body.error.message, 'Invalid domain specific configuration: Option nope in group ldap is not supported for domain specific configurations.');
    assert.equal((await admin.put(`/domains/${domainId}/config`, { config: {} })).status, 403);
    assert.equal((await admin.put(`/domains/${domainId}/config`, { config: { ldap: {} } })).status, 403);
    assert.equal((await admin.get(`/domains/${domainId}/config/nova`)).status, 403);
    assert.equal((await admin.put('/domains/nope/config', { config: custom })).status, 404);
  });

  test('security_compliance reads for the default domain only, by anyone', async () => {
    const r = await demo.get('/domains/default/config/security_compliance');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { config: { security_compliance: { password_regex: null, password_regex_description: null } } });
    assert.deepEqual((await demo.get('/domains/default/config/security_compliance/password_regex')).body, { config: { password_regex: null } });
    assert.equal((await demo.get('/domains/default/config/security_compliance/lockout_duration')).status, 403);
    assert.equal((await admin.get(`/domains/${domainId}/config/security_compliance`)).status, 403);
  });

  test('admin only', async () => {
    assert.equal((await demo.get('/domains/config/default')).status, 403);
    assert.equal((await demo.put(`/domains/${domainId}/config`, { config: custom })).status, 403);
    assert.equal((await demo.get(`/domains/${domainId}/config`)).status, 403);
  });

  test('deleting the domain drops its config', async () => {
    const d = (await admin.post('/domains', { domain: { name: 'config-doomed' } })).body.domain;
    await admin.put(`/domains/${d.id}/config`, { config: { ...custom, ldap: { ...custom.ldap, password: 'p' } } });
    assert.equal((await admin.patch(`/domains/${d.id}`, { domain: { enabled: false } })).status, 200);
    assert.equal((await admin.delete(`/domains/${d.id}`)).status, 204);
    assert.deepEqual(readDb('SELECT * FROM domain_configs WHERE domain_id = ?', d.id), []);
  });
});
