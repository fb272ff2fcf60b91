import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

// What Neutron's API layer checks of a body before the attribute maps (domain/attributes.ts) check
// what is inside: `{"<resource>": {...}}`, bulk `{"<collection>": [{...}, ...]}` where Neutron allows
// it, and the few bodies of member actions. faults.ts words each failure as Neutron does.

export const Id = Type.Object({ id: Type.String() });

/** A resource's attributes: any object; their names and values are the attribute map's to check. */
export const Attributes = Type.Record(Type.String(), Type.Unknown());
export type Attributes = Static<typeof Attributes>;

/**
 * `{"<resource>": {...}}` and nothing beside it. NOTE: `propertyNames` rather than
 * `additionalProperties`, so that the failure carries the allowed names and faults.ts can list
 * every unrecognised one, as Neutron does.
 */
export function wrapped<R extends string>(resource: R) {
  return Type.Object({ [resource]: Attributes } as Record<R, typeof Attributes>, { propertyNames: { enum: [resource] } });
}

/** Bulk creation `{"<collection>": [{...}, ...]}` (non-empty; anything beside it ignored) or `wrapped(resource)`. */
export function wrappedOrBulk<R extends string, C extends string>(resource: R, collection: C) {
  return Type.Unsafe<Partial<Record<R, Attributes> & Record<C, Attributes[]>>>({
    type: 'object',
    if: { required: [collection] },
    then: { properties: { [collection]: Type.Array(Attributes, { minItems: 1 }) } },
    else: wrapped(resource),
  });
}

/** The bodies Neutron refuses whole with one message (faults.ts has the words). */
export type Refusal = 'tags' | 'router_interface';

/** `shape`, or else one `const` failure whose allowed value names the refusal. */
function refusedAs<T extends TSchema>(shape: T, refusal: Refusal): TUnsafe<Static<T>> {
  return Type.Unsafe<Static<T>>({ if: shape, then: true, else: { const: refusal } });
}

export const NetworkBody = wrappedOrBulk('network', 'networks');
export const SubnetBody = wrapped('subnet');
export const SubnetsBody = wrappedOrBulk('subnet', 'subnets');
export const PortBody = wrapped('port');
export const PortsBody = wrappedOrBulk('port', 'ports');
export const NetworkUpdateBody = wrapped('network');
export const RouterBody = wrapped('router');
export const FloatingIpBody = wrapped('floatingip');
export const SecurityGroupBody = wrapped('security_group');
export const SecurityGroupRuleBody = wrapped('security_group_rule');
export const SecurityGroupRulesBody = wrappedOrBulk('security_group_rule', 'security_group_rules');
export const SubnetPoolBody = wrapped('subnetpool');
export const RbacPolicyBody = wrapped('rbac_policy');
export const QuotaBody = wrapped('quota');
export const AddressScopeBody = wrapped('address_scope');
export const QosPolicyBody = wrapped('policy');
export const BandwidthLimitRuleBody = wrapped('bandwidth_limit_rule');
export const TrunkBody = wrapped('trunk');
/** add_subports / remove_subports: `{"sub_ports": [...]}` (the list is checked by the trunk service). */
export const SubportsBody = Type.Object({ sub_ports: Type.Unknown() }, { required: ['sub_ports'] });

/** add_router_interface / remove_router_interface: `{"subnet_id": ...}` or `{"port_id": ...}`. */
export const RouterInterfaceBody = refusedAs(
  Type.Object({ subnet_id: Type.Optional(Type.Unknown()), port_id: Type.Optional(Type.Unknown()) }),
  'router_interface',
);

/** PUT .../tags: `{"tags": [...]}` (the list itself is checked as an attribute). */
export const TagsBody = refusedAs(Type.Object({ tags: Type.Unknown() }), 'tags');

export const AgentBody = wrapped('agent');
export const MeteringLabelBody = wrapped('metering_label');
export const MeteringLabelRuleBody = wrapped('metering_label_rule');
/** POST /v2.0/agents/{id}/dhcp-networks and .../l3-routers: the network or router to host. */
export const DhcpNetworkBody = Type.Object({ network_id: Type.String() });
export const L3RouterBody = Type.Object({ router_id: Type.String() });
