import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { prettyStream } from '../../src/cli/log-format.js';

// `--log-format pretty`: one readable line per record, for a person at a terminal.

function logged(fn: (log: pino.Logger) => void): string {
  let out = '';
  const log = pino({ level: 'debug', base: undefined }, prettyStream({ write: (s: string) => { out += s; } }, false));
  fn(log);
  return out;
}

test('time, level, service, request id and message lead; other fields follow as key=value', () => {
  const out = logged((log) => log.child({ service: 'network' }).info({ reqId: 'req-1', port: 8080, tags: ['a'] }, 'listening'));
  assert.match(out, /^\d\d:\d\d:\d\d\.\d{3} INFO  \[network\] req-1 listening port=8080 tags=\["a"\]\n$/);
  assert.doesNotMatch(out, /[{}]"level"/);
});

test("an error's stack is indented under its line; levels are named", () => {
  const out = logged((log) => { log.warn('careful'); log.error({ err: new Error('boom') }, 'failed'); });
  const lines = out.split('\n');
  assert.match(lines[0]!, / WARN  careful$/);
  assert.match(lines[1]!, / ERROR failed$/);
  assert.match(lines[2]!, /^ {4}Error: boom$/);
  assert.match(lines[3]!, /^ {4}    at /);
});

test('colour only when asked', () => {
  let out = '';
  pino({ base: undefined }, prettyStream({ write: (s: string) => { out += s; } }, true)).info('hi');
  assert.match(out, /\x1b\[32mINFO /);
});
