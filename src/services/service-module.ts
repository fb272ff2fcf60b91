// The contract between the composition root (cloud.ts), the registry (index.ts) and each service:
// what a service is given when it opens, what it gives back, and the facades services call each
// other through. A leaf: it imports only types, so every service may import it without a cycle.
import type { Logger } from 'pino';
import type { CloudConfig } from '../config.js';
import type { Db } from '../core/db/database.js';
import type { ServiceMount } from '../core/http/service-plugin.js';
import type { TokenValidator } from '../core/auth/request-context.js';
import type { NetworkDriver } from '../drivers/network/network-driver.js';
import type { HypervisorDriver } from '../drivers/hypervisor/hypervisor-driver.js';
import type { BlockStorageDriver } from '../drivers/block-storage/block-storage-driver.js';
import type { ObjectStorageDriver } from '../drivers/object-storage/object-storage-driver.js';
import type { IdentityFacade } from './identity/facade.js';
import type { PlacementFacade } from './placement/facade.js';
import type { ImageFacade } from './image/facade.js';
import type { NetworkFacade } from './network/facade.js';
import type { ComputeFacade } from './compute/facade.js';
import type { VolumeFacade } from './volume/facade.js';
import type { ObjectStoreFacade } from './object-store/facade.js';

export type { IdentityFacade };

/**
 * The facades of the services that run, by service key. Identity always runs; another service's
 * facade is undefined when it does not run (or opens later: SERVICES order), and its caller
 * decides what that means (compute without networking has no network proxies).
 */
export interface Facades {
  identity: IdentityFacade;
  placement?: PlacementFacade;
  image?: ImageFacade;
  network?: NetworkFacade;
  compute?: ComputeFacade;
  volume?: VolumeFacade;
  'object-store'?: ObjectStoreFacade;
}

/** The keys of SERVICES: the services other than identity. */
export type ServiceKey = Exclude<keyof Facades, 'identity'>;

/** The host drivers cloud.ts built; a service takes the ones it needs. */
export interface Drivers {
  network: NetworkDriver;
  hypervisor: HypervisorDriver;
  blockStorage: BlockStorageDriver;
  objectStorage: ObjectStorageDriver;
}

/** What every service is given when it opens. */
export interface ServiceContext {
  config: CloudConfig;
  db: Db;
  logger: Logger;
  tokens: TokenValidator;
  /** The public base URL (http://HOST_IP:PORT), known once the server listens. */
  baseUrl: () => string;
  /** Services call each other only through these. */
  facades: Readonly<Facades>;
  /** Host drivers (fake or real), chosen in cloud.ts. */
  drivers: Drivers;
}

export interface ServiceModule<F = unknown> {
  mount(): ServiceMount;
  /** Work after the server listens (reconciling drivers, resuming tasks). */
  start?(): Promise<void>;
  close?(): Promise<void>;
  /** What other services may call: the plain-value API declared in this service's facade.ts. */
  facade?: F;
}

export interface ServiceEntry<K extends ServiceKey = ServiceKey> {
  key: K;
  type: string;
  name: string;
  /** Where its routes are mounted. */
  path: string;
  /** The catalog URL relative to the base URL, as DevStack registers it. */
  catalogPath: string;
  /** More catalog entries for the same service (Cinder's volumev3 beside block-storage). */
  alsoAs?: { type: string; name: string; catalogPath: string }[];
  open(ctx: ServiceContext): Promise<ServiceModule<Facades[K]>>;
}
