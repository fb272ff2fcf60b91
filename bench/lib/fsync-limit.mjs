// The disk's ceiling for durable PUTs: files of SIZE bytes written, fsynced and renamed into place
// (what Swift's object server does per PUT; no HTTP, no metadata, no MD5), by C writers at once,
// with node's fs (run it with UV_THREADPOOL_SIZE ≥ C so that the thread pool is not the limit).
//
//   UV_THREADPOOL_SIZE=16 node bench/lib/fsync-limit.mjs --dir DIR [--sizes "4096 1048576"] [--conns "1 16"] [--seconds 2]
//
// One line per size and c: `SIZE C FILES_PER_SECOND MB_PER_SECOND`. DIR (on the file system to
// measure) gets a scratch subdirectory that is removed.
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : dflt; };
const dir = mkdtempSync(join(arg('dir', '/tmp'), 'fsync-limit-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const seconds = Number(arg('seconds', 2));

for (const size of arg('sizes', '4096 1048576').split(/\s+/).map(Number)) {
  const buf = Buffer.alloc(size, 'x');
  for (const c of arg('conns', '1 16').split(/\s+/).map(Number)) {
    let n = 0;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    await Promise.all(Array.from({ length: c }, async () => {
      while (performance.now() < end) {
        const i = n++;
        const fh = await open(join(dir, `t${i}`), 'wx');
        await fh.write(buf);
        await fh.sync();
        await fh.close();
        await rename(join(dir, `t${i}`), join(dir, `f${i}`));
      }
    }));
    const secs = (performance.now() - t0) / 1000;
    console.log(`${size} ${c} ${(n / secs).toFixed(1)} ${((n * size) / secs / 1e6).toFixed(2)}`);
    await Promise.all(Array.from({ length: n }, (_, i) => rm(join(dir, `f${i}`), { force: true })));
  }
}
