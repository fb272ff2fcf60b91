import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startCloud, type RunningCloud } from '../../src/cloud.js';
import { defaultConfig, type CloudConfig } from '../../src/config.js';

export interface TestCloud extends RunningCloud { dataDir: string; config: CloudConfig; stop(): Promise<void> }

/** A real cloud on a free loopback port and a fresh data dir; bcrypt at its minimum cost for speed. */
export async function startTestCloud(overrides: Partial<CloudConfig> = {}, dataDir?: string): Promise<TestCloud> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'stratus-test-'));
  const config: CloudConfig = { ...defaultConfig(), port: 0, bind: '127.0.0.1', hostIp: '127.0.0.1', dataDir: dir, bcryptCost: 4, metadataSecret: 'stratus-test-metadata-secret', ...overrides };
  const cloud = await startCloud(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  return {
    ...cloud, dataDir: dir, config,
    async stop() { await cloud.close(); if (!dataDir) rmSync(dir, { recursive: true, force: true }); },
  };
}

export interface Reply { status: number; headers: Headers; body: any }

/** A tiny client: JSON in, JSON out, the token in X-Auth-Token. */
export class Client {
  constructor(readonly base: string, public token?: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { Accept: 'application/json', ...headers };
    if (this.token) h['X-Auth-Token'] = this.token;
    let payload: string | undefined;
    if (body !== undefined) { h['Content-Type'] ??= 'application/json'; payload = typeof body === 'string' ? body : JSON.stringify(body); }
    const res = await fetch(`${this.base}${path}`, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  get(p: string, h?: Record<string, string>) { return this.call('GET', p, undefined, h); }
  head(p: string, h?: Record<string, string>) { return this.call('HEAD', p, undefined, h); }
  post(p: string, b?: unknown, h?: Record<string, string>) { return this.call('POST', p, b, h); }
  put(p: string, b?: unknown, h?: Record<string, string>) { return this.call('PUT', p, b, h); }
  patch(p: string, b?: unknown, h?: Record<string, string>) { return this.call('PATCH', p, b, h); }
  delete(p: string, h?: Record<string, string>) { return this.call('DELETE', p, undefined, h); }
}

/** A project-scoped token for user/project in the Default domain. */
export async function login(cloud: RunningCloud, user: string, password: string, project?: string): Promise<Client> {
  const c = new Client(`${cloud.url}/identity/v3`);
  const scope = project ? { project: { name: project, domain: { id: 'default' } } } : undefined;
  const r = await c.post('/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } }, scope } });
  if (r.status !== 201) throw new Error(`login ${user}/${project} failed: ${r.status} ${JSON.stringify(r.body)}`);
  c.token = r.headers.get('x-subject-token')!;
  return c;
}

/** A system-scoped token for a user in the Default domain (DevStack's devstack-system-admin for admin). */
export async function systemLogin(cloud: RunningCloud, user: string, password = 'secret'): Promise<Client> {
  const c = new Client(`${cloud.url}/identity/v3`);
  const r = await c.post('/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } }, scope: { system: { all: true } } } });
  if (r.status !== 201) throw new Error(`system login ${user} failed: ${r.status} ${JSON.stringify(r.body)}`);
  c.token = r.headers.get('x-subject-token')!;
  return c;
}
