// The one way drivers run host commands: execFile (no shell), stdout back, and on failure an error
// naming the command, its exit code and its stderr.
import { execFile, spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class CommandError extends Error {
  constructor(readonly command: string[], readonly exitCode: number | null, readonly stderr: string) {
    super(`${command.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim() || '(no output)'}`);
  }
}

export interface RunOptions {
  /** Written to the command's stdin. */
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export function runCommand(file: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024, env: opts.env ?? process.env }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const code = typeof (err as NodeJS.ErrnoException).code === 'number' ? ((err as unknown as { code: number }).code) : null;
      reject(new CommandError([file, ...args], code, stderr || err.message));
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

const ABSENT = [
  /Cannot find device/i, /does not exist/i, /No such file or directory/i, /No such process/i,
  /Cannot open network namespace/i, /not found/i, /Cannot assign requested address/i, /No such device/i,
];

/** Whether a failure only says the thing to remove is not there (an idempotent delete succeeded). */
export function isAbsentError(err: unknown): boolean {
  return err instanceof CommandError && ABSENT.some((re) => re.test(err.stderr));
}

/** runCommand for deletes: "not found"-style failures count as success. */
export async function runIgnoringAbsent(file: string, args: string[], opts: RunOptions = {}): Promise<string> {
  try {
    return await runCommand(file, args, opts);
  } catch (err) {
    if (isAbsentError(err)) return '';
    throw err;
  }
}

/** Starts a long-running process detached from ours (it outlives a restart); returns its pid. */
export function spawnDaemon(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; logFile: string }): number {
  const log = openSync(opts.logFile, 'a');
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', log, log], env: opts.env ?? process.env });
    if (child.pid === undefined) throw new CommandError([file, ...args], null, 'could not start');
    child.on('error', () => {}); // NOTE: a failed start shows as a missing pid file; never an unhandled event.
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/**
 * A filter command (`bzip2 -dc` ...) over a stream: `input` goes to its stdin as the command takes
 * it, its stdout comes back chunk by chunk as the consumer pulls, so memory stays bounded by the
 * pipes' buffers whatever the size. A non-zero exit throws CommandError (after the output it gave);
 * an error of `input` itself is thrown as it is. A consumer that stops early ends the command.
 */
export async function* pipeCommand(file: string, args: string[], input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 4096) stderr += d; });
  const exited = new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('close', (code) => resolve(code)); });
  exited.catch(() => {});
  let inputError: unknown;
  const source = Readable.from(input);
  source.on('error', (err) => { inputError ??= err; });
  // NOTE: the command may stop reading (it found the data bad): its stdin's EPIPE is no error of ours.
  const feeding = pipeline(source, child.stdin).catch(() => {});
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const code = await exited;
    await feeding;
    if (inputError) throw inputError;
    if (code !== 0) throw new CommandError([file, ...args], code, stderr);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    source.destroy();
  }
}
