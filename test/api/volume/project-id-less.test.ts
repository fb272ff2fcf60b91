// Cinder's URLs without {project_id} (3.67): every v3 route answers at /volume/v3/<collection>
// too, at every microversion; the project is the token's, and links name no project.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { MicroversionClient, userWithRole, type Clients } from '../../support/clients.js';
import { startVolume, waitFor } from './volume-client.js';

describe('Cinder URLs without a project id', () => {
  let cloud: TestCloud;
  let admin: Clients;
  let demo: Clients;
  /** demo's calls at /volume/v3 with no project segment. */
  let bare: MicroversionClient;
  const at = (c: Clients, mv?: string) => new MicroversionClient(`${cloud.url}/volume/v3`, c.token, 'volume', mv);
  before(async () => {
    ({ cloud, admin, demo } = await startVolume());
    bare = at(demo);
  });
  after(async () => cloud.stop());

  test('create, show and list answer without the project, with links that name none', async () => {
    const r = await bare.post('/volumes', { volume: { size: 1, name: 'bare' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const v = r.body.volume;
    assert.deepEqual(v.links, [
      { href: `${cloud.url}/volume/v3/volumes/${v.id}`, rel: 'self' },
      { href: `${cloud.url}/volume/volumes/${v.id}`, rel: 'bookmark' },
    ]);
    await waitFor(demo.volume, `/volumes/${v.id}`, 'available');
    const shown = await bare.get(`/volumes/${v.id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.volume.name, 'bare');
    assert.equal(shown.body.volume['os-vol-tenant-attr:tenant_id'], await demo.volume.projectId());
    assert.equal(shown.body.volume.links[0].href, `${cloud.url}/volume/v3/volumes/${v.id}`);
    const withProject = await demo.volume.get(`/volumes/${v.id}`);
    assert.equal(withProject.body.volume.links[0].href, `${cloud.url}/volume/v3/${await demo.volume.projectId()}/volumes/${v.id}`, 'a URL with the project keeps it in links');
    const list = await bare.get('/volumes');
    assert.equal(list.status, 200);
    assert.ok(list.body.volumes.some((x: any) => x.id === v.id));
    const detail = await bare.get('/volumes/detail');
    assert.ok(detail.body.volumes.some((x: any) => x.id === v.id && x.status === 'available'));
    const meta = await bare.post(`/volumes/${v.id}/metadata`, { metadata: { k: 'v' } });
    assert.equal(meta.status, 200);
    assert.deepEqual((await demo.volume.get(`/volumes/${v.id}/metadata`)).body.metadata, { k: 'v' });
  });

  test('the next link of a page names no project', async () => {
    for (const name of ['p1', 'p2']) assert.equal((await bare.post('/volumes', { volume: { size: 1, name } })).status, 202);
    const page = await bare.get('/volumes?limit=1');
    assert.equal(page.status, 200);
    assert.equal(page.body.volumes.length, 1);
    const next = page.body.volumes_links[0];
    assert.equal(next.rel, 'next');
    assert.ok(next.href.startsWith(`${cloud.url}/volume/v3/volumes?`), next.href);
    assert.match(next.href, new RegExp(`marker=${page.body.volumes[0].id}`));
  });

  test('at every microversion, for every collection', async () => {
    for (const mv of ['3.0', '3.66', '3.67', '3.70']) {
      const r = await at(demo, mv).get('/types');
      assert.equal(r.status, 200, `types at ${mv}`);
      assert.ok(r.body.volume_types.some((t: any) => t.name === '__DEFAULT__'));
      assert.equal(r.headers.get('openstack-api-version'), `volume ${mv}`);
    }
    assert.equal((await bare.get('/snapshots')).status, 200);
    assert.equal((await bare.get('/os-availability-zone')).status, 200);
    assert.equal((await bare.get('/limits')).status, 200);
    const quotas = await bare.get(`/os-quota-sets/${await demo.volume.projectId()}`);
    assert.equal(quotas.status, 200);
    assert.equal((await at(demo, '3.27').get('/attachments')).status, 200);
    assert.equal((await bare.get(`/volumes/${crypto.randomUUID()}`)).status, 404);
  });

  test("another project's token sees only its own volumes", async () => {
    const p = await admin.identity.post('/projects', { project: { name: 'bare-other', domain_id: 'default' } });
    assert.equal(p.status, 201);
    const other = await userWithRole(cloud, admin, 'member', 'bare-other', 'bare-other-member');
    const mine = await at(other).post('/volumes', { volume: { size: 1, name: 'others' } });
    assert.equal(mine.status, 202);
    const theirs = (await at(other).get('/volumes')).body.volumes.map((x: any) => x.name);
    assert.deepEqual(theirs, ['others']);
    const demos = (await bare.get('/volumes')).body.volumes.map((x: any) => x.name);
    assert.ok(!demos.includes('others'));
    assert.equal((await bare.get(`/volumes/${mine.body.volume.id}`)).status, 404);
    const wrong = await bare.get(`/${p.body.project.id}/volumes`);
    assert.equal(wrong.status, 400, "another project's id in the URL is still refused");
    assert.equal(wrong.body.badRequest.message, 'Malformed request url');
  });

  test('the version roots still answer', async () => {
    const v3 = await fetch(`${cloud.url}/volume/v3`);
    assert.equal(v3.status, 200);
    const body = (await v3.json()) as any;
    assert.equal(body.versions[0].id, 'v3.0');
    assert.equal(body.versions[0].version, '3.70');
    assert.equal((await fetch(`${cloud.url}/volume/`)).status, 300);
    assert.equal((await fetch(`${cloud.url}/volume/v3/volumes`)).status, 401, 'a bare collection still needs a token');
  });
});
