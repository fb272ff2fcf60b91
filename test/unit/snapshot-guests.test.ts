import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { checkSave, resetDataDir, runningGuests, SnapshotError } from '../../src/cli/data-snapshots.js';

// Guests run as processes of their own (QEMU, daemonised, its pid file in DATA_DIR/instances/<id>):
// a save refuses while one runs (its disk changes under the copy); a reset or load ends them, since
// the state they run from is replaced. A stand-in guest here is a node process whose command line
// names its instance dir, as QEMU's -pidfile does.

const dataDir = mkdtempSync(join(tmpdir(), 'stratus-snap-guests-'));
const children: number[] = [];
after(() => {
  for (const pid of children) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  rmSync(dataDir, { recursive: true, force: true });
});

function fakeGuest(id: string): number {
  const dir = join(dataDir, 'instances', id);
  mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', '-pidfile', join(dir, 'pid')], { stdio: 'ignore', detached: true });
  child.unref();
  children.push(child.pid!);
  writeFileSync(join(dir, 'pid'), `${child.pid}\n`);
  return child.pid!;
}
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

test('a save is refused while a guest runs; a reset ends the guests and nothing else', async () => {
  new Database(join(dataDir, 'stratus.db')).close();
  const pid = fakeGuest('11111111-1111-1111-1111-111111111111');
  // NOTE: a pid file naming a process that is not this instance's guest (a reused pid) counts for nothing.
  mkdirSync(join(dataDir, 'instances', 'stale'), { recursive: true });
  writeFileSync(join(dataDir, 'instances', 'stale', 'pid'), `${process.pid}\n`);
  await new Promise((r) => setTimeout(r, 200));

  assert.deepEqual(runningGuests(dataDir).map((g) => g.id), ['11111111-1111-1111-1111-111111111111']);
  assert.throws(() => checkSave(dataDir, 'before', false), (e: Error) =>
    e instanceof SnapshotError && /1 guest\(s\) run from this data dir \(11111111-1111-1111-1111-111111111111\): stop them first/.test(e.message));

  const r = await resetDataDir(dataDir);
  assert.equal(r.guestsStopped, 1);
  assert.equal(alive(pid), false, 'the guest was ended');
  assert.equal(alive(process.pid), true);
  assert.deepEqual(runningGuests(dataDir), []);
});
