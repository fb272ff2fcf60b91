// `stratus snapshot save|load|list` and `stratus reset`: on the data dir when no server runs on it,
// else through the running server, which stops its services, does the work and starts them again.
import { callControl, runningServer, type ControlRequest } from './control.js';
import {
  formatBytes, listSnapshots, loadSnapshot, resetDataDir, saveSnapshot, SnapshotError, checkSave, type Progress,
} from './data-snapshots.js';

/** Copies smaller than this finish before progress would help. */
const PROGRESS_FROM_BYTES = 32 * 1024 * 1024;

/** Progress on stderr: one rewritten line on a terminal, a line a second otherwise. */
function progressPrinter(): { update(p: Progress): void; end(): void } {
  const tty = !!process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(p) {
      if (p.totalBytes < PROGRESS_FROM_BYTES) return;
      const now = Date.now();
      const finished = p.doneBytes >= p.totalBytes;
      if (!finished && now - last < (tty ? 200 : 1000)) return;
      last = now;
      const pct = Math.floor((p.doneBytes / p.totalBytes) * 100);
      const text = `${p.phase}: ${pct}% (${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)})`;
      process.stderr.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
      shown = true;
    },
    end() { if (shown && tty) process.stderr.write('\n'); },
  };
}

interface Done { files?: number; bytes?: number; linked?: number; ms?: number; removed?: number; guestsStopped?: number; replaced?: boolean; downMs?: number; pid?: number }

const copied = (r: Done) => `${r.files} files, ${formatBytes(r.bytes ?? 0)}${r.linked ? `, ${r.linked} hard-linked` : ''}`;

/** Runs one operation where it must run; prints what it did and how long it took. Returns the exit code. */
export async function snapshotCommand(dataDir: string, req: ControlRequest): Promise<number> {
  const started = performance.now();
  const progress = progressPrinter();
  try {
    const server = runningServer(dataDir);
    let r: Done;
    if (server) {
      r = await callControl(server, req, (p) => progress.update(p)) as Done;
    } else if (req.op === 'save') {
      checkSave(dataDir, req.name, !!req.force);
      r = await saveSnapshot(dataDir, req.name, !!req.force, { onProgress: (p) => progress.update(p) });
    } else if (req.op === 'load') {
      r = await loadSnapshot(dataDir, req.name, { onProgress: (p) => progress.update(p) });
    } else {
      r = await resetDataDir(dataDir);
    }
    progress.end();
    const total = Math.round(performance.now() - started);
    const where = server
      ? ` The running server (pid ${server.pid}) stopped its services, and started them again${req.op === 'save' ? '' : ' on the new state'}: ${r.downMs} ms without service.`
      : req.op === 'save' ? '' : ' No server runs on this data directory: the next `stratus up` starts on it.';
    const line = req.op === 'save' ? `${r.replaced ? 'Replaced' : 'Saved'} snapshot '${req.name}' (${copied(r)}) in ${total} ms.`
      : req.op === 'load' ? `Loaded snapshot '${req.name}' into ${dataDir} (${copied(r)}) in ${total} ms.`
      : `Reset ${dataDir}: removed ${r.removed} entries (snapshots and policy files kept) in ${total} ms; the cloud is seeded afresh on start.`;
    const guests = r.guestsStopped ? ` Ended ${r.guestsStopped} guest(s) that ran from the replaced state; the compute service boots those the new state holds.` : '';
    process.stdout.write(`${line}${guests}${where}\n`);
    return 0;
  } catch (err) {
    progress.end();
    process.stderr.write(`stratus: ${(err as Error).message}\n`);
    return err instanceof SnapshotError ? 2 : 1;
  }
}

export function listCommand(dataDir: string): number {
  const snapshots = listSnapshots(dataDir);
  if (!snapshots.length) {
    process.stdout.write(`No snapshots in ${dataDir} (stratus snapshot save NAME makes one).\n`);
    return 0;
  }
  const rows = [['NAME', 'CREATED', 'FILES', 'SIZE'], ...snapshots.map((s) => [s.name, s.createdAt, String(s.files), formatBytes(s.bytes)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  process.stdout.write(`${rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')}\n`);
  return 0;
}
