// The driver's long-running helpers (dnsmasq, the metadata proxy), known only by their pid files:
// a process is ours when the pid file names it and its command line carries our marker.
import { readFile, rm } from 'node:fs/promises';

export async function readPid(pidFile: string): Promise<number | undefined> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function commandLine(pid: number): Promise<string | undefined> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return raw?.split('\0').join(' ');
}

/** The pid in `pidFile` when that process is alive and its command line contains `marker`. */
export async function runningPid(pidFile: string, marker: string): Promise<number | undefined> {
  const pid = await readPid(pidFile);
  if (pid === undefined) return undefined;
  const cmd = await commandLine(pid);
  return cmd?.includes(marker) ? pid : undefined;
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Gone, or a zombie: its sockets are closed. NOTE: the command line empties earlier, while exiting. */
async function exited(pid: number): Promise<true | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const state = stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return stat === undefined || state === 'Z' || state === 'X' ? true : undefined;
}

/** SIGTERM, then SIGKILL after a grace period; removes the pid file. */
export async function stopProcess(pidFile: string, marker: string): Promise<void> {
  const pid = await runningPid(pidFile, marker);
  if (pid !== undefined) {
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
    if (!(await waitFor(() => exited(pid), 2000))) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      await waitFor(() => exited(pid), 1000);
    }
  }
  await rm(pidFile, { force: true });
}
