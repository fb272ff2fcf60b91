import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '../../support/cloud.js';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { createPersonas, PERSONAS, type Persona, type PersonaWorld } from '../../support/personas.js';

// Who may do what in identity, with Keystone Zed's default policy (keystone/common/policies/*.py)
// as Zed runs it: enforce_scope and enforce_new_defaults off, so each new default is OR-ed with
// its deprecated rule. The deprecated rules are mostly `rule:admin_required` (role:admin on any
// scope): that is why the project admin and the admin of another domain may manage everything
// (Keystone bug 968696, "admin-ness not properly scoped"), exactly as in a stock Zed cloud.
//
// One row per call; the expected statuses are, in order:
//          systemAdmin projectAdmin domainAdmin member reader otherMember
// A "-" skips a persona (the call makes no sense for it). Every call runs once per persona,
// after the row's own setup (done as the admin) where it needs a fresh resource.

let cloud: TestCloud;
let w: PersonaWorld;
let admin: Client;

after(async () => { await cloud.stop(); });

type Call = [method: string, path: string, body?: unknown, headers?: Record<string, string>];
interface Row { call: (who: Persona, n: string) => Call | Promise<Call>; expect: string }

const ADMINS = (ok: number) => `${ok} ${ok} ${ok} 403 403 403`;
const ALL = (ok: number) => `${ok} ${ok} ${ok} ${ok} ${ok} ${ok}`;

let seq = 0;
const unique = (who: string) => `${who}-${++seq}`;

async function created(path: string, body: unknown, key: string): Promise<any> {
  const r = await admin.post(path, body);
  assert.equal(r.status, 201, `setup ${path}: ${JSON.stringify(r.body)}`);
  return r.body[key];
}
const newUser = async (n: string, domainId = 'default') => (await created('/users', { user: { name: `u-${n}`, domain_id: domainId } }, 'user')).id as string;
const newProject = async (n: string) => (await created('/projects', { project: { name: `p-${n}`, domain_id: 'default' } }, 'project')).id as string;
const newGroup = async (n: string) => (await created('/groups', { group: { name: `g-${n}`, domain_id: 'default' } }, 'group')).id as string;
const newRole = async (n: string, domainId?: string) => (await created('/roles', { role: { name: `r-${n}`, domain_id: domainId } }, 'role')).id as string;

// Shared fixtures made once, before the table runs.
const f = {} as {
  group: string; service: string; endpoint: string; policy: string; endpointGroup: string; domainRole: string;
  memberCredential: string; memberAppCred: string; memberAccessRule: string; trust: string; memberToken: string;
  registeredLimit: string; limitP: string; limitD: string;
};

/** As the system admin: unified limits are written by a system-scoped admin only (Zed). */
async function createdBySystem(path: string, body: unknown, key: string): Promise<any> {
  const r = await w.clients.systemAdmin.post(path, body);
  assert.equal(r.status, 201, `setup ${path}: ${JSON.stringify(r.body)}`);
  return r.body[key][0];
}
const newRegisteredLimit = async (n: string) =>
  (await createdBySystem('/registered_limits', { registered_limits: [{ service_id: f.service, region_id: 'RegionOne', resource_name: `r-${n}`, default_limit: 1 }] }, 'registered_limits')).id as string;

before(async () => {
  cloud = await startTestCloud({ services: ['identity'] });
  w = await createPersonas(cloud);
  admin = w.admin;
  f.group = await newGroup('shared');
  await admin.put(`/groups/${f.group}/users/${w.userIds.member}`);
  f.service = (await created('/services', { service: { type: 'matrix', name: 'matrix' } }, 'service')).id;
  f.endpoint = (await created('/endpoints', { endpoint: { service_id: f.service, interface: 'public', url: 'http://matrix.example', region_id: 'RegionOne' } }, 'endpoint')).id;
  f.policy = (await created('/policies', { policy: { type: 'application/json', blob: '{}' } }, 'policy')).id;
  f.endpointGroup = (await created('/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: 'eg', filters: { interface: 'public' } } }, 'endpoint_group')).id;
  f.domainRole = await newRole('domain-specific', w.D);
  const member = w.clients.member;
  const c = await member.post('/credentials', { credential: { user_id: w.userIds.member, type: 'totp', blob: 'member-secret' } });
  f.memberCredential = c.body.credential.id;
  const ac = await member.post(`/users/${w.userIds.member}/application_credentials`, {
    application_credential: { name: 'member-ac', access_rules: [{ service: 'compute', method: 'GET', path: '/v2.1/servers' }] },
  });
  f.memberAppCred = ac.body.application_credential.id;
  f.memberAccessRule = ac.body.application_credential.access_rules[0].id;
  const t = await member.post('/OS-TRUST/trusts', {
    trust: { trustor_user_id: w.userIds.member, trustee_user_id: w.userIds.reader, project_id: w.P, impersonation: false, roles: [{ name: 'member' }] },
  });
  assert.equal(t.status, 201, JSON.stringify(t.body));
  f.trust = t.body.trust.id;
  f.memberToken = (await w.authenticate(w.userIds.member, { project: { id: w.P } })).token!;
  f.registeredLimit = await newRegisteredLimit('shared');
  const limit = (owner: Record<string, string>) => ({ limits: [{ ...owner, service_id: f.service, region_id: 'RegionOne', resource_name: 'r-shared', resource_limit: 2 }] });
  f.limitP = (await createdBySystem('/limits', limit({ project_id: w.P }), 'limits')).id;
  f.limitD = (await createdBySystem('/limits', limit({ domain_id: w.D }), 'limits')).id;
});

const tables: Record<string, Record<string, Row>> = {
  users: {
    'list users': { call: () => ['GET', '/users'], expect: ADMINS(200) },
    'list users of the Default domain': { call: () => ['GET', '/users?domain_id=default'], expect: ADMINS(200) },
    'show the member': { call: () => ['GET', `/users/${w.userIds.member}`], expect: '200 200 200 200 403 403' },
    'show a user that does not exist (403 before 404 for non-admins)': { call: () => ['GET', '/users/nope'], expect: '404 404 404 403 403 403' },
    'show oneself': { call: (who) => ['GET', `/users/${w.userIds[who]}`], expect: ALL(200) },
    'create a user': { call: (who) => ['POST', '/users', { user: { name: unique(who), domain_id: 'default' } }], expect: ADMINS(201) },
    'create a user in domain D': { call: (who) => ['POST', '/users', { user: { name: unique(who), domain_id: w.D } }], expect: ADMINS(201) },
    'update a user': { call: () => ['PATCH', `/users/${w.userIds.reader}`, { user: { description: 'x' } }], expect: ADMINS(200) },
    'update oneself (an admin action)': { call: (who) => ['PATCH', `/users/${w.userIds[who]}`, { user: { description: 'me' } }], expect: ADMINS(200) },
    'delete a user': { call: async (who) => ['DELETE', `/users/${await newUser(unique(who))}`], expect: ADMINS(204) },
    "list the member's projects": { call: () => ['GET', `/users/${w.userIds.member}/projects`], expect: '200 200 200 200 403 403' },
    'list own projects': { call: (who) => ['GET', `/users/${w.userIds[who]}/projects`], expect: ALL(200) },
    "list the member's groups": { call: () => ['GET', `/users/${w.userIds.member}/groups`], expect: '200 200 200 200 403 403' },
    'list projects of the token (/auth/projects)': { call: () => ['GET', '/auth/projects'], expect: ALL(200) },
    'list domains of the token (/auth/domains)': { call: () => ['GET', '/auth/domains'], expect: ALL(200) },
    'system of the token (/auth/system)': { call: () => ['GET', '/auth/system'], expect: ALL(200) },
  },
  projects: {
    'list projects': { call: () => ['GET', '/projects'], expect: ADMINS(200) },
    'show project P': { call: () => ['GET', `/projects/${w.P}`], expect: '200 200 200 200 200 403' },
    'show a project that does not exist (403 before 404 for non-admins)': { call: () => ['GET', '/projects/nope'], expect: '404 404 404 403 403 403' },
    'show project Q': { call: () => ['GET', `/projects/${w.Q}`], expect: '200 200 200 403 403 200' },
    'create a project': { call: (who) => ['POST', '/projects', { project: { name: unique(who), domain_id: 'default' } }], expect: ADMINS(201) },
    'update project P': { call: () => ['PATCH', `/projects/${w.P}`, { project: { description: 'P' } }], expect: ADMINS(200) },
    'delete a project': { call: async (who) => ['DELETE', `/projects/${await newProject(unique(who))}`], expect: ADMINS(204) },
    'list the tags of P': { call: () => ['GET', `/projects/${w.P}/tags`], expect: '200 200 200 200 200 403' },
    'add a tag to P': { call: (who) => ['PUT', `/projects/${w.P}/tags/${who}`], expect: ADMINS(201) },
    'replace the tags of P': { call: () => ['PUT', `/projects/${w.P}/tags`, { tags: ['a'] }], expect: ADMINS(200) },
    'check a tag of P': { call: async () => { await admin.put(`/projects/${w.P}/tags/check`); return ['GET', `/projects/${w.P}/tags/check`]; }, expect: '204 204 204 204 204 403' },
    'delete a tag of P': { call: async (who) => { await admin.put(`/projects/${w.P}/tags/del-${who}`); return ['DELETE', `/projects/${w.P}/tags/del-${who}`]; }, expect: ADMINS(204) },
  },
  domains: {
    'list domains': { call: () => ['GET', '/domains'], expect: ADMINS(200) },
    'show the Default domain (the project domain of P and Q)': { call: () => ['GET', '/domains/default'], expect: ALL(200) },
    'show domain D': { call: () => ['GET', `/domains/${w.D}`], expect: ADMINS(200) },
    'create a domain': { call: (who) => ['POST', '/domains', { domain: { name: unique(who) } }], expect: ADMINS(201) },
    'update domain D': { call: () => ['PATCH', `/domains/${w.D}`, { domain: { description: 'D' } }], expect: ADMINS(200) },
    'delete a disabled domain': {
      call: async (who) => {
        const d = await created('/domains', { domain: { name: unique(who), enabled: false } }, 'domain');
        return ['DELETE', `/domains/${d.id}`];
      },
      expect: ADMINS(204),
    },
  },
  groups: {
    'list groups': { call: () => ['GET', '/groups'], expect: ADMINS(200) },
    'show a group that does not exist': { call: () => ['GET', '/groups/nope'], expect: '404 404 404 403 403 403' },
    'show a group': { call: () => ['GET', `/groups/${f.group}`], expect: ADMINS(200) },
    'create a group': { call: (who) => ['POST', '/groups', { group: { name: unique(who), domain_id: 'default' } }], expect: ADMINS(201) },
    'update a group': { call: () => ['PATCH', `/groups/${f.group}`, { group: { description: 'g' } }], expect: ADMINS(200) },
    'delete a group': { call: async (who) => ['DELETE', `/groups/${await newGroup(unique(who))}`], expect: ADMINS(204) },
    'list the users of a group': { call: () => ['GET', `/groups/${f.group}/users`], expect: ADMINS(200) },
    'check membership': { call: () => ['HEAD', `/groups/${f.group}/users/${w.userIds.member}`], expect: ADMINS(204) },
    'add a member': { call: (who) => ['PUT', `/groups/${f.group}/users/${w.userIds[who]}`], expect: ADMINS(204) },
    'remove a member': {
      call: async (who) => { const u = await newUser(unique(who)); await admin.put(`/groups/${f.group}/users/${u}`); return ['DELETE', `/groups/${f.group}/users/${u}`]; },
      expect: ADMINS(204),
    },
  },
  roles: {
    'list roles': { call: () => ['GET', '/roles'], expect: ADMINS(200) },
    'show a role that does not exist': { call: () => ['GET', '/roles/nope'], expect: '404 404 404 403 403 403' },
    'show a role': { call: () => ['GET', `/roles/${w.roles.member}`], expect: ADMINS(200) },
    'create a role': { call: (who) => ['POST', '/roles', { role: { name: unique(who) } }], expect: ADMINS(201) },
    'update a role': { call: async (who) => ['PATCH', `/roles/${await newRole(unique(who))}`, { role: { description: 'r' } }], expect: ADMINS(200) },
    'delete a role': { call: async (who) => ['DELETE', `/roles/${await newRole(unique(who))}`], expect: ADMINS(204) },
    'list the roles of domain D': { call: () => ['GET', `/roles?domain_id=${w.D}`], expect: ADMINS(200) },
    'show a role of domain D': { call: () => ['GET', `/roles/${f.domainRole}`], expect: ADMINS(200) },
    'create a role in domain D': { call: (who) => ['POST', '/roles', { role: { name: unique(who), domain_id: w.D } }], expect: ADMINS(201) },
    'delete a role of domain D': { call: async (who) => ['DELETE', `/roles/${await newRole(unique(who), w.D)}`], expect: ADMINS(204) },
    'list role inferences': { call: () => ['GET', '/role_inferences'], expect: ADMINS(200) },
    'list what admin implies': { call: () => ['GET', `/roles/${w.roles.admin}/implies`], expect: ADMINS(200) },
    'check an implied role': { call: () => ['HEAD', `/roles/${w.roles.member}/implies/${w.roles.reader}`], expect: ADMINS(204) },
    'show an implied role': { call: () => ['GET', `/roles/${w.roles.member}/implies/${w.roles.reader}`], expect: ADMINS(200) },
    'create an implied role': { call: async (who) => ['PUT', `/roles/${await newRole(unique(who))}/implies/${w.roles.reader}`], expect: ADMINS(201) },
    'delete an implied role': {
      call: async (who) => { const r = await newRole(unique(who)); await admin.put(`/roles/${r}/implies/${w.roles.reader}`); return ['DELETE', `/roles/${r}/implies/${w.roles.reader}`]; },
      expect: ADMINS(204),
    },
  },
  grants: {
    'grant a role on P': { call: async (who) => ['PUT', `/projects/${w.P}/users/${await newUser(unique(who))}/roles/${w.roles.reader}`], expect: ADMINS(204) },
    'check a grant on P': { call: () => ['HEAD', `/projects/${w.P}/users/${w.userIds.member}/roles/${w.roles.member}`], expect: ADMINS(204) },
    'list the grants on P of the member': { call: () => ['GET', `/projects/${w.P}/users/${w.userIds.member}/roles`], expect: ADMINS(200) },
    'list own grants on P': { call: (who) => ['GET', `/projects/${w.P}/users/${w.userIds[who]}/roles`], expect: ADMINS(200) },
    'revoke a grant on P': {
      call: async (who) => { const u = await newUser(unique(who)); await admin.put(`/projects/${w.P}/users/${u}/roles/${w.roles.reader}`); return ['DELETE', `/projects/${w.P}/users/${u}/roles/${w.roles.reader}`]; },
      expect: ADMINS(204),
    },
    'grant a role to a group on P': { call: () => ['PUT', `/projects/${w.P}/groups/${f.group}/roles/${w.roles.reader}`], expect: ADMINS(204) },
    'grant an inherited role on domain D': { call: async (who) => ['PUT', `/OS-INHERIT/domains/${w.D}/users/${await newUser(unique(who), w.D)}/roles/${w.roles.reader}/inherited_to_projects`], expect: ADMINS(204) },
    'grant a role on domain D': { call: async (who) => ['PUT', `/domains/${w.D}/users/${await newUser(unique(who), w.D)}/roles/${w.roles.reader}`], expect: ADMINS(204) },
    'list the grants on domain D of its admin': { call: () => ['GET', `/domains/${w.D}/users/${w.userIds.domainAdmin}/roles`], expect: ADMINS(200) },
    'grant a role on the system': { call: async (who) => ['PUT', `/system/users/${await newUser(unique(who))}/roles/${w.roles.reader}`], expect: ADMINS(204) },
    'list the system grants of admin': { call: () => ['GET', `/system/users/${w.userIds.systemAdmin}/roles`], expect: ADMINS(200) },
    'check a system grant': { call: () => ['HEAD', `/system/users/${w.userIds.systemAdmin}/roles/${w.roles.admin}`], expect: ADMINS(204) },
    'revoke a system grant': {
      call: async (who) => { const u = await newUser(unique(who)); await admin.put(`/system/users/${u}/roles/${w.roles.reader}`); return ['DELETE', `/system/users/${u}/roles/${w.roles.reader}`]; },
      expect: ADMINS(204),
    },
    'list role assignments': { call: () => ['GET', '/role_assignments'], expect: ADMINS(200) },
    'list role assignments on P': { call: () => ['GET', `/role_assignments?scope.project.id=${w.P}`], expect: ADMINS(200) },
    'list own role assignments': { call: (who) => ['GET', `/role_assignments?user.id=${w.userIds[who]}`], expect: ADMINS(200) },
    'list role assignments in the tree of P': { call: () => ['GET', `/role_assignments?scope.project.id=${w.P}&include_subtree=true`], expect: ADMINS(200) },
  },
  catalog: {
    'list regions': { call: () => ['GET', '/regions'], expect: ALL(200) },
    'show a region': { call: () => ['GET', '/regions/RegionOne'], expect: ALL(200) },
    'create a region': { call: (who) => ['POST', '/regions', { region: { id: unique(who) } }], expect: ADMINS(201) },
    'update a region': { call: () => ['PATCH', '/regions/RegionOne', { region: { description: 'one' } }], expect: ADMINS(200) },
    'delete a region': { call: async (who) => { const id = unique(who); await admin.post('/regions', { region: { id } }); return ['DELETE', `/regions/${id}`]; }, expect: ADMINS(204) },
    'list services': { call: () => ['GET', '/services'], expect: ADMINS(200) },
    'show a service': { call: () => ['GET', `/services/${f.service}`], expect: ADMINS(200) },
    'create a service': { call: (who) => ['POST', '/services', { service: { type: unique(who) } }], expect: ADMINS(201) },
    'update a service': { call: () => ['PATCH', `/services/${f.service}`, { service: { description: 's' } }], expect: ADMINS(200) },
    'delete a service': { call: async (who) => ['DELETE', `/services/${(await created('/services', { service: { type: unique(who) } }, 'service')).id}`], expect: ADMINS(204) },
    'list endpoints': { call: () => ['GET', '/endpoints'], expect: ADMINS(200) },
    'show an endpoint': { call: () => ['GET', `/endpoints/${f.endpoint}`], expect: ADMINS(200) },
    'create an endpoint': { call: () => ['POST', '/endpoints', { endpoint: { service_id: f.service, interface: 'internal', url: 'http://x.example' } }], expect: ADMINS(201) },
    'update an endpoint': { call: () => ['PATCH', `/endpoints/${f.endpoint}`, { endpoint: { url: 'http://matrix2.example' } }], expect: ADMINS(200) },
    'delete an endpoint': {
      call: async () => ['DELETE', `/endpoints/${(await created('/endpoints', { endpoint: { service_id: f.service, interface: 'admin', url: 'http://d.example' } }, 'endpoint')).id}`],
      expect: ADMINS(204),
    },
    'list endpoint groups': { call: () => ['GET', '/OS-EP-FILTER/endpoint_groups'], expect: ADMINS(200) },
    'show an endpoint group': { call: () => ['GET', `/OS-EP-FILTER/endpoint_groups/${f.endpointGroup}`], expect: ADMINS(200) },
    'create an endpoint group': { call: (who) => ['POST', '/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: unique(who), filters: { interface: 'admin' } } }], expect: ADMINS(201) },
    'associate an endpoint group with P': { call: async (who) => {
      const g = await created('/OS-EP-FILTER/endpoint_groups', { endpoint_group: { name: unique(who), filters: { interface: 'admin' } } }, 'endpoint_group');
      return ['PUT', `/OS-EP-FILTER/endpoint_groups/${g.id}/projects/${w.P}`];
    }, expect: ADMINS(204) },
    'list the endpoint groups of P': { call: () => ['GET', `/OS-EP-FILTER/projects/${w.P}/endpoint_groups`], expect: ADMINS(200) },
    'list policies': { call: () => ['GET', '/policies'], expect: ADMINS(200) },
    'show a policy': { call: () => ['GET', `/policies/${f.policy}`], expect: ADMINS(200) },
    'create a policy': { call: () => ['POST', '/policies', { policy: { type: 'application/json', blob: '{}' } }], expect: ADMINS(201) },
    'update a policy': { call: () => ['PATCH', `/policies/${f.policy}`, { policy: { blob: '{"a":1}' } }], expect: ADMINS(200) },
    'delete a policy': { call: async () => ['DELETE', `/policies/${(await created('/policies', { policy: { type: 't', blob: 'b' } }, 'policy')).id}`], expect: ADMINS(204) },
  },
  'domain configs': {
    'show the default configuration': { call: () => ['GET', '/domains/config/default'], expect: ADMINS(200) },
    'create the configuration of a domain': {
      call: async (who) => {
        const d = await created('/domains', { domain: { name: unique(who) } }, 'domain');
        return ['PUT', `/domains/${d.id}/config`, { config: { identity: { driver: 'sql' } } }];
      },
      expect: ADMINS(201),
    },
    'show the configuration of domain D': {
      call: async () => { await admin.put(`/domains/${w.D}/config`, { config: { identity: { driver: 'sql' } } }); return ['GET', `/domains/${w.D}/config`]; },
      expect: ADMINS(200),
    },
    'update the configuration of domain D': { call: () => ['PATCH', `/domains/${w.D}/config`, { config: { identity: { driver: 'ldap' } } }], expect: ADMINS(200) },
    'read the password rules (security_compliance)': { call: () => ['GET', '/domains/default/config/security_compliance'], expect: ALL(200) },
  },
  credentials: {
    'create an own credential': { call: (who) => ['POST', '/credentials', { credential: { user_id: w.userIds[who], type: 'totp', blob: 'b' } }], expect: ALL(201) },
    "create a credential for the member": { call: () => ['POST', '/credentials', { credential: { user_id: w.userIds.member, type: 'totp', blob: 'b' } }], expect: '201 201 201 201 403 403' },
    'list credentials (each sees what get_credential allows)': { call: () => ['GET', '/credentials'], expect: ALL(200) },
    "show the member's credential": { call: () => ['GET', `/credentials/${f.memberCredential}`], expect: '200 200 200 200 403 403' },
    'show a credential that does not exist': { call: () => ['GET', '/credentials/nope'], expect: '404 404 404 403 403 403' },
    "update the member's credential": { call: () => ['PATCH', `/credentials/${f.memberCredential}`, { credential: { blob: 'new' } }], expect: '200 200 200 200 403 403' },
    'give an own credential away': {
      call: async (who) => {
        const c = await created('/credentials', { credential: { user_id: w.userIds[who], type: 'totp', blob: 'b' } }, 'credential');
        return ['PATCH', `/credentials/${c.id}`, { credential: { user_id: w.userIds.otherMember === w.userIds[who] ? w.userIds.reader : w.userIds.otherMember } }];
      },
      expect: '200 200 200 403 403 403',
    },
    "delete the member's credential": {
      call: async () => ['DELETE', `/credentials/${(await created('/credentials', { credential: { user_id: w.userIds.member, type: 'totp', blob: 'b' } }, 'credential')).id}`],
      expect: '204 204 204 204 403 403',
    },
  },
  'application credentials': {
    'create an own application credential': { call: (who) => ['POST', `/users/${w.userIds[who]}/application_credentials`, { application_credential: { name: unique(who) } }], expect: '- 201 - 201 201 201' },
    "create one for the member (never allowed, not even for admins)": {
      call: (who) => ['POST', `/users/${w.userIds.member}/application_credentials`, { application_credential: { name: unique(who) } }],
      expect: '403 403 403 - 403 403',
    },
    'list own application credentials': { call: (who) => ['GET', `/users/${w.userIds[who]}/application_credentials`], expect: ALL(200) },
    "list the member's application credentials": { call: () => ['GET', `/users/${w.userIds.member}/application_credentials`], expect: '200 200 200 200 403 403' },
    "show the member's application credential": { call: () => ['GET', `/users/${w.userIds.member}/application_credentials/${f.memberAppCred}`], expect: '200 200 200 200 403 403' },
    "show it under another user's path": { call: (who) => ['GET', `/users/${w.userIds[who]}/application_credentials/${f.memberAppCred}`], expect: '200 200 200 200 403 403' },
    "delete the member's application credential": {
      call: async (who) => {
        const c = await w.authenticate(w.userIds.member, { project: { id: w.P } });
        const r = await c.post(`/users/${w.userIds.member}/application_credentials`, { application_credential: { name: unique(who) } });
        return ['DELETE', `/users/${w.userIds.member}/application_credentials/${r.body.application_credential.id}`];
      },
      expect: '204 204 204 204 403 403',
    },
    // NOTE: Zed's access rule rules have no deprecated admin_required: only a system reader
    // (admin to delete) or the owner.
    'list own access rules': { call: (who) => ['GET', `/users/${w.userIds[who]}/access_rules`], expect: ALL(200) },
    "list the member's access rules": { call: () => ['GET', `/users/${w.userIds.member}/access_rules`], expect: '200 403 403 200 403 403' },
    "show the member's access rule": { call: () => ['GET', `/users/${w.userIds.member}/access_rules/${f.memberAccessRule}`], expect: '200 403 403 200 403 403' },
    "delete the member's unused access rule": {
      call: async (who) => {
        const c = await w.authenticate(w.userIds.member, { project: { id: w.P } });
        const r = await c.post(`/users/${w.userIds.member}/application_credentials`, {
          application_credential: { name: unique(who), access_rules: [{ service: 'compute', method: 'GET', path: `/v2.1/${unique(who)}` }] },
        });
        const ac = r.body.application_credential;
        await c.delete(`/users/${w.userIds.member}/application_credentials/${ac.id}`);
        return ['DELETE', `/users/${w.userIds.member}/access_rules/${ac.access_rules[0].id}`];
      },
      expect: '204 403 403 204 403 403',
    },
  },
  'OAuth1 access tokens': {
    // NOTE: Zed's access token rules are all rule:admin_required (admin on any scope).
    "list the member's access tokens": { call: () => ['GET', `/users/${w.userIds.member}/OS-OAUTH1/access_tokens`], expect: ADMINS(200) },
    'list own access tokens': { call: (who) => ['GET', `/users/${w.userIds[who]}/OS-OAUTH1/access_tokens`], expect: ADMINS(200) },
    'show an access token that does not exist (policy first)': {
      call: () => ['GET', `/users/${w.userIds.member}/OS-OAUTH1/access_tokens/${'a'.repeat(32)}`], expect: ADMINS(404),
    },
    'authorize a request token that does not exist (policy first)': {
      call: () => ['PUT', `/OS-OAUTH1/authorize/${'a'.repeat(32)}`, { roles: [{ name: 'member' }] }], expect: ADMINS(404),
    },
  },
  trusts: {
    'create a trust as the trustor': {
      call: (who) => ['POST', '/OS-TRUST/trusts', { trust: { trustor_user_id: w.userIds[who], trustee_user_id: w.userIds.reader, impersonation: false } }],
      expect: '201 201 201 201 201 201',
    },
    "create a trust in the member's name": {
      call: () => ['POST', '/OS-TRUST/trusts', { trust: { trustor_user_id: w.userIds.member, trustee_user_id: w.userIds.reader, impersonation: false } }],
      expect: '403 403 403 - 403 403',
    },
    'list all trusts': { call: () => ['GET', '/OS-TRUST/trusts'], expect: ADMINS(200) },
    "list the member's trusts as trustor": { call: () => ['GET', `/OS-TRUST/trusts?trustor_user_id=${w.userIds.member}`], expect: '200 403 403 200 403 403' },
    "list the reader's trusts as trustee": { call: () => ['GET', `/OS-TRUST/trusts?trustee_user_id=${w.userIds.reader}`], expect: '200 403 403 403 200 403' },
    'show the trust': { call: () => ['GET', `/OS-TRUST/trusts/${f.trust}`], expect: '200 403 403 200 200 403' },
    'list the roles of the trust': { call: () => ['GET', `/OS-TRUST/trusts/${f.trust}/roles`], expect: '200 403 403 200 200 403' },
    'check a role of the trust': { call: () => ['HEAD', `/OS-TRUST/trusts/${f.trust}/roles/${w.roles.member}`], expect: '200 403 403 200 200 403' },
    'delete a trust': {
      call: async () => {
        const t = await w.clients.member.post('/OS-TRUST/trusts', { trust: { trustor_user_id: w.userIds.member, trustee_user_id: w.userIds.reader, impersonation: false } });
        return ['DELETE', `/OS-TRUST/trusts/${t.body.trust.id}`];
      },
      expect: '204 403 403 204 403 403',
    },
  },
  'unified limits': {
    'list registered limits': { call: () => ['GET', '/registered_limits'], expect: ALL(200) },
    'show a registered limit': { call: () => ['GET', `/registered_limits/${f.registeredLimit}`], expect: ALL(200) },
    'create a registered limit (a system admin only, Zed has no deprecated rule)': {
      call: (who) => ['POST', '/registered_limits', { registered_limits: [{ service_id: f.service, resource_name: unique(who), default_limit: 1 }] }],
      expect: '201 403 403 403 403 403',
    },
    'update a registered limit': { call: async (who) => ['PATCH', `/registered_limits/${await newRegisteredLimit(unique(who))}`, { registered_limit: { default_limit: 3 } }], expect: '200 403 403 403 403 403' },
    'delete a registered limit': { call: async (who) => ['DELETE', `/registered_limits/${await newRegisteredLimit(unique(who))}`], expect: '204 403 403 403 403 403' },
    'show the limit model': { call: () => ['GET', '/limits/model'], expect: ALL(200) },
    'list limits (each sees its own scope\'s)': { call: () => ['GET', '/limits'], expect: ALL(200) },
    'show the limit of P': { call: () => ['GET', `/limits/${f.limitP}`], expect: '200 403 403 200 200 403' },
    'show the limit of domain D': { call: () => ['GET', `/limits/${f.limitD}`], expect: '200 403 200 403 403 403' },
    'show a limit that does not exist (403 before 404 but for system readers)': { call: () => ['GET', '/limits/nope'], expect: '404 403 403 403 403 403' },
    'create a limit for P': {
      call: async (who) => {
        const rl = (await w.clients.systemAdmin.get(`/registered_limits/${await newRegisteredLimit(unique(who))}`)).body.registered_limit;
        return ['POST', '/limits', { limits: [{ project_id: w.P, service_id: f.service, region_id: 'RegionOne', resource_name: rl.resource_name, resource_limit: 1 }] }];
      },
      expect: '201 403 403 403 403 403',
    },
    'update the limit of P': { call: () => ['PATCH', `/limits/${f.limitP}`, { limit: { resource_limit: 5 } }], expect: '200 403 403 403 403 403' },
    'delete a limit': {
      call: async (who) => {
        const n = unique(who);
        await newRegisteredLimit(n);
        const l = await createdBySystem('/limits', { limits: [{ project_id: w.Q, service_id: f.service, region_id: 'RegionOne', resource_name: `r-${n}`, resource_limit: 1 }] }, 'limits');
        return ['DELETE', `/limits/${l.id}`];
      },
      expect: '204 403 403 403 403 403',
    },
  },
  tokens: {
    'validate an own token': { call: (who) => ['GET', '/auth/tokens', undefined, { 'X-Subject-Token': w.clients[who].token! }], expect: ALL(200) },
    "validate the member's token": { call: () => ['GET', '/auth/tokens', undefined, { 'X-Subject-Token': f.memberToken }], expect: '200 200 200 200 403 403' },
    "check the member's token": { call: () => ['HEAD', '/auth/tokens', undefined, { 'X-Subject-Token': f.memberToken }], expect: '200 200 200 200 403 403' },
    "revoke the member's token": {
      call: async () => ['DELETE', '/auth/tokens', undefined, { 'X-Subject-Token': (await w.authenticate(w.userIds.member, { project: { id: w.P } })).token! }],
      expect: '204 204 204 204 403 403',
    },
    'the catalog of the token (project-scoped tokens only)': { call: () => ['GET', '/auth/catalog'], expect: '403 200 403 200 200 200' },
  },
};

for (const [family, rows] of Object.entries(tables)) {
  describe(`persona matrix: ${family}`, () => {
    for (const [label, row] of Object.entries(rows)) {
      test(label, async () => {
        const wanted = row.expect.split(' ');
        assert.equal(wanted.length, PERSONAS.length, `row "${label}" needs ${PERSONAS.length} statuses`);
        const got: string[] = [];
        for (const [i, who] of PERSONAS.entries()) {
          if (wanted[i] === '-') { got.push('-'); continue; }
          const [method, path, body, headers] = await row.call(who, label);
          const r = await w.clients[who].call(method, path, body, headers);
          got.push(String(r.status));
          if (r.status === 403 && method !== 'HEAD') {
            assert.equal(r.body?.error?.code, 403, `${who}: Keystone's error body`);
          }
        }
        assert.equal(got.join(' '), wanted.join(' '), `systemAdmin projectAdmin domainAdmin member reader otherMember`);
      });
    }
  });
}
