// Metadata for instances on isolated networks, as Neutron's metadata proxy: a proxy process per
// DHCP namespace (metadata-proxy.mjs) forwards to a UNIX socket in the state dir, where this
// process relays the bytes to the metadata upstream over TCP (the namespace cannot reach loopback).
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnDaemon } from '../../host/run-command.js';
import { runningPid, stopProcess, waitFor } from './processes.js';

export interface MetadataUpstream { host: string; port: number; pathPrefix: string; secret: string }

const SCRIPT = 'metadata-proxy.mjs';

/** The proxy script: beside this module under tsx; from the bundle in dist/, in the checkout's src/. */
export function proxyScriptPath(): string {
  const candidates = [new URL(`./${SCRIPT}`, import.meta.url), new URL(`../src/drivers/network/linux/${SCRIPT}`, import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`${SCRIPT} not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** The relay: UNIX socket in, TCP to the upstream out, bytes untouched. */
export class MetadataRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly socketPath: string, private readonly upstream: () => MetadataUpstream) {}

  /** Whether the relay accepts connections now. */
  get listening(): boolean { return !!this.server?.listening; }

  async start(): Promise<void> {
    if (this.server) return;
    await rm(this.socketPath, { force: true });
    const server = createServer((client) => {
      const { host, port } = this.upstream();
      const up = createConnection({ host, port });
      for (const s of [client, up]) { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); s.on('error', () => { client.destroy(); up.destroy(); }); }
      client.pipe(up).pipe(client);
    });
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(this.socketPath, () => resolve()); });
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(this.socketPath, { force: true });
  }
}

const proxyMarker = (networkId: string) => `--network ${networkId}`;

/** Starts the network's proxy in its namespace unless one with the same settings runs. */
export async function ensureMetadataProxy(dir: string, networkId: string, namespace: string, socketPath: string, upstream: MetadataUpstream): Promise<void> {
  const pidFile = join(dir, 'metadata-proxy.pid');
  const settings = createHash('sha256').update(JSON.stringify([socketPath, upstream.pathPrefix, upstream.secret])).digest('hex');
  const settingsFile = join(dir, 'metadata-proxy.settings');
  const same = (await readFile(settingsFile, 'utf8').catch(() => '')) === settings;
  if (same && (await runningPid(pidFile, proxyMarker(networkId)))) return;
  await stopProcess(pidFile, proxyMarker(networkId));
  await writeFile(settingsFile, settings);
  const env = {
    PATH: process.env.PATH, STRATUS_METADATA_SOCKET: socketPath, STRATUS_METADATA_SECRET: upstream.secret,
    STRATUS_METADATA_PATH_PREFIX: upstream.pathPrefix, STRATUS_METADATA_PID_FILE: pidFile,
  };
  spawnDaemon('ip', ['netns', 'exec', namespace, process.execPath, proxyScriptPath(), '--network', networkId], { env, logFile: join(dir, 'metadata-proxy.log') });
  if (!(await waitFor(() => runningPid(pidFile, proxyMarker(networkId)), 5000))) {
    throw new Error(`metadata proxy for network ${networkId} did not start (see ${join(dir, 'metadata-proxy.log')})`);
  }
}

export async function stopMetadataProxy(dir: string): Promise<void> {
  const pidFile = join(dir, 'metadata-proxy.pid');
  await stopProcess(pidFile, '--network ');
  await rm(join(dir, 'metadata-proxy.settings'), { force: true });
}
