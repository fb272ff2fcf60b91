// The floor of a durable object PUT on this machine: an HTTP server that does only what every
// answer to a Swift PUT must have done first, and nothing else. Each PUT's body goes to a new file
// under a temp name as it arrives (the file made by the thread pool, each chunk copied into the page
// cache on the main thread); once it has all come, the file is fsynced by the thread pool while the
// body's MD5 (the ETag) is computed on the main thread,
// then renamed into place and its directory fsynced; the answer is a 201 with the ETag. No account,
// container or metadata, no listing to update, no authentication, no limits, a body's chunks held
// until it is hashed: a Swift-compatible server does all of this and more, so it cannot answer PUTs
// faster than this does on the same disk and cores.
//
//   UV_THREADPOOL_SIZE=16 node bench/lib/put-floor.mjs --dir DIR [--port 0]
//
// Prints `port N` once listening; SIGTERM ends it and removes its scratch directory under DIR.
// bench/objects.mjs loads it with the same wrk scripts as Swift and Stratus.
import { createHash } from 'node:crypto';
import { closeSync, fsync as fsyncCb, mkdtempSync, open as openCb, rmSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : dflt; };
const dir = mkdtempSync(join(arg('dir', '/tmp'), 'put-floor-'));
const dirHandle = await open(dir, 'r');
let n = 0;

const server = createServer((req, res) => {
  if (req.method !== 'PUT') { res.writeHead(405, { 'Content-Length': 0 }).end(); return; }
  const i = n++;
  const temp = join(dir, `.t${i}`);
  const chunks = [];
  let fd;
  let unwritten = [];
  const opened = new Promise((resolve, reject) => openCb(temp, 'wx', (err, f) => {
    if (err) return reject(err);
    fd = f;
    for (const c of unwritten) writeSync(fd, c);
    unwritten = undefined;
    resolve(f);
  }));
  opened.catch(() => undefined); // NOTE: its error is the answer's, at the end.
  req.on('data', (chunk) => {
    chunks.push(chunk);
    if (fd === undefined) unwritten?.push(chunk); else writeSync(fd, chunk);
  });
  req.on('end', async () => {
    try {
      const f = await opened;
      const synced = new Promise((resolve, reject) => fsyncCb(f, (err) => (err ? reject(err) : resolve())));
      const md5 = createHash('md5');
      for (const c of chunks) md5.update(c);
      const etag = md5.digest('hex');
      await synced;
      closeSync(f);
      await rename(temp, join(dir, `o${i}`));
      await dirHandle.sync();
      res.writeHead(201, { ETag: etag, 'Content-Length': 0 }).end();
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(arg('port', 0)), '127.0.0.1', () => console.log(`port ${server.address().port}`));

const stop = () => server.close(() => { rmSync(dir, { recursive: true, force: true }); process.exit(0); });
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
