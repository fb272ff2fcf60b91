// The machine's bcrypt limit for password token issue: cores ÷ the time of one hash at the cost
// Stratus and Keystone use (12), with the bcrypt binding Stratus itself uses.
//
//   node bench/lib/bcrypt-limit.mjs [--cost 12] [--runs 5]
//
// Output: `key value` lines: hash_ms (median of --runs single hashes on an otherwise idle
// process), cores, limit_per_s = cores / hash_s, and pool_per_s: hashes per second actually
// reached with 4 × cores hashes in flight through the async API (libuv's thread pool), for reference.
import bcrypt from 'bcrypt';
import { availableParallelism } from 'node:os';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const cost = Number(opt('cost', '12'));
const runs = Number(opt('runs', '5'));
const cores = availableParallelism();

const salt = bcrypt.genSaltSync(cost);
bcrypt.hashSync('warm-up', salt);
const times = [];
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  bcrypt.hashSync(`secret-${i}`, salt);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
const hashMs = times[times.length >> 1];

const inFlight = 4 * cores;
const t0 = process.hrtime.bigint();
await Promise.all(Array.from({ length: inFlight }, (_, i) => bcrypt.hash(`pool-${i}`, cost)));
const poolS = Number(process.hrtime.bigint() - t0) / 1e9;

process.stdout.write([
  `cost ${cost}`,
  `hash_ms ${hashMs.toFixed(1)}`,
  `hash_ms_all ${times.map((t) => t.toFixed(1)).join(',')}`,
  `cores ${cores}`,
  `limit_per_s ${(cores / (hashMs / 1000)).toFixed(2)}`,
  `pool_per_s ${(inFlight / poolS).toFixed(2)}`,
].join('\n') + '\n');
