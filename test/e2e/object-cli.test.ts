import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { OPENSTACK_BIN, openstackOk, osEnv, removeDir, run, startServer, tempDir, type StratusServer } from '../support/server.js';

// The seeds' object storage steps with the real clients: the `openstack` CLI (container and
// object create, list, show, save, delete, account show), curl-style listings with prefix and
// delimiter and Range reads, the `swift` CLI uploading segmented large objects (static and
// dynamic) and reading them back whole; then kill -9 during 50 concurrent uploads, after which
// no partial object is listed or readable and every acknowledged one reads back with its ETag.

const SWIFT_BIN = '/usr/bin/swift';
const dir = tempDir('stratus-object-cli-');
let server: StratusServer | undefined;
after(async () => { await server?.stop(); removeDir(dir); });

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

async function tokenAndUrl(s: StratusServer): Promise<{ token: string; url: string }> {
  const r = await fetch(`${s.localUrl}/identity/v3/auth/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: s.adminPassword } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
  });
  const body = await r.json() as any;
  const url = body.token.catalog.find((c: any) => c.type === 'object-store').endpoints.find((e: any) => e.interface === 'public').url as string;
  return { token: r.headers.get('x-subject-token')!, url: `${s.localUrl}${new URL(url).pathname}` };
}

test('containers and objects with the openstack CLI, listings and ranges over HTTP, large objects with the swift CLI', { skip: !existsSync(OPENSTACK_BIN) && 'the openstack CLI is not installed', timeout: 180_000 }, async () => {
  server = await startServer({ dataDir: dir });
  const env = osEnv(server.authUrl, 'admin', server.adminPassword, 'admin');
  const os = (args: string[]) => openstackOk(args, env);

  await os(['container', 'create', 'lab']);
  const file = join(dir, 'report.txt');
  writeFileSync(file, 'the quarterly report\n');
  const made = await os(['object', 'create', 'lab', file, '--name', 'docs/report.txt', '-f', 'json']);
  assert.equal(made[0].etag, md5('the quarterly report\n'));
  await os(['object', 'create', 'lab', file, '--name', 'docs/2026/jan.txt']);
  await os(['object', 'create', 'lab', file, '--name', 'top.txt']);
  const names = (await os(['object', 'list', 'lab', '-f', 'json'])).map((o: any) => o.Name);
  assert.deepEqual(names, ['docs/2026/jan.txt', 'docs/report.txt', 'top.txt']);
  const shown = await os(['object', 'show', 'lab', 'docs/report.txt', '-f', 'json']);
  assert.equal(shown['content-type'], 'text/plain');
  assert.equal(Number(shown['content-length']), 21);
  const saved = join(dir, 'saved.txt');
  await os(['object', 'save', '--file', saved, 'lab', 'docs/report.txt']);
  assert.equal(readFileSync(saved, 'utf8'), 'the quarterly report\n');
  const account = await os(['object', 'store', 'account', 'show', '-f', 'json']);
  assert.equal(Number(account.Objects), 3);
  assert.equal(Number(account.Containers), 1);

  const { token, url } = await tokenAndUrl(server);
  const h = { 'X-Auth-Token': token };
  const listing = await (await fetch(`${url}/lab?prefix=docs/&delimiter=/&format=json`, { headers: h })).json() as any[];
  assert.deepEqual(listing.map((e) => e.subdir ?? e.name), ['docs/2026/', 'docs/report.txt']);
  const range = await fetch(`${url}/lab/docs/report.txt`, { headers: { ...h, Range: 'bytes=4-12' } });
  assert.equal(range.status, 206);
  assert.equal(range.headers.get('content-range'), 'bytes 4-12/21');
  assert.equal(await range.text(), 'quarterly');

  await os(['object', 'delete', 'lab', 'top.txt']);
  assert.equal((await fetch(`${url}/lab/top.txt`, { headers: h })).status, 404);
  const notEmpty = await run(OPENSTACK_BIN, ['container', 'delete', 'lab'], env);
  assert.notEqual(notEmpty.code, 0, 'a container with objects is not deleted');
  assert.match(notEmpty.stderr, /409|Conflict/);

  if (existsSync(SWIFT_BIN)) {
    const big = Buffer.alloc(3 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
    const bigFile = join(dir, 'big.bin');
    writeFileSync(bigFile, big);
    for (const [container, flags] of [['slo', ['--use-slo']], ['dlo', []]] as const) {
      const up = await run(SWIFT_BIN, ['upload', '--segment-size', '1048576', ...flags, container, 'big.bin'], env, { cwd: dir });
      assert.equal(up.code, 0, up.stderr);
      const out = join(dir, `${container}.out`);
      const down = await run(SWIFT_BIN, ['download', container, 'big.bin', '-o', out], env, { cwd: dir });
      assert.equal(down.code, 0, down.stderr);
      assert.equal(md5(readFileSync(out)), md5(big), `${container}: the large object reads back whole`);
      const segments = await (await fetch(`${url}/${container}_segments?format=json`, { headers: h })).json() as any[];
      assert.equal(segments.length, 4, `${container}: four segments of at most 1 MiB`);
    }
    const stat = await run(SWIFT_BIN, ['stat', 'slo', 'big.bin'], env, { cwd: dir });
    assert.match(stat.stdout, /X-Static-Large-Object: True/);
    const del = await run(SWIFT_BIN, ['delete', 'slo', 'big.bin'], env, { cwd: dir });
    assert.equal(del.code, 0, del.stderr);
    assert.deepEqual(await (await fetch(`${url}/slo_segments?format=json`, { headers: h })).json(), [], 'deleting the SLO deletes its segments');
  }
});

test('kill -9 during 50 concurrent uploads: after restart no partial object exists and every acknowledged one reads back', { timeout: 120_000 }, async () => {
  const data = tempDir('stratus-object-crash-');
  try {
    let s = await startServer({ dataDir: data });
    let { token, url } = await tokenAndUrl(s);
    assert.equal((await fetch(`${url}/crash`, { method: 'PUT', headers: { 'X-Auth-Token': token } })).status, 201);
    const body = (i: number) => Buffer.alloc(512 * 1024, i);
    const acked = new Map<string, string>();
    let answered = 0;
    const uploads = Array.from({ length: 50 }, (_, i) => fetch(`${url}/crash/o${i}`, { method: 'PUT', headers: { 'X-Auth-Token': token }, body: body(i) })
      .then((r) => { if (r.status === 201) acked.set(`o${i}`, r.headers.get('etag')!); if (++answered === 20) process.kill(s.pid, 'SIGKILL'); }, () => undefined));
    await Promise.all(uploads);
    await s.stop();
    assert.ok(acked.size >= 20, `at least the first 20 were acknowledged (${acked.size})`);
    s = await startServer({ dataDir: data });
    ({ token, url } = await tokenAndUrl(s));
    const listed = await (await fetch(`${url}/crash?format=json`, { headers: { 'X-Auth-Token': token } })).json() as any[];
    for (const [name, etag] of acked) {
      const r = await fetch(`${url}/crash/${name}`, { headers: { 'X-Auth-Token': token } });
      assert.equal(r.status, 200, `${name} was acknowledged`);
      const got = Buffer.from(await r.arrayBuffer());
      assert.equal(md5(got), etag);
    }
    for (const o of listed) {
      const i = Number(o.name.slice(1));
      assert.equal(o.bytes, 512 * 1024, `${o.name} is whole`);
      assert.equal(o.hash, md5(body(i)), `${o.name} holds what was sent`);
    }
    const head = await fetch(`${url}/crash`, { method: 'HEAD', headers: { 'X-Auth-Token': token } });
    assert.equal(Number(head.headers.get('x-container-object-count')), listed.length, 'the counts match the listing');
    await s.stop();
  } finally { removeDir(data); }
});
