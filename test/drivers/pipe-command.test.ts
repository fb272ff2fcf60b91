import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandError, pipeCommand } from '../../src/drivers/host/run-command.js';

// pipeCommand: a filter command over a stream, output pulled as the consumer reads, failures as
// CommandError (the command's) or the input's own error.

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

async function* of(...bufs: Buffer[]): AsyncGenerator<Buffer> { yield* bufs; }

async function* chunks(n: number, size: number, fail?: Error): AsyncGenerator<Buffer> {
  for (let i = 0; i < n; i++) yield Buffer.alloc(size, i % 256);
  if (fail) throw fail;
}

test('bytes through bzip2 and back come out the same', async () => {
  const packed = await collect(pipeCommand('bzip2', ['-c'], chunks(64, 64 * 1024)));
  assert.ok(packed.length < 64 * 64 * 1024);
  const back = await collect(pipeCommand('bzip2', ['-dc'], of(packed)));
  assert.deepEqual(back, await collect(chunks(64, 64 * 1024)));
});

test('data the command refuses: CommandError with its exit code and stderr', async () => {
  await assert.rejects(collect(pipeCommand('bzip2', ['-dc'], of(Buffer.from('not bzip2 at all')))), (err: unknown) => {
    assert.ok(err instanceof CommandError);
    assert.equal(err.exitCode, 2);
    assert.match(err.stderr, /not a bzip2 file/);
    return true;
  });
});

test("the input's own failure is what the consumer sees", async () => {
  const gone = new Error('client went away');
  await assert.rejects(collect(pipeCommand('cat', [], chunks(4, 1024, gone))), (err) => err === gone);
});

test('a consumer that stops early ends the command', async () => {
  for await (const chunk of pipeCommand('cat', [], chunks(1000, 64 * 1024))) {
    assert.ok(chunk.length > 0);
    break;
  }
});
