// The composition root: the one place that wires stores, drivers and services.
import type { Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { networkingSettings, type CloudConfig } from './config.js';
import { openDatabase } from './core/db/database.js';
import { dashboardDir, serveDashboard } from './core/http/dashboard-site.js';
import { createHttpServer } from './core/http/http-server.js';
import { mountService, type ServiceMount } from './core/http/service-plugin.js';
import { IDENTITY, IdentityModule, SERVICES, type Drivers, type Facades, type ServiceModule } from './services/index.js';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { FakeNetworkDriver } from './drivers/network/fake-network.js';
import { LinuxNetworkDriver } from './drivers/network/linux/linux-network.js';
import type { NetworkDriver } from './drivers/network/network-driver.js';
import { FakeHypervisorDriver } from './drivers/hypervisor/fake-hypervisor.js';
import type { HypervisorDriver } from './drivers/hypervisor/hypervisor-driver.js';
import { FakeBlockStorageDriver } from './drivers/block-storage/fake-block-storage.js';
import type { BlockStorageDriver } from './drivers/block-storage/block-storage-driver.js';
import { FsObjectStorageDriver } from './drivers/object-storage/fs-object-storage.js';

export interface RunningCloud {
  url: string;
  port: number;
  authUrl: string;
  /** The host drivers in use (tests look at the fakes). */
  drivers: Drivers;
  /** Every mounted service with its routes (tests check each route's declarations). */
  mounts: ServiceMount[];
  close(): Promise<void>;
}

export async function startCloud(given: CloudConfig, logger: Logger): Promise<RunningCloud> {
  const config: CloudConfig = { ...given, metadataSecret: given.metadataSecret ?? randomBytes(24).toString('hex') };
  const { db, close: closeDb } = openDatabase(join(config.dataDir, 'stratus.db'));
  const enabled = SERVICES.filter((s) => config.services.includes(s.key));
  const state: Record<string, 'starting' | 'ready'> = { identity: 'starting' };
  for (const s of enabled) state[s.key] = 'starting';

  let url = '';
  let port = 0;
  const drivers: Drivers = { network: makeNetwork(config, () => port), hypervisor: await makeHypervisor(config, logger), blockStorage: await makeBlockStorage(config, logger),
    objectStorage: new FsObjectStorageDriver(join(config.dataDir, 'objects')) };
  const identity = await IdentityModule.open(config, db);
  const modules: ServiceModule[] = [];
  const facades: Facades = { identity: identity.facade };
  for (const s of enabled) {
    const m = await s.open({ config, db, logger: logger.child({ service: s.key }), tokens: identity.tokens, baseUrl: () => url, facades, drivers });
    // NOTE: SERVICES' entries are checked against their key (`satisfies ServiceEntry<key>`).
    (facades as unknown as Record<string, unknown>)[s.key] = m.facade;
    modules.push(m);
  }

  const app = createHttpServer(logger);
  app.get('/healthz', async () => ({ status: Object.values(state).every((v) => v === 'ready') ? 'ok' : 'starting', services: state }));
  const mounts: ServiceMount[] = [
    { ...identity.mount(() => `${url}${IDENTITY.catalogPath}`), serviceType: IDENTITY.type },
    ...modules.map((m, i) => ({ ...m.mount(), serviceType: enabled[i]!.type })),
  ];
  for (const m of mounts) mountService(app, m);
  const site = dashboardDir();
  if (site) await serveDashboard(app, site);
  await app.listen({ port: config.port, host: config.bind });
  // NOTE: the port is known only after listen when 0 (any free port) was asked for.
  port = (app.server.address() as AddressInfo).port;
  // NOTE: port 80 stays out of the URLs, so DevStack's OS_AUTH_URL=http://HOST_IP/identity works verbatim.
  url = `http://${formatHost(config.hostIp)}${port === 80 ? '' : `:${port}`}`;

  await identity.registerEndpoint(IDENTITY.type, IDENTITY.name, `${url}${IDENTITY.catalogPath}`);
  for (const s of SERVICES) {
    for (const e of [s, ...(s.alsoAs ?? [])]) {
      if (config.services.includes(s.key)) await identity.registerEndpoint(e.type, e.name, `${url}${e.catalogPath}`);
      else await identity.unregisterEndpoint(e.type, e.name);
    }
  }
  for (const m of modules) await m.start?.();
  // NOTE: after the image service's start, which registers its unified limits (the upload counts against them).
  if (config.hypervisor === 'qemu' && facades.image) {
    const admin = await identity.facade.findProjectByName('admin');
    const { seedGuestImage } = await import('./guest-image.js');
    if (admin && (await seedGuestImage(facades.image, admin.id))) logger.info('uploaded the cirros guest image');
  }
  for (const key of Object.keys(state)) state[key] = 'ready';

  return {
    url,
    port,
    authUrl: `${url}${IDENTITY.catalogPath}`,
    drivers,
    mounts,
    async close() {
      await app.close();
      for (const m of [...modules].reverse()) await m.close?.();
      await closeDb();
    },
  };
}

/** The network driver config names; the linux one sends metadata to this server once it listens. */
function makeNetwork(config: CloudConfig, port: () => number): NetworkDriver {
  if (config.networkDriver !== 'linux') return new FakeNetworkDriver();
  const host = config.bind === '0.0.0.0' || config.bind === '::' ? '127.0.0.1' : config.bind;
  return new LinuxNetworkDriver({
    stateDir: join(config.dataDir, 'network'), externalInterface: config.externalInterface, physicalInterfaces: physicalInterfaces(config),
    metadataUpstream: () => ({ host, port: port(), pathPrefix: '/compute/metadata', secret: config.metadataSecret! }),
  });
}

/** physical network → host interface, through its bridge (bridge_mappings, then Packstack's BRIDGE_IFACES). */
function physicalInterfaces(config: CloudConfig): Record<string, string> {
  const n = networkingSettings(config);
  const out: Record<string, string> = {};
  for (const [physnet, bridge] of Object.entries(n.bridgeMappings)) if (n.bridgeInterfaces[bridge]) out[physnet] = n.bridgeInterfaces[bridge]!;
  return out;
}

/**
 * The hypervisor driver config names. QEMU guests plug into the Linux network driver's taps; with
 * the fake network driver they get QEMU's own NAT instead (no root needed).
 */
async function makeHypervisor(config: CloudConfig, logger: Logger): Promise<HypervisorDriver> {
  if (config.hypervisor !== 'qemu') return new FakeHypervisorDriver({ computeHosts: config.computeHosts ?? 1, hostIp: config.hostIp });
  const { QemuHypervisorDriver } = await import('./drivers/hypervisor/qemu/qemu-hypervisor.js');
  return QemuHypervisorDriver.create({
    stateDir: join(config.dataDir, 'instances'), accel: config.accel ?? 'auto', hostIp: config.hostIp,
    nicMode: config.networkDriver === 'linux' ? 'tap' : 'user',
    log: (msg, fields) => logger.info(fields ?? {}, msg),
  });
}

const formatHost = (ip: string) => (ip.includes(':') ? `[${ip}]` : ip);

/** The block-storage driver config names: the file one needs qemu-img (Debian qemu-utils). */
async function makeBlockStorage(config: CloudConfig, logger: Logger): Promise<BlockStorageDriver> {
  const wanted = config.blockStorageDriver ?? (existsSync('/usr/bin/qemu-img') ? 'file' : 'fake');
  if (wanted === 'fake') return new FakeBlockStorageDriver();
  const { FileBlockStorageDriver } = await import('./drivers/block-storage/file-block-storage.js');
  logger.debug({ dir: join(config.dataDir, 'volumes') }, 'volumes are files');
  return new FileBlockStorageDriver({ dir: join(config.dataDir, 'volumes'), capacityGb: config.volumeCapacityGb });
}
