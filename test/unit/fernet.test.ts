import assert from 'node:assert/strict';
import { createHmac, createDecipheriv } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FernetKeys } from '../../src/services/identity/domain/fernet.js';

// Fernet tokens as Keystone makes them, and its key repository (keystone-manage fernet_setup /
// fernet_rotate): staged key 0, primary = highest index, secondaries decrypt until purged.

const dirs: string[] = [];
const repo = (maxActive = 3) => {
  const dir = mkdtempSync(join(tmpdir(), 'fernet-test-'));
  dirs.push(dir);
  const keys = new FernetKeys(dir, maxActive);
  keys.load(24 * 3600_000);
  return { dir, keys };
};
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('fernet', () => {
  test('setup lays out keys 0 and 1; round trip', () => {
    const { dir, keys } = repo();
    assert.deepEqual(readdirSync(dir).sort(), ['0', '1']);
    const plain = Buffer.from('hello payload');
    const token = keys.encrypt(plain);
    assert.match(token, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
    assert.deepEqual(keys.decrypt(token), plain);
    assert.notEqual(keys.encrypt(plain), token, 'a fresh IV each time');
  });

  test('the token is a Fernet spec token signed with the primary key', () => {
    const { dir, keys } = repo();
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const raw = Buffer.from(keys.encrypt(Buffer.from('spec'), now), 'base64url');
    assert.equal(raw[0], 0x80);
    assert.equal(raw.readBigUInt64BE(1), BigInt(now / 1000));
    const key = Buffer.from(readFileSync(join(dir, '1'), 'utf8').trim(), 'base64url');
    assert.equal(key.length, 32);
    const body = raw.subarray(0, raw.length - 32);
    assert.deepEqual(createHmac('sha256', key.subarray(0, 16)).update(body).digest(), raw.subarray(raw.length - 32));
    const d = createDecipheriv('aes-128-cbc', key.subarray(16), body.subarray(9, 25));
    assert.equal(Buffer.concat([d.update(body.subarray(25)), d.final()]).toString(), 'spec');
  });

  test('tampering anywhere makes the token invalid', () => {
    const { keys } = repo();
    const token = keys.encrypt(Buffer.from('x'.repeat(40)));
    const raw = Buffer.from(token, 'base64url');
    for (const i of [0, 5, 12, 30, raw.length - 40, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 0x01;
      assert.equal(keys.decrypt(bad.toString('base64url')), undefined, `byte ${i}`);
    }
    assert.equal(keys.decrypt(token.slice(0, -4)), undefined, 'truncated');
    assert.equal(keys.decrypt(''), undefined);
    assert.equal(keys.decrypt('not a token at all'), undefined);
  });

  test('a token from another key repository does not decrypt', () => {
    const a = repo().keys;
    const b = repo().keys;
    assert.equal(b.decrypt(a.encrypt(Buffer.from('mine'))), undefined);
  });

  test('rotation keeps old tokens valid until their key is purged', () => {
    const { dir, keys } = repo(3);
    const before = keys.encrypt(Buffer.from('before'));
    // Rotate: staged 0 becomes primary 2; 1 stays as a secondary.
    keys.rotate();
    keys.load(24 * 3600_000);
    assert.deepEqual(readdirSync(dir).sort(), ['0', '1', '2']);
    assert.equal(keys.decrypt(before)?.toString(), 'before');
    const second = keys.encrypt(Buffer.from('second'));
    // Another rotation purges key 1 (max 3 active keys: staged, primary, one secondary).
    keys.rotate();
    keys.load(24 * 3600_000);
    assert.deepEqual(readdirSync(dir).sort(), ['0', '2', '3']);
    assert.equal(keys.decrypt(before), undefined, 'its key is gone');
    assert.equal(keys.decrypt(second)?.toString(), 'second');
    assert.equal(keys.decrypt(keys.encrypt(Buffer.from('third')))?.toString(), 'third');
  });

  test('the staged key already decrypts, so a token signed after a rotation elsewhere validates', () => {
    const { dir } = repo();
    const here = new FernetKeys(dir); here.load(24 * 3600_000);
    const there = new FernetKeys(dir); there.load(24 * 3600_000);
    there.rotate(); there.load(24 * 3600_000);
    const token = there.encrypt(Buffer.from('new primary'));
    assert.equal(here.decrypt(token)?.toString(), 'new primary');
  });

  test('load rotates when the primary key is older than the rotation period', () => {
    const { dir, keys } = repo();
    const token = keys.encrypt(Buffer.from('old'));
    const again = new FernetKeys(dir);
    again.load(-1);
    assert.deepEqual(readdirSync(dir).sort(), ['0', '1', '2']);
    assert.equal(again.decrypt(token)?.toString(), 'old');
  });
});
