import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort, issueToken, removeDir, ROOT, run, stratus, tempDir } from '../support/server.js';

// `stratus service install|uninstall` into a unit dir of the test's own (--unit-dir: the machine's
// systemd is never touched): the unit is valid for systemd, and its ExecStart, run as systemd would
// (in its WorkingDirectory), starts the cloud with the flags given to install.

const dirs: string[] = [];
after(() => { for (const d of dirs) removeDir(d); });
function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

/** ExecStart= split as systemd splits it: double quotes with backslash escapes; $$ and %% are $ and %. */
function execStartWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) words.push((m[1]?.replace(/\\(.)/g, '$1') ?? m[2]!).replace(/\$\$/g, '$').replace(/%%/g, '%'));
  return words;
}

describe('stratus service install and uninstall', () => {
  test('install writes a unit with the flags given; its ExecStart starts that cloud; uninstall removes it', async () => {
    const units = dir();
    const work = dir();
    const port = await freePort();
    const password = 'pw with $ and % "quoted"';
    const r = await stratus(['service', 'install', '--unit-dir', units, '--port', String(port), '--bind', '127.0.0.1', '--data-dir', './cloud-data',
      '--admin-password', password, '--log-level', 'warn'], { STRATUS_LOG_FORMAT: 'json' }, { cwd: work });
    assert.equal(r.code, 0, r.stderr);
    const file = join(units, 'stratus.service');
    assert.match(r.stdout, new RegExp(`^Wrote ${file} \\(mode 0600: it holds a password\\)\\.$`, 'm'));
    assert.match(r.stdout, /^Left systemctl alone \(--unit-dir given\)\.$/m);
    assert.match(r.stdout, /^Done in \d+ ms\.$/m);
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const unit = readFileSync(file, 'utf8');
    assert.match(unit, /^\[Unit\]$/m);
    assert.match(unit, /^After=network-online\.target$/m);
    assert.match(unit, /^KillSignal=SIGTERM$/m);
    assert.match(unit, /^WantedBy=multi-user\.target$/m);
    assert.match(unit, new RegExp(`^WorkingDirectory=${work}$`, 'm'));
    assert.match(unit, /^Environment=STRATUS_LOG_FORMAT=json$/m);
    const exec = /^ExecStart=(.*)$/m.exec(unit)![1]!;
    const words = execStartWords(exec);
    assert.deepEqual(words.slice(0, 3), [process.execPath, join(ROOT, 'bin', 'stratus.js'), 'up']);
    assert.deepEqual(words.slice(3), ['--port', String(port), '--bind', '127.0.0.1', '--data-dir', './cloud-data', '--admin-password', password, '--log-level', 'warn']);

    if (existsSync('/usr/bin/systemd-analyze')) {
      const v = await run('/usr/bin/systemd-analyze', ['verify', file]);
      assert.equal(v.code, 0, v.stderr);
    }

    // NOTE: as systemd would run it: in the WorkingDirectory, with the Environment.
    const child = spawn(words[0]!, words.slice(1), { cwd: work, env: { ...process.env, STRATUS_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
      for (let i = 0; i < 240 && !/Stratus ready/.test(out); i++) await new Promise((res) => setTimeout(res, 250));
      assert.match(out, new RegExp(`Stratus ready: http://127\\.0\\.0\\.1:${port}/identity/v3`));
      assert.equal((await issueToken(`http://127.0.0.1:${port}`, 'admin', password, 'admin')).status, 201);
      assert.ok(existsSync(join(work, 'cloud-data', 'stratus.db')), 'relative paths are the WorkingDirectory\'s');
    } finally {
      const exited = new Promise((res) => child.once('exit', res));
      child.kill('SIGTERM');
      await exited;
    }

    const u = await stratus(['service', 'uninstall', '--unit-dir', units]);
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout, new RegExp(`^Removed ${file}\\.$`, 'm'));
    assert.ok(!existsSync(file));
  });

  test('--user, --name and a reinstall; bad flags and a missing unit exit 2 and write nothing', async () => {
    const units = dir();
    const first = await stratus(['service', 'install', '--user', '--name', 'lab-cloud', '--unit-dir', units, '--port', '8081']);
    assert.equal(first.code, 0, first.stderr);
    const file = join(units, 'lab-cloud.service');
    assert.equal(statSync(file).mode & 0o777, 0o644, 'no password, readable');
    assert.match(readFileSync(file, 'utf8'), /^WantedBy=default\.target$/m);
    const again = await stratus(['service', 'install', '--user', '--name', 'lab-cloud', '--unit-dir', units, '--port', '8082']);
    assert.match(again.stdout, /^Rewrote /m);
    assert.match(readFileSync(file, 'utf8'), /^ExecStart=.* up --port 8082$/m);

    const bad = await stratus(['service', 'install', '--unit-dir', units, '--port', 'eighty']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--port: 'eighty' is not a port number/);
    assert.ok(!existsSync(join(units, 'stratus.service')));

    const missing = await stratus(['service', 'uninstall', '--unit-dir', units]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no unit at .*stratus\.service; nothing changed/);
    assert.ok(existsSync(file), 'the other unit stays');
  });
});
