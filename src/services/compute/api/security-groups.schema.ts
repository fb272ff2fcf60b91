import { Type } from '@sinclair/typebox';
import { gated, Uuid, wrapped } from './schemas.js';

// nova/api/openstack/compute/schemas/security_groups.py: the proxies to Neutron (up to 2.35);
// a rule's protocol, ports and cidr are checked by the domain as Nova's handler does. Gone from
// 2.36 (404 whatever the body), so the handlers check them after that gate.

const Text = Type.String({ maxLength: 255 });
export const SecurityGroupBody = gated(wrapped('security_group', { name: Text, description: Text }, ['name', 'description']));

export const SecurityGroupRuleCreate = gated(Type.Object({
  security_group_rule: Type.Object({
    parent_group_id: Uuid,
    group_id: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], pattern: Uuid.pattern })),
    ip_protocol: Type.Optional(Type.Unknown()), from_port: Type.Optional(Type.Unknown()), to_port: Type.Optional(Type.Unknown()),
    cidr: Type.Optional(Type.Unknown()),
  }),
}, { additionalProperties: false }));
