import type { ApiRequest } from '../../../core/http/service-plugin.js';
import type { AccessRule, TokenInfo } from '../../../core/auth/request-context.js';
import type { CatalogEntry } from '../domain/catalog.service.js';
import type {
  AppCredentialRecord, CredentialRecord, DomainRecord, EndpointRecord, GroupRecord,
  PolicyRecord, ProjectRecord, RegionRecord, RoleRecord, ServiceRecord, UserRecord,
} from '../store/tables.js';
import { roleDomainId, type Inference } from '../domain/roles.service.js';
import type { Assignment } from '../domain/assignments.service.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { zoned } from '../domain/times.js';
import { v3 } from './links.js';
import type { AccessTokenRecord, ConsumerRecord, EndpointGroupRecord, LimitRecord, RegisteredLimitRecord, TrustRecord } from '../store/tables.js';

const self = (req: ApiRequest, path: string) => ({ self: `${v3(req)}/${path}` });

export const domainView = (req: ApiRequest, d: DomainRecord) => ({
  ...d.extra, id: d.id, name: d.name, description: d.description, enabled: d.enabled, tags: d.tags, options: {},
  links: self(req, `domains/${d.id}`),
});

export const projectView = (req: ApiRequest, p: ProjectRecord) => ({
  ...p.extra, id: p.id, name: p.name, domain_id: p.domain_id, description: p.description, enabled: p.enabled,
  parent_id: p.parent_id ?? p.domain_id, is_domain: false, tags: p.tags, options: {}, links: self(req, `projects/${p.id}`),
});

export const domainAsProjectView = (req: ApiRequest, d: DomainRecord) => ({
  ...d.extra, id: d.id, name: d.name, domain_id: null, description: d.description, enabled: d.enabled,
  parent_id: null, is_domain: true, tags: d.tags, options: {}, links: self(req, `projects/${d.id}`),
});

export const userView = (req: ApiRequest, u: UserRecord) => {
  const out: Record<string, unknown> = {
    ...u.extra, id: u.id, name: u.name, domain_id: u.domain_id, enabled: u.enabled, password_expires_at: null,
    options: u.options, links: self(req, `users/${u.id}`),
  };
  if (u.default_project_id) out.default_project_id = u.default_project_id;
  return out;
};

export const groupView = (req: ApiRequest, g: GroupRecord) => ({
  ...g.extra, id: g.id, name: g.name, domain_id: g.domain_id, description: g.description, links: self(req, `groups/${g.id}`),
});

export const roleView = (req: ApiRequest, r: RoleRecord) => ({
  ...r.extra, id: r.id, name: r.name, domain_id: roleDomainId(r),
  description: r.description, options: r.options, links: self(req, `roles/${r.id}`),
});

export const roleRef = (req: ApiRequest, r: RoleRecord) => ({ id: r.id, name: r.name, links: self(req, `roles/${r.id}`) });

export const regionView = (req: ApiRequest, r: RegionRecord) => ({
  ...r.extra, id: r.id, description: r.description, parent_region_id: r.parent_region_id, links: self(req, `regions/${r.id}`),
});

export const serviceView = (req: ApiRequest, s: ServiceRecord) => ({
  ...s.extra, id: s.id, type: s.type, enabled: s.enabled, links: self(req, `services/${s.id}`),
});

export const endpointView = (req: ApiRequest, e: EndpointRecord) => ({
  ...e.extra, id: e.id, service_id: e.service_id, interface: e.interface, url: e.url, region_id: e.region_id,
  region: e.region_id, enabled: e.enabled, links: self(req, `endpoints/${e.id}`),
});

export const credentialView = (req: ApiRequest, c: CredentialRecord) => ({
  ...c.extra, id: c.id, user_id: c.user_id, project_id: c.project_id, type: c.type, blob: c.blob, links: self(req, `credentials/${c.id}`),
});

export const policyView = (req: ApiRequest, p: PolicyRecord) => ({ ...p.extra, id: p.id, type: p.type, blob: p.blob, links: self(req, `policies/${p.id}`) });

// NOTE: no user_id: Keystone filters application credentials to its _public_parameters, and
// shows access_rules only for a credential that has some.
export const appCredentialView = (req: ApiRequest, a: AppCredentialRecord, rules: AccessRule[]) => ({
  id: a.id, name: a.name, description: a.description, project_id: a.project_id,
  expires_at: a.expires_at, unrestricted: a.unrestricted,
  roles: a.roles.map((r) => ({ id: r.id, name: r.name, domain_id: r.domain_id ?? null })),
  ...(rules.length ? { access_rules: rules.map(accessRuleRef) } : {}),
  links: self(req, `users/${a.user_id}/application_credentials/${a.id}`),
});

/** A rule inside a credential or a token: no links. */
const accessRuleRef = (r: AccessRule) => ({ id: r.id, service: r.service, path: r.path, method: r.method });

// NOTE: Keystone's self link is /v3/access_rules/{id} (its resource has no user prefix).
export const accessRuleView = (req: ApiRequest, r: AccessRule) => ({ ...accessRuleRef(r), links: self(req, `access_rules/${r.id}`) });

/**
 * The catalog as a token carries it: `$(project_id)s` and `$(tenant_id)s` in endpoint URLs become
 * the token's project; an endpoint that needs a project is left out of a token without one
 * (Keystone's format_url, as DevStack registers Cinder's endpoints).
 */
export function catalogFor(catalog: CatalogEntry[], projectId: string | undefined): CatalogEntry[] {
  const needs = /\$\((project_id|tenant_id)\)s/;
  return catalog.map((e) => ({
    ...e,
    endpoints: e.endpoints.filter((x) => projectId !== undefined || !needs.test(x.url)).map((x) => ({ ...x, url: x.url.replaceAll(new RegExp(needs, 'g'), projectId ?? '') })),
  }));
}

export function tokenView(t: TokenInfo, catalog: CatalogEntry[] | undefined) {
  const token: Record<string, unknown> = {
    methods: t.methods,
    user: { domain: t.user.domain, id: t.user.id, name: t.user.name, password_expires_at: t.user.passwordExpiresAt },
    audit_ids: t.auditIds, expires_at: t.expiresAt, issued_at: t.issuedAt,
  };
  if (t.project) { token.project = t.project; token.is_domain = false; }
  if (t.domain) token.domain = t.domain;
  if (t.system) token.system = { all: true };
  if (t.project || t.domain || t.system) {
    token.roles = t.roles;
    if (catalog) token.catalog = catalogFor(catalog, t.project?.id);
  }
  if (t.applicationCredential) {
    const { accessRules, ...ac } = t.applicationCredential;
    // NOTE: as Keystone's render_token: access_rules only when the credential has some.
    token.application_credential = accessRules?.length ? { ...ac, access_rules: accessRules.map(accessRuleRef) } : ac;
  }
  if (t.oauth1) token['OS-OAUTH1'] = { access_token_id: t.oauth1.accessTokenId, consumer_id: t.oauth1.consumerId };
  if (t.trust) {
    token['OS-TRUST:trust'] = {
      id: t.trust.id, impersonation: t.trust.impersonation,
      trustee_user: { id: t.trust.trusteeUserId }, trustor_user: { id: t.trust.trustorUserId },
    };
  }
  return { token };
}

export const consumerView = (req: ApiRequest, c: ConsumerRecord) => ({
  ...c.extra, id: c.id, description: c.description, links: self(req, `OS-OAUTH1/consumers/${c.id}`),
});

// NOTE: Keystone's _format_token_entity: no secret and no role ids, a link to the roles instead.
export const accessTokenView = (req: ApiRequest, a: AccessTokenRecord) => {
  const path = `users/${a.authorizing_user_id}/OS-OAUTH1/access_tokens/${a.id}`;
  return {
    id: a.id, consumer_id: a.consumer_id, project_id: a.project_id, authorizing_user_id: a.authorizing_user_id, expires_at: a.expires_at,
    links: { ...self(req, path), roles: `${v3(req)}/${path}/roles` },
  };
};

/** A role delegated by an access token: Keystone's _format_role_entity drops the description. */
export const accessTokenRoleView = (req: ApiRequest, r: RoleRecord) => {
  const { description: _d, ...role } = roleView(req, r);
  return role;
};

export const endpointGroupView = (req: ApiRequest, g: EndpointGroupRecord) => ({
  id: g.id, name: g.name, description: g.description, filters: g.filters, links: self(req, `OS-EP-FILTER/endpoint_groups/${g.id}`),
});

// NOTE: Keystone's self link here is relative (EPFilterGroupsProjectsResource), kept as it answers.
export const projectEndpointGroupView = (a: { endpoint_group_id: string; project_id: string }) => ({
  endpoint_group_id: a.endpoint_group_id, project_id: a.project_id,
  links: { self: `/OS-EP-FILTER/endpoint_groups/${a.endpoint_group_id}/projects/${a.project_id}` },
});

export function ec2View(req: ApiRequest, c: CredentialRecord) {
  const blob = JSON.parse(c.blob) as { access: string; secret: string; trust_id?: string | null };
  return {
    user_id: c.user_id, tenant_id: c.project_id, access: blob.access, secret: blob.secret, trust_id: blob.trust_id ?? null,
    links: { self: `${v3(req)}/users/${c.user_id}/credentials/OS-EC2/${blob.access}` },
  };
}

export const trustRoleView = (req: ApiRequest, r: { id: string; name: string }) => ({ id: r.id, name: r.name, links: { self: `${v3(req)}/roles/${r.id}` } });

export function trustView(req: ApiRequest, t: TrustRecord) {
  return {
    id: t.id, trustor_user_id: t.trustor_user_id, trustee_user_id: t.trustee_user_id, project_id: t.project_id,
    impersonation: t.impersonation, expires_at: zoned(t.expires_at), remaining_uses: t.remaining_uses,
    redelegation_count: 0, allow_redelegation: false,
    roles: t.roles.map((r) => trustRoleView(req, r)), roles_links: { self: null, previous: null, next: null },
    links: { self: `${v3(req)}/OS-TRUST/trusts/${t.id}` },
  };
}

export const inferenceView = (req: ApiRequest, inf: Inference) => ({
  role_inference: { prior_role: roleRef(req, inf.prior), implies: roleRef(req, inf.implied) },
  links: { self: `${v3(req)}/roles/${inf.prior.id}/implies/${inf.implied.id}` },
});

/** A role assignment as Keystone lists it, with names when include_names asks (looked up in `d`). */
export async function assignmentView(req: ApiRequest, d: IdentityDomain, a: Assignment, names: boolean) {
  const base = v3(req);
  const scope: Record<string, unknown> = {};
  let scopePath: string;
  if (a.target_type === 'system') { scope.system = { all: true }; scopePath = 'system'; }
  else {
    const ref: Record<string, unknown> = { id: a.target_id };
    if (names) {
      if (a.target_type === 'project') {
        const p = await d.projects.find(a.target_id);
        const dom = p ? await d.domains.get(p.domain_id).catch(() => undefined) : undefined;
        Object.assign(ref, { name: p?.name, domain: { id: p?.domain_id, name: dom?.name } });
      } else {
        ref.name = (await d.domains.get(a.target_id).catch(() => undefined))?.name;
      }
    }
    scope[a.target_type] = ref;
    scopePath = `${a.target_type}s/${a.target_id}`;
  }
  if (a.inherited) scope['OS-INHERIT:inherited_to'] = 'projects';
  const actor: Record<string, unknown> = { id: a.actor_id };
  if (names) {
    const rec = a.actor_type === 'user' ? await d.users.find(a.actor_id) : await d.groups.get(a.actor_id).catch(() => undefined);
    const dom = rec ? await d.domains.get(rec.domain_id).catch(() => undefined) : undefined;
    Object.assign(actor, { name: rec?.name, domain: { id: rec?.domain_id, name: dom?.name } });
  }
  const role: Record<string, unknown> = { id: a.role_id };
  if (names) {
    const r = await d.roles.find(a.role_id);
    role.name = r?.name;
    const domainId = r ? roleDomainId(r) : null;
    if (domainId) role.domain = { id: domainId, name: (await d.domains.get(domainId).catch(() => undefined))?.name };
  }
  const inheritedFrom = a.via_inherited_from;
  const assignmentScope = inheritedFrom ? `OS-INHERIT/${inheritedFrom.type}s/${inheritedFrom.id}` : (a.inherited ? `OS-INHERIT/${scopePath}` : scopePath);
  const actorPath = a.via_group ? `groups/${a.via_group}` : `${a.actor_type}s/${a.actor_id}`;
  const links: Record<string, string> = {
    assignment: `${base}/${assignmentScope}/${actorPath}/roles/${a.prior_role ?? a.role_id}${a.inherited || inheritedFrom ? '/inherited_to_projects' : ''}`,
  };
  if (a.via_group) links.membership = `${base}/groups/${a.via_group}/users/${a.actor_id}`;
  if (a.prior_role) links.prior_role = `${base}/roles/${a.prior_role}`;
  return { role, [a.actor_type]: actor, scope, links };
}

// Unified limits (api-ref samples registered-limit-show-response.json, limit-show-response.json).
export const registeredLimitView = (req: ApiRequest, r: RegisteredLimitRecord) => ({
  id: r.id, service_id: r.service_id, region_id: r.region_id, resource_name: r.resource_name, default_limit: r.default_limit,
  description: r.description, links: self(req, `registered_limits/${r.id}`),
});

export const limitView = (req: ApiRequest, l: LimitRecord) => ({
  id: l.id, project_id: l.project_id, domain_id: l.domain_id, service_id: l.service_id, region_id: l.region_id,
  resource_name: l.resource_name, resource_limit: l.resource_limit, description: l.description, links: self(req, `limits/${l.id}`),
});
