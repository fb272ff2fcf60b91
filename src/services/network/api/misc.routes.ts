import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../core/auth/caller.js';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { DEFAULT_QUOTAS } from '../domain/network-domain.js';
import { SubnetsService, SUBNETPOOL_ATTRS } from '../domain/subnets.service.js';
import { badRequest, NeutronError, notFound, rbacPolicyNotFound, subnetPoolNotFound } from '../domain/errors.js';
import { tagList, toInt } from '../domain/attributes.js';
import { allowed, applyFilters, authorize, authorizeWithAttrs, ifMatch, listResponse, selectFields, unwrap } from './common.js';
import { rbacView, subnetPoolView } from './views.js';

const Id = Type.Object({ id: Type.String() });

/** The extensions we implement, under Neutron's aliases. */
export const EXTENSIONS: [string, string, string][] = [
  ['router', 'Neutron L3 Router', 'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.'],
  ['external-net', 'Neutron external network', 'Adds external network attribute to network resource.'],
  ['ext-gw-mode', 'Neutron L3 Configurable external gateway mode', 'Extension of the router abstraction for specifying whether SNAT should occur on the external gateway'],
  ['security-group', 'security-group', 'The security groups extension.'],
  ['quotas', 'Quota management support', 'Expose functions for quotas management per tenant'],
  ['quota_details', 'Quota details management support', 'Expose functions for quotas usage statistics per project'],
  ['provider', 'Provider Network', 'Expose mapping of virtual networks to physical networks'],
  ['binding', 'Port Binding', 'Expose port bindings of a virtual port to external application'],
  ['allowed-address-pairs', 'Allowed Address Pairs', 'Provides allowed address pairs'],
  ['port-security', 'Port Security', 'Provides port security'],
  ['extra_dhcp_opt', 'Neutron Extra DHCP options', 'Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)'],
  ['extraroute', 'Neutron Extra Route', 'Extra routes configuration for L3 router'],
  ['extraroute-atomic', 'Atomically add/remove extra routes', 'Edit extra routes of a router on server side by atomically adding/removing extra routes'],
  ['standard-attr-tag', 'Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, policy, subnetpool, port, security_group, floatingip', 'Enables to set tag on resources with standard attribute.'],
  ['standard-attr-revisions', 'Resource revision numbers', 'This extension will display the revision number of neutron resources.'],
  ['standard-attr-timestamp', 'Resource timestamps', 'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.'],
  ['standard-attr-description', 'standard-attr-description', 'Extension to add descriptions to standard attributes'],
  ['revision-if-match', 'If-Match constraints based on revision_number', 'Extension indicating that If-Match based on revision_number is supported.'],
  ['subnet_allocation', 'Subnet Allocation', 'Enables allocation of subnets from a subnet pool'],
  ['auto-allocated-topology', 'Auto Allocated Topology Services', 'Auto Allocated Topology Services.'],
  ['default-subnetpools', 'Default Subnetpools', 'Provides ability to mark and use a subnetpool as the default.'],
  ['network-ip-availability', 'Network IP Availability', 'Provides IP availability data for each network and subnet.'],
  ['rbac-policies', 'RBAC Policies', 'Allows creation and modification of policies that control tenant access to resources.'],
  ['availability_zone', 'Availability Zone', 'The availability zone extension.'],
  ['network_availability_zone', 'Network Availability Zone', 'Availability zone support for network.'],
  ['router_availability_zone', 'Router Availability Zone', 'Availability zone support for router.'],
  ['net-mtu', 'Network MTU', 'Provides MTU attribute for a network resource.'],
  ['net-mtu-writable', 'Network MTU (writable)', 'Provides a writable MTU attribute for a network resource.'],
  ['pagination', 'Pagination support', 'Extension that indicates that pagination is enabled.'],
  ['sorting', 'Sorting support', 'Extension that indicates that sorting is enabled.'],
  ['project-id', 'project_id field enabled', 'Extension that indicates that project_id field is enabled.'],
  ['fip-port-details', 'Floating IP Port Details Extension', 'Add port_details attribute to Floating IP resource'],
  ['subnet-service-types', 'Subnet service types', 'Provides ability to set the subnet service_types field'],
  ['stateful-security-group', 'Stateful security group', 'Indicates if the security group is stateful or not'],
  ['service-type', 'Neutron Service Type Management', 'API for retrieving service providers for Neutron advanced services'],
  ['ip-substring-filtering', 'IP address substring filtering', 'Provides IP address substring filtering when listing ports'],
  ['empty-string-filtering', 'Empty String Filtering Extension', 'Allow filtering by attributes with empty string value'],
];

export function miscRoutes(d: NetworkDomain): RouteSpec[] {
  const version = (req: ApiRequest) => ({ id: 'v2.0', status: 'CURRENT', links: [{ href: `${req.raw.protocol}://${req.headers.host}/networking/v2.0/`, rel: 'self' }] });
  const loadPool = async (req: ApiRequest, id: string) => {
    const p = await d.subnets.getPool(id).catch(() => undefined);
    if (!p || !allowed(req.ctx, 'get_subnetpool', { ...p }, { subnetpoolShared: p.shared })) throw subnetPoolNotFound(id);
    return p;
  };
  const loadRbac = async (req: ApiRequest, id: string) => {
    const r = await d.t.rbac.get(id);
    if (!r || !allowed(req.ctx, 'get_rbac_policy', { ...r })) throw rbacPolicyNotFound(id);
    return r;
  };
  const quotaView = async (projectId: string) => ({ ...(await d.quotaOf(projectId)) });

  // Tags on any standard-attribute resource.
  const TAGGABLE: Record<string, { table: keyof NetworkDomain['t']; get: string; update: string; notFound: (id: string) => NeutronError }> = {
    networks: { table: 'networks', get: 'get_network', update: 'update_network', notFound: (id) => notFound('NetworkNotFound', `Network ${id} could not be found.`) },
    subnets: { table: 'subnets', get: 'get_subnet', update: 'update_subnet', notFound: (id) => notFound('SubnetNotFound', `Subnet ${id} could not be found.`) },
    ports: { table: 'ports', get: 'get_port', update: 'update_port', notFound: (id) => notFound('PortNotFound', `Port ${id} could not be found.`) },
    routers: { table: 'routers', get: 'get_router', update: 'update_router', notFound: (id) => notFound('RouterNotFound', `Router ${id} could not be found.`) },
    subnetpools: { table: 'subnetpools', get: 'get_subnetpool', update: 'update_subnetpool', notFound: (id) => notFound('SubnetPoolNotFound', `Subnet pool ${id} could not be found.`) },
    floatingips: { table: 'floatingips', get: 'get_floatingip', update: 'update_floatingip', notFound: (id) => notFound('FloatingIPNotFound', `Floating IP ${id} could not be found`) },
    'security-groups': { table: 'securityGroups', get: 'get_security_group', update: 'update_security_group', notFound: (id) => notFound('SecurityGroupNotFound', `Security group ${id} does not exist`) },
  };
  const loadTagged = async (req: ApiRequest) => {
    const spec = TAGGABLE[req.params.res];
    if (!spec) throw notFound('HTTPNotFound', 'The resource could not be found.');
    const tbl = d.t[spec.table] as unknown as { get(id: string): Promise<any>; put(r: any): Promise<any> };
    const rec = await tbl.get(req.params.id);
    if (!rec) throw spec.notFound(req.params.id);
    let facts = {};
    if (spec.table === 'networks') { const f = d.networks.flags(rec, await d.networks.rbacOf(rec.id), req.ctx.projectId); facts = { shared: f.shared, external: f.external }; }
    const target = { ...rec, 'network:tenant_id': rec.network_id ? (await d.networks.find(rec.network_id))?.project_id : undefined };
    if (!allowed(req.ctx, spec.get, target, facts)) throw spec.notFound(req.params.id);
    const save = async (tags: string[]) => {
      authorize(req.ctx, spec.update, target, facts);
      await tbl.put({ ...rec, tags, revision_number: rec.revision_number + 1, updated_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
    };
    return { rec, save };
  };
  const TagParams = Type.Object({ res: Type.String(), id: Type.String() });
  const TagOne = Type.Object({ res: Type.String(), id: Type.String(), tag: Type.String() });
  const checkTag = (t: string) => { const bad = tagList([t]); if (bad) throw badRequest(`Invalid input for operation: ${bad}.`.replace('Invalid input for operation: ', '')); };

  return [
    { method: 'GET', url: '/', auth: 'none', handler: async (req) => ({ versions: [version(req)] }) },
    { method: 'GET', url: '/v2.0', auth: 'optional', handler: async (req) => ({ resources: ['subnets', 'networks', 'ports', 'routers', 'floatingips', 'security-groups', 'subnetpools'].map((n) => ({ name: n.replace(/s$/, '').replace('-', '_').replace('security_group', 'security_group'), collection: n.replace('-', '_'), links: [{ href: `${req.raw.protocol}://${req.headers.host}/networking/v2.0/${n}`, rel: 'self' }] })) }) },
    {
      method: 'GET', url: '/v2.0/extensions',
      handler: async (req) => listResponse(req, 'extensions', EXTENSIONS.map(([alias, name, description]) => ({ alias, name, description, updated: '2013-01-20T00:00:00-00:00', links: [] }))),
    },
    {
      method: 'GET', url: '/v2.0/extensions/:alias', schema: { params: Type.Object({ alias: Type.String() }) },
      handler: async (req) => {
        const e = EXTENSIONS.find(([a]) => a === req.params.alias);
        if (!e) throw notFound('HTTPNotFound', `Extension with alias ${req.params.alias} does not exist`);
        return { extension: { alias: e[0], name: e[1], description: e[2], updated: '2013-01-20T00:00:00-00:00', links: [] } };
      },
    },
    { method: 'GET', url: '/v2.0/availability_zones', handler: async (req) => listResponse(req, 'availability_zones', applyFilters([{ name: 'nova', resource: 'network', state: 'available' }, { name: 'nova', resource: 'router', state: 'available' }], req.query)) },
    { method: 'GET', url: '/v2.0/service-providers', handler: async (req) => listResponse(req, 'service_providers', [{ service_type: 'L3_ROUTER_NAT', name: 'default', default: true }]) },

    // Quotas.
    {
      method: 'GET', url: '/v2.0/quotas',
      handler: async (req) => {
        authorize(req.ctx, 'get_quota', { project_id: req.ctx.projectId });
        const ids = await d.t.quotaProjects();
        const visible = ids.filter((p) => allowed(req.ctx, 'get_quota', { project_id: p }));
        return { quotas: await Promise.all(visible.map(async (p) => ({ ...(await quotaView(p)), project_id: p, tenant_id: p }))) };
      },
    },
    { method: 'GET', url: '/v2.0/quotas/:id/default', schema: { params: Id }, handler: async (req) => { authorize(req.ctx, 'get_quota', { project_id: req.params.id }); return { quota: { ...DEFAULT_QUOTAS } }; } },
    {
      method: 'GET', url: '/v2.0/quotas/:id/details', schema: { params: Id },
      handler: async (req) => {
        authorize(req.ctx, 'get_quota', { project_id: req.params.id });
        const q = await d.quotaOf(req.params.id); const used = await d.usage(req.params.id);
        return { quota: Object.fromEntries(Object.entries(q).map(([k, v]) => [k, { limit: v, used: used[k] ?? 0, reserved: 0 }])) };
      },
    },
    { method: 'GET', url: '/v2.0/quotas/:id', schema: { params: Id }, handler: async (req) => { authorize(req.ctx, 'get_quota', { project_id: req.params.id }); return { quota: await quotaView(req.params.id) }; } },
    {
      method: 'PUT', url: '/v2.0/quotas/:id', schema: { params: Id, body: Type.Any() },
      handler: async (req) => {
        authorize(req.ctx, 'update_quota', { project_id: req.params.id });
        const b = unwrap(req.body, 'quota') as Record<string, unknown>;
        const unknown = Object.keys(b).filter((k) => !(k in DEFAULT_QUOTAS) && k !== 'force' && k !== 'check_limit');
        if (unknown.length) throw badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
        const values: Record<string, number> = {};
        for (const [k, v] of Object.entries(b)) {
          if (k === 'force' || k === 'check_limit') continue;
          let n: number;
          try { n = toInt(v); } catch { throw badRequest(`Invalid input for ${k}. Reason: '${String(v)}' is not an integer.`); }
          if (n < -1) throw badRequest(`Invalid input for ${k}. Reason: '${n}' is too small - must be at least '-1'.`);
          values[k] = n;
        }
        for (const [k, n] of Object.entries(values)) await d.t.setQuota(req.params.id, k, n);
        return { quota: await quotaView(req.params.id) };
      },
    },
    { method: 'DELETE', url: '/v2.0/quotas/:id', status: 204, schema: { params: Id }, handler: async (req) => { authorize(req.ctx, 'delete_quota', { project_id: req.params.id }); await d.t.deleteQuotas(req.params.id); } },

    // RBAC policies.
    {
      method: 'GET', url: '/v2.0/rbac-policies',
      handler: async (req) => listResponse(req, 'rbac_policies', applyFilters((await d.networks.listRbac()).filter((r) => allowed(req.ctx, 'get_rbac_policy', { ...r })).map(rbacView), req.query)),
    },
    {
      method: 'POST', url: '/v2.0/rbac-policies', status: 201, schema: { body: Type.Any() },
      handler: async (req) => {
        const b = unwrap(req.body, 'rbac_policy') as Record<string, unknown>;
        const caller = callerOf(req.ctx);
        const target = { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId };
        authorize(req.ctx, 'create_rbac_policy', target);
        if ('target_tenant' in b) authorize(req.ctx, 'create_rbac_policy:target_tenant', target, { rbacTarget: String(b.target_tenant) });
        const rbac = await d.networks.rbacOf();
        return { rbac_policy: rbacView(await d.networks.createRbac(caller, b, (n) => caller.isAdmin || d.networks.flags(n, rbac, caller.projectId).visible)) };
      },
    },
    { method: 'GET', url: '/v2.0/rbac-policies/:id', schema: { params: Id }, handler: async (req) => ({ rbac_policy: selectFields(rbacView(await loadRbac(req, req.params.id)), req.query) }) },
    {
      method: 'PUT', url: '/v2.0/rbac-policies/:id', schema: { params: Id, body: Type.Any() },
      handler: async (req) => {
        const r = await loadRbac(req, req.params.id);
        const b = unwrap(req.body, 'rbac_policy') as Record<string, unknown>;
        authorize(req.ctx, 'update_rbac_policy', { ...r });
        if ('target_tenant' in b) authorize(req.ctx, 'update_rbac_policy:target_tenant', { ...r }, { rbacTarget: String(b.target_tenant) });
        return { rbac_policy: rbacView(await d.networks.updateRbac(r.id, b)) };
      },
    },
    {
      method: 'DELETE', url: '/v2.0/rbac-policies/:id', status: 204, schema: { params: Id },
      handler: async (req) => { const r = await loadRbac(req, req.params.id); authorize(req.ctx, 'delete_rbac_policy', { ...r }); await d.networks.deleteRbac(r.id); },
    },

    // Subnet pools.
    {
      method: 'GET', url: '/v2.0/subnetpools',
      handler: async (req) => listResponse(req, 'subnetpools', applyFilters((await d.subnets.listPools()).filter((p) => allowed(req.ctx, 'get_subnetpool', { ...p }, { subnetpoolShared: p.shared })).map(subnetPoolView), req.query)),
    },
    {
      method: 'POST', url: '/v2.0/subnetpools', status: 201, schema: { body: Type.Any() },
      handler: async (req) => {
        const b = unwrap(req.body, 'subnetpool') as Record<string, unknown>;
        const caller = callerOf(req.ctx);
        authorizeWithAttrs(req.ctx, 'create_subnetpool', { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, b, SUBNETPOOL_ATTRS);
        return { subnetpool: subnetPoolView(await d.subnets.createPool(caller, b)) };
      },
    },
    { method: 'GET', url: '/v2.0/subnetpools/:id', schema: { params: Id }, handler: async (req) => ({ subnetpool: selectFields(subnetPoolView(await loadPool(req, req.params.id)), req.query) }) },
    {
      method: 'PUT', url: '/v2.0/subnetpools/:id', schema: { params: Id, body: Type.Any() },
      handler: async (req) => {
        const p = await loadPool(req, req.params.id);
        const b = unwrap(req.body, 'subnetpool') as Record<string, unknown>;
        authorizeWithAttrs(req.ctx, 'update_subnetpool', { ...p }, b, SUBNETPOOL_ATTRS, {}, false);
        return { subnetpool: subnetPoolView(await d.subnets.updatePool(p.id, b, ifMatch(req))) };
      },
    },
    {
      method: 'DELETE', url: '/v2.0/subnetpools/:id', status: 204, schema: { params: Id },
      handler: async (req) => { const p = await loadPool(req, req.params.id); authorize(req.ctx, 'delete_subnetpool', { ...p }); await d.subnets.deletePool(p.id, ifMatch(req)); },
    },

    // Network IP availability.
    ...[true, false].map((one): RouteSpec => ({
      method: 'GET', url: one ? '/v2.0/network-ip-availabilities/:id' : '/v2.0/network-ip-availabilities', schema: one ? { params: Id } : undefined,
      handler: async (req) => {
        authorize(req.ctx, 'get_network_ip_availability', {});
        const nets = (await d.networks.list()).filter((n) => !one || n.id === req.params.id);
        if (one && !nets.length) throw notFound('NetworkNotFound', `Network ${req.params.id} could not be found.`);
        const out = [];
        for (const n of nets) {
          const subs = [];
          for (const s of await d.subnets.list(n.id)) {
            const used = (await d.t.allocations({ subnet_id: s.id })).length;
            subs.push({ subnet_id: s.id, subnet_name: s.name, cidr: s.cidr, ip_version: s.ip_version, total_ips: Number(SubnetsService.poolSize(s)), used_ips: used });
          }
          out.push({ network_id: n.id, network_name: n.name, project_id: n.project_id, tenant_id: n.project_id, subnet_ip_availability: subs, total_ips: subs.reduce((a, s) => a + s.total_ips, 0), used_ips: subs.reduce((a, s) => a + s.used_ips, 0) });
        }
        if (one) return { network_ip_availability: out[0] };
        return listResponse(req, 'network_ip_availabilities', applyFilters(out, req.query));
      },
    })),

    // standard-attr-tag.
    { method: 'GET', url: '/v2.0/:res/:id/tags', schema: { params: TagParams }, handler: async (req) => ({ tags: (await loadTagged(req)).rec.tags }) },
    {
      method: 'PUT', url: '/v2.0/:res/:id/tags', schema: { params: TagParams, body: Type.Any() },
      handler: async (req) => {
        const { save } = await loadTagged(req);
        const b = req.body as { tags?: unknown };
        if (!b || typeof b !== 'object' || !('tags' in b)) throw badRequest('Invalid input for operation: Invalid tags body.'.replace('Invalid input for operation: ', ''));
        const bad = tagList(b.tags);
        if (bad) throw badRequest(`Invalid input for tags. Reason: ${bad}.`);
        const tags = [...new Set(b.tags as string[])];
        await save(tags);
        return { tags };
      },
    },
    { method: 'DELETE', url: '/v2.0/:res/:id/tags', status: 204, schema: { params: TagParams }, handler: async (req) => { await (await loadTagged(req)).save([]); } },
    {
      method: 'GET', url: '/v2.0/:res/:id/tags/:tag', status: 204, schema: { params: TagOne },
      handler: async (req) => { const { rec } = await loadTagged(req); if (!rec.tags.includes(req.params.tag)) throw notFound('TagNotFound', `Tag ${req.params.tag} could not be found.`); },
    },
    {
      method: 'PUT', url: '/v2.0/:res/:id/tags/:tag', status: 201, schema: { params: TagOne },
      handler: async (req) => {
        checkTag(req.params.tag);
        const { rec, save } = await loadTagged(req);
        if (!rec.tags.includes(req.params.tag)) await save([...rec.tags, req.params.tag]);
        else authorize(req.ctx, TAGGABLE[req.params.res]!.update, { ...rec });
        req.reply.code(201);
        return undefined;
      },
    },
    {
      method: 'DELETE', url: '/v2.0/:res/:id/tags/:tag', status: 204, schema: { params: TagOne },
      handler: async (req) => {
        const { rec, save } = await loadTagged(req);
        if (!rec.tags.includes(req.params.tag)) throw notFound('TagNotFound', `Tag ${req.params.tag} could not be found.`);
        await save(rec.tags.filter((t: string) => t !== req.params.tag));
      },
    },
  ];
}
