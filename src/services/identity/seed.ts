import type { IdentityDomain } from './domain/identity-domain.js';
import { DEFAULT_DOMAIN } from './api/scope.js';

export interface SeedOptions {
  adminPassword: string; servicePassword: string; serviceUsers: string[];
  /** The admin user's name (default admin). */
  adminUsername?: string;
  /** demo and alt_demo with their projects (default true; Packstack's CONFIG_PROVISION_DEMO=n: none). */
  demo?: boolean;
}

/** DevStack's identity, created on first start and left alone after (idempotent by name). */
export async function seedIdentity(d: IdentityDomain, o: SeedOptions): Promise<void> {
  if (!(await d.tables.domains.get(DEFAULT_DOMAIN))) {
    await d.domains.create({ id: DEFAULT_DOMAIN, name: 'Default', description: 'The default domain' });
  }
  const role = async (name: string) => (await d.roles.byName(name)) ?? d.roles.create({ name });
  const admin = await role('admin');
  const member = await role('member');
  const reader = await role('reader');
  await role('ResellerAdmin');
  const service = await role('service');
  for (const [prior, implied] of [[admin, member], [member, reader]] as const) {
    if (!d.roles.directImplied(prior.id).includes(implied.id)) await d.roles.imply(prior.id, implied.id);
  }
  const project = async (name: string, description: string) =>
    (await d.projects.byName(name, DEFAULT_DOMAIN)) ?? d.projects.create({ name, description, domain_id: DEFAULT_DOMAIN }, DEFAULT_DOMAIN);
  const adminProject = await project('admin', 'Bootstrap project for initializing the cloud.');
  const serviceProject = await project('service', 'Project for the OpenStack services');
  // NOTE: the seed users share two well-known passwords; hashing each once keeps the first start fast.
  const hashes = new Map<string, Promise<string>>();
  const hashOf = (password: string) => {
    if (!hashes.has(password)) hashes.set(password, d.hasher.hash(password));
    return hashes.get(password)!;
  };
  const user = async (name: string, password: string, defaultProject: string) =>
    (await d.users.byName(name, DEFAULT_DOMAIN)) ??
    d.users.create({ name, domain_id: DEFAULT_DOMAIN, default_project_id: defaultProject }, DEFAULT_DOMAIN, await hashOf(password));
  const grant = (userId: string, roleId: string, targetType: 'project' | 'system', targetId: string) =>
    d.assignments.grant({ actor_type: 'user', actor_id: userId, target_type: targetType, target_id: targetId, role_id: roleId, inherited: false });
  const adminUser = await user(o.adminUsername ?? 'admin', o.adminPassword, adminProject.id);
  await grant(adminUser.id, admin.id, 'project', adminProject.id);
  await grant(adminUser.id, admin.id, 'system', 'all');
  if (o.demo ?? true) {
    const demo = await project('demo', 'Demo project');
    const altDemo = await project('alt_demo', 'Alternate demo project');
    const [demoUser, altUser] = await Promise.all([user('demo', o.adminPassword, demo.id), user('alt_demo', o.adminPassword, altDemo.id)]);
    await grant(adminUser.id, admin.id, 'project', demo.id);
    await grant(adminUser.id, admin.id, 'project', altDemo.id);
    await grant(demoUser.id, member.id, 'project', demo.id);
    await grant(altUser.id, member.id, 'project', altDemo.id);
  }
  const serviceUsers = await Promise.all(o.serviceUsers.map((name) => user(name, o.servicePassword, serviceProject.id)));
  for (const u of serviceUsers) {
    await grant(u.id, admin.id, 'project', serviceProject.id);
    await grant(u.id, service.id, 'project', serviceProject.id);
  }
}
