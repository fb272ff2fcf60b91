// The registry: each service's mount path, catalog entry and how to open it, in start order.
import type { Logger } from 'pino';
import type { CloudConfig } from '../config.js';
import type { Db } from '../core/db/database.js';
import type { ServiceMount } from '../core/http/service-plugin.js';
import type { TokenValidator } from '../core/auth/request-context.js';
import { IdentityModule } from './identity/index.js';
import { NetworkModule } from './network/index.js';
import { ImageModule } from './image/index.js';
import { PlacementModule } from './placement/index.js';
import { ComputeModule } from './compute/index.js';
import type { NetworkDriver } from '../drivers/network/network-driver.js';
import { FakeNetworkDriver } from '../drivers/network/fake-network.js';
import type { HypervisorDriver } from '../drivers/hypervisor/hypervisor-driver.js';

/** What every service is given: it reaches identity only through this facade. */
export interface ServiceContext {
  config: CloudConfig;
  db: Db;
  logger: Logger;
  tokens: TokenValidator;
  /** The public base URL (http://HOST_IP:PORT), known once the server listens. */
  baseUrl: () => string;
  /** Projects and users, for services that check an id they are given (quotas, members). */
  identity: IdentityFacade;
  /**
   * The facade of a service opened earlier (SERVICES order), or undefined when it does not run.
   * Services call each other only through these.
   */
  facade<T>(key: string): T | undefined;
  /** Host drivers (fake or real), chosen in cloud.ts. */
  drivers: Drivers;
}

export interface IdentityFacade {
  findProject(id: string): Promise<{ id: string; name: string; domainId: string } | undefined>;
  findUser(id: string): Promise<{ id: string; name: string; domainId: string } | undefined>;
  /** A project by name in a domain ('default' unless given), for seeds. */
  findProjectByName(name: string, domainId?: string): Promise<{ id: string; name: string; domainId: string } | undefined>;
}

/** The host drivers cloud.ts built; a service takes the ones it needs. */
export interface Drivers {
  network?: NetworkDriver;
  hypervisor?: HypervisorDriver;
}

export interface ServiceModule {
  mount(): ServiceMount;
  /** Work after the server listens (reconciling drivers, resuming tasks). */
  start?(): Promise<void>;
  close?(): Promise<void>;
  /** What other services may call: the plain-value API in this service's index.ts. */
  facade?: unknown;
}

export interface ServiceEntry {
  key: string;
  type: string;
  name: string;
  /** Where its routes are mounted. */
  path: string;
  /** The catalog URL relative to the base URL, as DevStack registers it. */
  catalogPath: string;
  open(ctx: ServiceContext): Promise<ServiceModule>;
}

/**
 * Services other than identity, which cloud.ts opens first because every other one needs it.
 * Order matters: a service may use the facades of those before it.
 */
export const SERVICES: ServiceEntry[] = [
  // NOTE: placement first: compute uses its facade.
  { key: 'placement', type: 'placement', name: 'placement', path: '/placement', catalogPath: '/placement', open: (ctx) => PlacementModule.open(ctx) },
  { key: 'image', type: 'image', name: 'glance', path: '/image', catalogPath: '/image', open: (ctx) => ImageModule.open(ctx) },
  {
    key: 'network', type: 'network', name: 'neutron', path: '/networking', catalogPath: '/networking',
    open: (ctx) => NetworkModule.open(ctx, ctx.drivers.network ?? new FakeNetworkDriver()),
  },
  // NOTE: compute after placement, image and network: the servers part uses their facades.
  { key: 'compute', type: 'compute', name: 'nova', path: '/compute', catalogPath: '/compute/v2.1', open: (ctx) => ComputeModule.open(ctx) },
];

export const IDENTITY: Omit<ServiceEntry, 'open'> = {
  key: 'identity', type: 'identity', name: 'keystone', path: '/identity', catalogPath: '/identity',
};

export { IdentityModule };
