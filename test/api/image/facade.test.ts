import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { openDatabase } from '../../../src/core/db/database.js';
import { serviceContext } from '../../support/service-context.js';
import { ImageModule, type ImageFacade } from '../../../src/services/image/index.js';

// The facade compute calls (createImage, uploadImage, findImage, imageFilePath, deleteImage), on
// the image module opened over a real database and data dir.

let dir: string;
let close: () => Promise<void>;
let facade: ImageFacade;
let module: ImageModule;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stratus-image-facade-'));
  const { db, close: c } = openDatabase(join(dir, 'stratus.db'));
  close = c;
  module = await ImageModule.open(serviceContext(db, dir));
  facade = module.facade;
});
after(async () => { await module.close(); await close(); rmSync(dir, { recursive: true, force: true }); });

test('create, upload, find, file path, delete', async () => {
  const { id } = await facade.createImage({ name: 'snap', projectId: 'p1', diskFormat: 'raw', containerFormat: 'bare', visibility: 'private', properties: { image_type: 'snapshot' } });
  const queued = await facade.findImage(id, { projectId: 'p1', isAdmin: false });
  assert.equal(queued?.status, 'queued');
  assert.equal(queued?.properties.image_type, 'snapshot');
  assert.equal(await facade.imageFilePath(id), undefined);
  assert.equal(await facade.findImage(id, { projectId: 'p2', isAdmin: false }), undefined);
  assert.equal((await facade.findImage(id, { projectId: 'p2', isAdmin: true }))?.id, id);

  await facade.uploadImage(id, Readable.from([Buffer.from('disk '), Buffer.from('bytes')]));
  const active = await facade.findImage(id, { projectId: 'p1', isAdmin: false });
  assert.deepEqual({ status: active?.status, size: active?.size, minDisk: active?.minDisk, diskFormat: active?.diskFormat }, { status: 'active', size: 10, minDisk: 0, diskFormat: 'raw' });
  const path = await facade.imageFilePath(id);
  assert.ok(path);
  assert.equal(readFileSync(path!, 'utf8'), 'disk bytes');
  await assert.rejects(facade.uploadImage(id, Readable.from([Buffer.from('again')])), /transition from active to saving/);

  await facade.deleteImage(id);
  assert.equal(await facade.findImage(id, { projectId: 'p1', isAdmin: true }), undefined);
  assert.ok(!existsSync(path!));
});

test('shared images: found for a member only once accepted', async () => {
  const { id } = await facade.createImage({ name: 'shared', projectId: 'p1' });
  await module.domain.members.create((await module.domain.tables.get(id))!, 'p2');
  assert.equal(await facade.findImage(id, { projectId: 'p2', isAdmin: false }), undefined);
  await module.domain.tables.updateMember(id, 'p2', { status: 'accepted' });
  assert.equal((await facade.findImage(id, { projectId: 'p2', isAdmin: false }))?.name, 'shared');
  const pub = await facade.createImage({ name: 'pub', projectId: 'p1', visibility: 'public' });
  assert.equal((await facade.findImage(pub.id, { projectId: 'p3', isAdmin: false }))?.name, 'pub');
});
