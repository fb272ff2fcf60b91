import { Type, type TSchema } from '@sinclair/typebox';
import { INJECTED_QUOTAS, NETWORK_QUOTAS, QUOTA_DEFAULTS } from '../domain/quotas.service.js';
import { MV } from '../microversions.js';
import { BoolLike, IntLike, strict, versioned, wrapped } from './schemas.js';

// nova/api/openstack/compute/schemas/quota_sets.py and quota_classes.py: each quota an integer
// from -1 (unlimited); the names a microversion shows are the ones it accepts.

/** The quota names a microversion shows (and accepts); classes gained the server group quotas in 2.50. */
export function quotaNames(has: (v: string) => boolean, forClass = false): string[] {
  let names = Object.keys(QUOTA_DEFAULTS);
  if (forClass && !has('2.50')) names = names.filter((n) => n !== 'server_groups' && n !== 'server_group_members');
  if (has(MV.quotaNoNetwork) && (!forClass || has('2.50'))) names = names.filter((n) => !NETWORK_QUOTAS.includes(n));
  if (has(MV.quotaNoInjected)) names = names.filter((n) => !INJECTED_QUOTAS.includes(n));
  return names;
}

/**
 * The quota names a class update accepts (quota_classes.py): all of them at 2.1, the server
 * group quotas included although the answer before 2.50 leaves them out; the network ones go at
 * 2.50 and the injected-file ones at 2.57, as in the answer.
 */
export function quotaClassInputNames(has: (v: string) => boolean): string[] {
  let names = Object.keys(QUOTA_DEFAULTS);
  if (has('2.50')) names = names.filter((n) => !NETWORK_QUOTAS.includes(n));
  if (has(MV.quotaNoInjected)) names = names.filter((n) => !INJECTED_QUOTAS.includes(n));
  return names;
}

const Limit = IntLike(-1);
const limits = (names: string[]): Record<string, TSchema> => Object.fromEntries(names.map((n) => [n, Limit]));
const ALL = Object.keys(QUOTA_DEFAULTS);
const BREAKPOINTS = ['2.50', MV.quotaNoNetwork, MV.quotaNoInjected];

export const QuotaSetUpdate = versioned(
  wrapped('quota_set', { ...limits(ALL), force: BoolLike }),
  BREAKPOINTS,
  (has) => Type.Object({ quota_set: strict({ ...limits(quotaNames(has)), force: BoolLike }) }),
);

export const QuotaClassSetUpdate = versioned(
  wrapped('quota_class_set', limits(ALL)),
  BREAKPOINTS,
  (has) => Type.Object({ quota_class_set: strict(limits(quotaClassInputNames(has))) }),
);
