// The registry: each service's mount path and catalog entry, in the order they start.

export interface ServiceEntry { key: string; type: string; name: string; path: string }

export const SERVICES: ServiceEntry[] = [
  { key: 'identity', type: 'identity', name: 'keystone', path: '/identity' },
];
