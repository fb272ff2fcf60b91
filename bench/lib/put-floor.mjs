// The floor of a durable object PUT on this machine: an HTTP server that does only what every
// answer to a Swift PUT must have done first, and nothing else. Each PUT's body is hashed (MD5,
// the ETag) as it arrives and kept in memory, then written to a new file under a temp name in one
// writev, fsynced, renamed into place and its directory fsynced; the answer is a 201 with the
// ETag. No account, container or metadata, no listing to update, no authentication, no limits,
// no streaming (a body is held whole): a Swift-compatible server does all of this and more, so
// it cannot answer PUTs faster than this does on the same disk and cores.
//
//   UV_THREADPOOL_SIZE=16 node bench/lib/put-floor.mjs --dir DIR [--port 0]
//
// Prints `port N` once listening; SIGTERM ends it and removes its scratch directory under DIR.
// bench/objects.mjs loads it with the same wrk scripts as Swift and Stratus.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : dflt; };
const dir = mkdtempSync(join(arg('dir', '/tmp'), 'put-floor-'));
const dirHandle = await open(dir, 'r');
let n = 0;

async function put(chunks, etag) {
  const i = n++;
  const temp = join(dir, `.t${i}`);
  const fh = await open(temp, 'wx');
  try {
    await fh.writev(chunks);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(temp, join(dir, `o${i}`));
  await dirHandle.sync();
  return etag;
}

const server = createServer((req, res) => {
  if (req.method !== 'PUT') { res.writeHead(405, { 'Content-Length': 0 }).end(); return; }
  const md5 = createHash('md5');
  const chunks = [];
  req.on('data', (chunk) => { md5.update(chunk); chunks.push(chunk); });
  req.on('end', () => {
    put(chunks, md5.digest('hex')).then(
      (etag) => res.writeHead(201, { ETag: etag, 'Content-Length': 0 }).end(),
      (err) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err)));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(arg('port', 0)), '127.0.0.1', () => console.log(`port ${server.address().port}`));

const stop = () => server.close(() => { rmSync(dir, { recursive: true, force: true }); process.exit(0); });
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
