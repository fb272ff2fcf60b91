// What other services may call on identity: projects and users by id or name, plain values out.

export interface IdentityFacade {
  findProject(id: string): Promise<{ id: string; name: string; domainId: string } | undefined>;
  findUser(id: string): Promise<{ id: string; name: string; domainId: string } | undefined>;
  /** A project by name in a domain ('default' unless given), for seeds. */
  findProjectByName(name: string, domainId?: string): Promise<{ id: string; name: string; domainId: string } | undefined>;
}
