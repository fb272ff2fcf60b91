import type { SecurityCompliance } from '../../../config.js';
import type { IdentityTables } from '../store/tables.js';
import { AppCredentialsService } from './application-credentials.service.js';
import { AssignmentsService } from './assignments.service.js';
import { CatalogService } from './catalog.service.js';
import { CredentialsService } from './credentials.service.js';
import { DomainsService } from './domains.service.js';
import type { FernetKeys } from './fernet.js';
import { GroupsService } from './groups.service.js';
import { PasswordHasher } from './passwords.js';
import { PoliciesService } from './policies.service.js';
import { ProjectsService } from './projects.service.js';
import { Revocations } from './revocations.service.js';
import { RolesService } from './roles.service.js';
import { TokensService } from './tokens.service.js';
import { TrustsService } from './trusts.service.js';
import { UsersService } from './users.service.js';
import { ConsumersService } from './consumers.service.js';
import { DomainConfigsService } from './domain-configs.service.js';
import { EndpointGroupsService } from './endpoint-groups.service.js';
import { Ec2TokensService } from './ec2-tokens.service.js';
import { OAuth1Service } from './oauth1.service.js';
import { LimitsService } from './limits.service.js';

export interface IdentityDomainOptions {
  bcryptCost: number;
  security: SecurityCompliance;
  tokenLifetimeMs: number;
}

/** Every identity domain service, wired once. */
export class IdentityDomain {
  readonly hasher: PasswordHasher;
  readonly revocations: Revocations;
  readonly domains: DomainsService;
  readonly projects: ProjectsService;
  readonly users: UsersService;
  readonly groups: GroupsService;
  readonly roles: RolesService;
  readonly assignments: AssignmentsService;
  readonly catalog: CatalogService;
  readonly credentials: CredentialsService;
  readonly appCredentials: AppCredentialsService;
  readonly policies: PoliciesService;
  readonly trusts: TrustsService;
  readonly tokens: TokensService;
  readonly consumers: ConsumersService;
  readonly endpointGroups: EndpointGroupsService;
  readonly domainConfigs: DomainConfigsService;
  readonly ec2Tokens: Ec2TokensService;
  readonly oauth1: OAuth1Service;
  readonly limits: LimitsService;

  constructor(readonly tables: IdentityTables, keys: FernetKeys, opts: IdentityDomainOptions) {
    this.hasher = new PasswordHasher(opts.bcryptCost);
    this.revocations = new Revocations(tables.db, opts.tokenLifetimeMs);
    this.domains = new DomainsService(tables, this.revocations);
    this.projects = new ProjectsService(tables, this.revocations);
    this.users = new UsersService(tables, this.hasher, this.revocations, opts.security);
    this.groups = new GroupsService(tables, this.revocations);
    this.roles = new RolesService(tables, this.revocations);
    this.assignments = new AssignmentsService(tables, this.roles, this.projects);
    this.catalog = new CatalogService(tables);
    this.credentials = new CredentialsService(tables);
    this.appCredentials = new AppCredentialsService(tables, this.hasher);
    this.policies = new PoliciesService(tables);
    this.trusts = new TrustsService(tables, this.roles, this.assignments, this.revocations);
    this.oauth1 = new OAuth1Service(tables, this.assignments, this.projects);
    this.tokens = new TokensService(
      tables, keys, this.users, this.assignments, this.roles, this.appCredentials, this.revocations, this.trusts, this.oauth1, () => opts.tokenLifetimeMs,
    );
    this.consumers = new ConsumersService(tables);
    this.ec2Tokens = new Ec2TokensService(tables, this.users, this.projects, this.assignments, this.appCredentials, this.trusts, this.tokens);
    this.endpointGroups = new EndpointGroupsService(tables, this.catalog, this.projects);
    this.limits = new LimitsService(tables);
    // NOTE: Stratus has no password_regex option, so security_compliance reads back nulls as keystone's defaults.
    this.domainConfigs = new DomainConfigsService(tables, { defaultDomainId: 'default', securityCompliance: () => ({}) });
  }

  async load(): Promise<void> {
    await this.revocations.load();
    await this.roles.loadImplications();
  }
}
