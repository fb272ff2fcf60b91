// Keeping the resident memory of byte streams small.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes of new buffers after which a young-generation collection runs. */
const COLLECT_EVERY = 4 * 1024 * 1024;
let since = 0;
let collect: ((options: { type: 'minor' }) => void) | null | undefined;

/**
 * Counts the bytes of buffers a stream allocated that die with their chunk (the 64 KiB chunks of
 * an upload's body, for one), and every COLLECT_EVERY bytes runs a young-generation collection
 * (a scavenge: the young generation is 1 MiB, bin/stratus.js, so it is quick).
 * NOTE: V8 frees a dead buffer's memory only at a collection, and on its own scavenges only once
 * 32 MiB of young buffers are waiting (2 × its default semi-space, whatever the flags), so
 * without this a 2 GiB upload kept 30-60 MiB of dead chunks resident; with it, a few MiB.
 */
export function noteBufferBytes(bytes: number): void {
  since += bytes;
  if (since < COLLECT_EVERY) return;
  since = 0;
  if (collect === undefined) {
    // NOTE: the only way to ask V8 for a scavenge: the gc() that --expose-gc puts in new contexts.
    try { setFlagsFromString('--expose-gc'); collect = runInNewContext('gc') as typeof collect; } catch { collect = null; }
  }
  collect?.({ type: 'minor' });
}
