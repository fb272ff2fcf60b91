import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import type { TokenValidator, TokenInfo } from '../../core/auth/request-context.js';
import { migrate, type Db } from '../../core/db/database.js';
import type { RouteSpec, ServiceMount } from '../../core/http/service-plugin.js';
import { loadPolicyOverrides } from '../../core/policy/overrides.js';
import { compileRules, type RuleSet } from '../../core/policy/policy-engine.js';
import { seedSettings, type CloudConfig } from '../../config.js';
import { accessRuleRoutes } from './api/access-rules.routes.js';
import { applicationCredentialRoutes } from './api/application-credentials.routes.js';
import { authRoutes } from './api/auth.routes.js';
import { catalogRoutes } from './api/catalog.routes.js';
import { credentialRoutes } from './api/credentials.routes.js';
import { domainRoutes } from './api/domains.routes.js';
import { groupRoutes } from './api/groups.routes.js';
import { projectRoutes } from './api/projects.routes.js';
import { roleAssignmentRoutes } from './api/role-assignments.routes.js';
import { roleRoutes } from './api/roles.routes.js';
import { userRoutes } from './api/users.routes.js';
import { versionRoutes } from './api/versions.routes.js';
import { trustRoutes } from './api/trusts.routes.js';
import { ec2CredentialRoutes } from './api/ec2-credentials.routes.js';
import { ec2TokenRoutes } from './api/ec2-tokens.routes.js';
import { consumerRoutes } from './api/consumers.routes.js';
import { oauth1Routes } from './api/oauth1.routes.js';
import { domainConfigRoutes } from './api/domain-configs.routes.js';
import { endpointGroupRoutes } from './api/endpoint-groups.routes.js';
import { limitRoutes } from './api/limits.routes.js';
import { registeredLimitRoutes } from './api/registered-limits.routes.js';
import { FernetKeys } from './domain/fernet.js';
import { IdentityDomain } from './domain/identity-domain.js';
import { InvalidToken } from './domain/tokens.service.js';
import { identityFaults } from './faults.js';
import { identityPolicies } from './policies.js';
import { seedIdentity } from './seed.js';
import { identityMigrations } from './store/migrations.js';
import { identityTables } from './store/tables.js';

import type { IdentityFacade } from './facade.js';
import { unauthorized } from './domain/errors.js';
export type * from './facade.js';

export const IDENTITY_PATH = '/identity';

/** The identity service: Keystone v3. Other services use only `tokens` and `registerEndpoint`. */
export class IdentityModule {
  readonly domain: IdentityDomain;
  readonly rules: RuleSet;
  /** Validates X-Auth-Token for every service. */
  readonly tokens: TokenValidator;

  private constructor(private readonly config: CloudConfig, db: Db, keys: FernetKeys) {
    this.domain = new IdentityDomain(identityTables(db), keys, {
      bcryptCost: config.bcryptCost, security: config.security, tokenLifetimeMs: config.tokenExpirationSeconds * 1000,
    });
    this.rules = compileRules({ ...identityPolicies, ...loadPolicyOverrides(config.dataDir) });
    this.tokens = {
      validate: async (token: string): Promise<TokenInfo> => {
        try { return await this.domain.tokens.validate(token); } catch (e) {
          if (e instanceof InvalidToken) throw unauthorized();
          throw e;
        }
      },
    };
  }

  static async open(config: CloudConfig, db: Db): Promise<IdentityModule> {
    await migrate(db, 'identity', identityMigrations);
    const keys = new FernetKeys(join(config.dataDir, 'fernet-keys'));
    // NOTE: rotate daily; with 3 active keys a token outlives a rotation, as keystone-manage does it.
    keys.load(24 * 3600_000);
    const m = new IdentityModule(config, db, keys);
    await m.domain.load();
    await seedIdentity(m.domain, {
      adminPassword: config.adminPassword, servicePassword: config.servicePassword,
      adminUsername: config.adminUsername, demo: seedSettings(config).demo,
      serviceUsers: ['nova', 'glance', 'neutron', 'cinder', 'placement', 'swift'],
    });
    return m;
  }

  /** Projects and users by id, for other services (ServiceContext.facades.identity). */
  readonly facade: IdentityFacade = {
    findProject: async (id: string) => {
      const p = await this.domain.projects.find(id);
      return p && { id: p.id, name: p.name, domainId: p.domain_id };
    },
    findProjectByName: async (name: string, domainId = 'default') => {
      const p = await this.domain.projects.byName(name, domainId);
      return p && { id: p.id, name: p.name, domainId: p.domain_id };
    },
    findUser: async (id: string) => {
      const u = await this.domain.users.find(id);
      return u && { id: u.id, name: u.name, domainId: u.domain_id };
    },
    limitsFor: async (serviceName, projectId, resources) => {
      const service = (await this.domain.catalog.listServices({ name: serviceName }))[0];
      if (!service) return Object.fromEntries(resources.map((r) => [r, 0]));
      return this.domain.limits.effective(service.id, this.region, projectId, resources);
    },
    registerLimits: async (serviceName, defaults, values = {}) => {
      const service = (await this.domain.catalog.listServices({ name: serviceName }))[0];
      if (!service) throw new Error(`service ${serviceName} is not in the catalog`);
      await this.domain.limits.ensureRegistered(service.id, this.region, defaults, values);
    },
  };

  private get region(): string { return this.config.region ?? 'RegionOne'; }

  /** Puts a running service in the catalog at `url` (public, internal and admin) in the region (RegionOne unless configured). */
  registerEndpoint(type: string, name: string, url: string): Promise<void> {
    return this.domain.catalog.register(type, name, url, this.region);
  }

  unregisterEndpoint(type: string, name: string): Promise<void> {
    return this.domain.catalog.unregister(type, name);
  }

  mount(publicUrl: () => string): ServiceMount {
    const d = this.domain;
    return {
      prefix: IDENTITY_PATH,
      rules: () => this.rules,
      faults: identityFaults(publicUrl),
      tokens: this.tokens,
      routes: withHead([
        ...versionRoutes(), ...authRoutes(d), ...userRoutes(d), ...projectRoutes(d), ...domainRoutes(d), ...groupRoutes(d),
        ...roleRoutes(d), ...roleAssignmentRoutes(d), ...catalogRoutes(d), ...credentialRoutes(d), ...applicationCredentialRoutes(d), ...accessRuleRoutes(d),
        ...trustRoutes(d), ...ec2CredentialRoutes(d), ...ec2TokenRoutes(d),
        ...consumerRoutes(d), ...oauth1Routes(d), ...endpointGroupRoutes(d), ...domainConfigRoutes(d),
        ...registeredLimitRoutes(d), ...limitRoutes(d),
      ]),
      setup: (_app: FastifyInstance) => {},
    };
  }
}

/** Keystone (Flask) answers HEAD wherever it answers GET: same checks and status, no body. */
function withHead(routes: RouteSpec[]): RouteSpec[] {
  const head = new Set(routes.filter((r) => r.method === 'HEAD').map((r) => r.url));
  return [...routes, ...routes.filter((r) => r.method === 'GET' && !head.has(r.url)).map((r): RouteSpec => ({ ...r, method: 'HEAD' }))];
}

