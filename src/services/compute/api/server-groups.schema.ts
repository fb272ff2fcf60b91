import { Type } from '@sinclair/typebox';
import { MV } from '../microversions.js';
import { IntLike, OneOf, strict, versioned, wrapped } from './schemas.js';

// nova/api/openstack/compute/schemas/server_groups.py: one policy in `policies` before 2.64, `policy`
// and `rules` from 2.64; the soft policies from 2.15.

const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '^(?!\\s)[\\s\\S]*(?<!\\s)$' });
const policies = (has: (v: string) => boolean) => ['anti-affinity', 'affinity', ...(has('2.15') ? ['soft-anti-affinity', 'soft-affinity'] : [])];
const Policies = (known: string[]) => Type.Array(OneOf(known), { minItems: 1, maxItems: 1 });
const Rules = strict({ max_server_per_host: IntLike(1) });
const ALL = policies(() => true);

export const ServerGroupCreate = versioned(
  wrapped('server_group', { name: Name, policies: Policies(ALL), policy: OneOf(ALL), rules: Rules }, ['name']),
  ['2.15', MV.serverGroupPolicy],
  (has) => Type.Object({
    server_group: has(MV.serverGroupPolicy)
      ? strict({ name: Name, policy: OneOf(policies(has)), rules: Rules }, ['name', 'policy'])
      : strict({ name: Name, policies: Policies(policies(has)) }, ['name', 'policies']),
  }),
);
