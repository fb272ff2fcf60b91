// The placement service: OpenStack Placement (Zed, microversions 1.0-1.39) at /placement.
export type { PlacementFacade } from './facade.js';
