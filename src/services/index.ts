// The registry: each service's mount path, catalog entry and how to open it, in start order.
// The contract types live in service-module.ts (a leaf), so that services never import this file.
import { IdentityModule } from './identity/index.js';
import { NetworkModule } from './network/index.js';
import { ImageModule } from './image/index.js';
import { PlacementModule } from './placement/index.js';
import { ComputeModule } from './compute/index.js';
import { VolumeModule } from './volume/index.js';
import { ObjectStoreModule } from './object-store/index.js';
import type { ServiceEntry } from './service-module.js';

export type * from './service-module.js';

/**
 * Services other than identity, which cloud.ts opens first because every other one needs it.
 * Order matters: a service may use the facades of those before it.
 */
export const SERVICES: ServiceEntry[] = [
  // NOTE: placement first: compute uses its facade.
  { key: 'placement', type: 'placement', name: 'placement', path: '/placement', catalogPath: '/placement', open: (ctx) => PlacementModule.open(ctx) } satisfies ServiceEntry<'placement'>,
  { key: 'image', type: 'image', name: 'glance', path: '/image', catalogPath: '/image', open: (ctx) => ImageModule.open(ctx) } satisfies ServiceEntry<'image'>,
  { key: 'network', type: 'network', name: 'neutron', path: '/networking', catalogPath: '/networking', open: (ctx) => NetworkModule.open(ctx) } satisfies ServiceEntry<'network'>,
  // NOTE: volume before compute (compute attaches volumes through its facade); after image (volumes from images).
  {
    key: 'volume', type: 'block-storage', name: 'cinder', path: '/volume', catalogPath: '/volume/v3/$(project_id)s',
    alsoAs: [{ type: 'volumev3', name: 'cinderv3', catalogPath: '/volume/v3/$(project_id)s' }], open: (ctx) => VolumeModule.open(ctx),
  } satisfies ServiceEntry<'volume'>,
  {
    key: 'object-store', type: 'object-store', name: 'swift', path: '/object-store', catalogPath: '/object-store/v1/AUTH_$(project_id)s',
    open: (ctx) => ObjectStoreModule.open(ctx),
  } satisfies ServiceEntry<'object-store'>,
  // NOTE: compute after placement, image and network: it uses their facades.
  { key: 'compute', type: 'compute', name: 'nova', path: '/compute', catalogPath: '/compute/v2.1', open: (ctx) => ComputeModule.open(ctx) } satisfies ServiceEntry<'compute'>,
];

export const IDENTITY = {
  key: 'identity', type: 'identity', name: 'keystone', path: '/identity', catalogPath: '/identity',
} as const;

export { IdentityModule };
