import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeCloud } from '../../support/compute-server.js';

// /os-instance_usage_audit_log: the last completed monthly period; no audit task runs, so every
// compute host is one that has not run. Nova's timestamp formats; admin only.

let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;

before(async () => {
  ({ cloud, admin, demo } = await computeCloud({ computeHosts: 2 }));
});
after(async () => { await cloud?.stop(); });

test('list: the period that ended this month, both compute hosts not run', async () => {
  const r = await admin.get('/os-instance_usage_audit_log');
  assert.equal(r.status, 200);
  const l = r.body.instance_usage_audit_logs;
  const now = new Date();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
  assert.equal(l.period_ending, `${first} 00:00:00`);
  assert.equal(l.num_hosts, 2);
  assert.equal(l.num_hosts_not_run, 2);
  assert.equal(l.hosts_not_run.length, 2);
  assert.equal(l.overall_status, '0 of 2 hosts done. 0 errors.');
  assert.deepEqual(l.log, {});
});

test('show before a time: the month before it; bad timestamps 400; non-admins 403', async () => {
  const r = await admin.get(`/os-instance_usage_audit_log/${encodeURIComponent('2024-03-15 10:00:00')}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.instance_usage_audit_log.period_beginning, '2024-02-01 00:00:00');
  assert.equal(r.body.instance_usage_audit_log.period_ending, '2024-03-01 00:00:00');
  assert.equal((await admin.get(`/os-instance_usage_audit_log/${encodeURIComponent('2024-01-01 00:00:00.123456')}`)).body.instance_usage_audit_log.period_beginning, '2023-12-01 00:00:00');
  const bad = await admin.get('/os-instance_usage_audit_log/invalid_time');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.badRequest.message, 'Invalid timestamp for date invalid_time');
  assert.equal((await admin.get(`/os-instance_usage_audit_log/${encodeURIComponent('2024-02-30 00:00:00')}`)).status, 400);
  assert.equal((await demo.get('/os-instance_usage_audit_log')).status, 403);
});
