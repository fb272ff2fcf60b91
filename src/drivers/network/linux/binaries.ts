// Whether a host tool is installed: found executable on PATH or in the sbin directories, where
// root's tools live even when PATH lacks them. Results are kept: tools do not come and go often,
// and agents() asks every report interval.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';

const DIRS = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
const found = new Map<string, { at: number; ok: boolean }>();
const KEEP_MS = 60_000;

export async function hasBinary(name: string): Promise<boolean> {
  const known = found.get(name);
  if (known && Date.now() - known.at < KEEP_MS) return known.ok;
  let ok = false;
  for (const dir of new Set(DIRS)) {
    if (await access(join(dir, name), constants.X_OK).then(() => true, () => false)) { ok = true; break; }
  }
  found.set(name, { at: Date.now(), ok });
  return ok;
}
