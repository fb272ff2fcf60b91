// Flavors in Nova's wire format, per microversion.
import type { FlavorRecord } from '../store/flavors.store.js';
import { MV } from '../microversions.js';
import { links } from './common.js';

export interface FlavorViewOpts { base: string; mv: (v: string) => boolean; extraSpecs?: Record<string, string> }

export function flavorBrief(f: FlavorRecord, o: FlavorViewOpts) {
  const out: Record<string, unknown> = { id: f.id, links: links(o.base, 'flavors', f.id), name: f.name };
  if (o.mv(MV.flavorDescription)) out.description = f.description;
  return out;
}

export function flavorView(f: FlavorRecord, o: FlavorViewOpts) {
  const out: Record<string, unknown> = {
    id: f.id, name: f.name, ram: f.ram, disk: f.disk, vcpus: f.vcpus, links: links(o.base, 'flavors', f.id),
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeral, 'OS-FLV-DISABLED:disabled': f.disabled,
    swap: f.swap === 0 && !o.mv(MV.flavorSwapZero) ? '' : f.swap,
    rxtx_factor: f.rxtx_factor, 'os-flavor-access:is_public': f.is_public,
  };
  if (o.mv(MV.flavorDescription)) out.description = f.description;
  if (o.mv(MV.flavorExtraSpecsInBody) && o.extraSpecs) out.extra_specs = o.extraSpecs;
  return out;
}

export function flavorAccessView(flavorId: string, projects: string[]) {
  return { flavor_access: projects.map((p) => ({ flavor_id: flavorId, tenant_id: p })) };
}
