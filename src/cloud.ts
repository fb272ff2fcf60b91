// The composition root: the one place that wires stores, drivers and services.
import type { Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { CloudConfig } from './config.js';
import { openDatabase } from './core/db/database.js';
import { createHttpServer } from './core/http/http-server.js';
import { mountService } from './core/http/service-plugin.js';
import { IdentityModule } from './services/identity/index.js';
import { SERVICES } from './services/index.js';

export interface RunningCloud {
  url: string;
  port: number;
  authUrl: string;
  close(): Promise<void>;
}

export async function startCloud(config: CloudConfig, logger: Logger): Promise<RunningCloud> {
  const { db, close: closeDb } = openDatabase(join(config.dataDir, 'stratus.db'));
  const state: Record<string, 'starting' | 'ready'> = {};
  for (const s of SERVICES) if (config.services.includes(s.key)) state[s.key] = 'starting';

  const identity = await IdentityModule.open(config, db);
  const app = createHttpServer(logger);
  let url = '';
  app.get('/healthz', async () => ({ status: Object.values(state).every((v) => v === 'ready') ? 'ok' : 'starting', services: state }));
  mountService(app, identity.mount(() => `${url}/identity`));
  await app.listen({ port: config.port, host: config.bind });
  // NOTE: the port is known only after listen when 0 (any free port) was asked for.
  const port = (app.server.address() as AddressInfo).port;
  url = `http://${formatHost(config.hostIp)}:${port}`;
  for (const s of SERVICES) {
    if (config.services.includes(s.key)) await identity.registerEndpoint(s.type, s.name, `${url}${s.path}`);
    else await identity.unregisterEndpoint(s.type, s.name);
  }
  for (const key of Object.keys(state)) state[key] = 'ready';

  return {
    url,
    port,
    authUrl: `${url}/identity`,
    async close() {
      await app.close();
      await closeDb();
    },
  };
}

const formatHost = (ip: string) => (ip.includes(':') ? `[${ip}]` : ip);
