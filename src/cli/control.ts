// How `stratus snapshot ...` and `stratus reset` reach a running server: `stratus up` writes
// DATA_DIR/stratus.pid (mode 0600: its pid, and the loopback URL and secret token of a small control
// endpoint), and answers POST /save, /load and /reset there by stopping its services, doing the
// work on the data dir and starting them again. The answer streams NDJSON: progress lines, then
// one `done` or `error` line.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PID_FILE, SnapshotError, type Progress } from './data-snapshots.js';

export interface PidFile { pid: number; port: number; control: string; token: string }

export type ControlRequest = { op: 'save'; name: string; force?: boolean } | { op: 'load'; name: string } | { op: 'reset' };

export type ControlLine =
  | ({ type: 'progress' } & Progress)
  | { type: 'done'; result: Record<string, unknown> }
  | { type: 'error'; message: string; usage: boolean };

/** The running server's pid file, when its process is alive (a stale one is removed). */
export function runningServer(dataDir: string): PidFile | undefined {
  const file = join(dataDir, PID_FILE);
  if (!existsSync(file)) return undefined;
  let info: PidFile;
  try { info = JSON.parse(readFileSync(file, 'utf8')) as PidFile; } catch { return undefined; }
  try {
    process.kill(info.pid, 0);
    return info;
  } catch (err) {
    // NOTE: EPERM: alive but someone else's; ESRCH: gone, the file is left from a crash.
    if ((err as NodeJS.ErrnoException).code === 'EPERM') return info;
    rmSync(file, { force: true });
    return undefined;
  }
}

/** Serves the control endpoint on loopback and writes the pid file; `handle` does the work. */
export async function serveControl(
  dataDir: string, port: () => number,
  handle: (req: ControlRequest, progress: (p: Progress) => void) => Promise<Record<string, unknown>>,
): Promise<{ close(): void }> {
  const token = randomBytes(24).toString('hex');
  let busy = false;
  const server: Server = createServer((req, res) => {
    const given = Buffer.from(String(req.headers['x-stratus-control-token'] ?? ''));
    if (given.length !== token.length || !timingSafeEqual(given, Buffer.from(token))) { res.writeHead(403).end(); return; }
    const op = (req.url ?? '').replace(/^\//, '');
    if (req.method !== 'POST' || !['save', 'load', 'reset'].includes(op)) { res.writeHead(404).end(); return; }
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const send = (line: ControlLine) => res.write(`${JSON.stringify(line)}\n`);
      if (busy) { send({ type: 'error', message: 'another snapshot or reset is under way', usage: false }); res.end(); return; }
      busy = true;
      let last = 0;
      const progress = (p: Progress) => {
        const now = Date.now();
        if (now - last >= 250 || p.doneBytes === p.totalBytes) { last = now; send({ type: 'progress', ...p }); }
      };
      let request: ControlRequest;
      try { request = { ...(JSON.parse(body || '{}') as object), op } as ControlRequest; } catch { request = { op } as ControlRequest; }
      handle(request, progress)
        .then((result) => send({ type: 'done', result }))
        .catch((err: Error) => send({ type: 'error', message: err.message, usage: err instanceof SnapshotError }))
        .finally(() => { busy = false; res.end(); });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const info: PidFile = { pid: process.pid, port: port(), control: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token };
  const file = join(dataDir, PID_FILE);
  writeFileSync(file, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  server.unref();
  return {
    close() {
      server.close();
      // NOTE: only our own pid file: a second server on the same dir may have written its own since.
      try { if ((JSON.parse(readFileSync(file, 'utf8')) as PidFile).pid === process.pid) rmSync(file, { force: true }); } catch { /* gone */ }
    },
  };
}

/** Sends `req` to the running server; progress lines go to `onProgress`; resolves to the result. */
export async function callControl(server: PidFile, req: ControlRequest, onProgress: (p: Progress) => void): Promise<Record<string, unknown>> {
  const { op, ...body } = req;
  const res = await fetch(`${server.control}/${op}`, {
    method: 'POST', headers: { 'x-stratus-control-token': server.token, 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).catch((err: Error) => {
    throw new Error(`${PID_FILE} names a server (pid ${server.pid}) whose control endpoint does not answer (${err.message}); if no Stratus runs there, remove ${PID_FILE} and run this again`);
  });
  if (!res.ok || !res.body) throw new Error(`the server's control endpoint answered ${res.status}`);
  let buffered = '';
  let outcome: ControlLine | undefined;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, nl)) as ControlLine;
      buffered = buffered.slice(nl + 1);
      if (line.type === 'progress') onProgress(line);
      else outcome = line;
    }
  }
  if (!outcome) throw new Error('the server ended the answer before the work was done (see its log)');
  if (outcome.type === 'error') throw outcome.usage ? new SnapshotError(outcome.message) : new Error(outcome.message);
  return (outcome as { result: Record<string, unknown> }).result;
}
