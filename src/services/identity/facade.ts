// What other services may call on identity: projects and users by id or name, plain values out.

export interface IdentityFacade {
  findProject(id: string): Promise<{ id: string; name: string; domainId: string } | undefined>;
  findUser(id: string): Promise<{ id: string; name: string; domainId: string } | undefined>;
  /** A project by name in a domain ('default' unless given), for seeds. */
  findProjectByName(name: string, domainId?: string): Promise<{ id: string; name: string; domainId: string } | undefined>;
  /**
   * Unified limits as oslo.limit's flat enforcer reads them for a service (by its catalog name,
   * e.g. 'glance') in this cloud's region: for each resource, the project's own limit, else the
   * registered default, else 0 (an unregistered resource allows nothing). -1 is unlimited.
   */
  limitsFor(serviceName: string, projectId: string | undefined, resources: string[]): Promise<Record<string, number>>;
  /**
   * A deployment's registered limits for a service in this cloud's region, as DevStack creates
   * them: `defaults` are created when missing, `values` created or set to what they say. The
   * service must be in the catalog already.
   */
  registerLimits(serviceName: string, defaults: Record<string, number>, values?: Record<string, number>): Promise<void>;
}
