// Metadata definitions (Glance's metadefs): namespaces holding property definitions, objects,
// tags and resource-type associations; resource types are a seeded catalog.
import type { MetadefAssociation, MetadefObject, MetadefTables, NamespaceRecord, ResourceTypeRecord } from '../store/metadefs.tables.js';
import {
  associationExists, associationNotFound, BadRequest, Conflict, Forbidden, schemaMismatch, metadefTagExists, metadefTagNotFound, namespaceExists,
  namespaceNotFound, namespaceProtected, NotFound, objectExists, objectNotFound, propertyExists, propertyNotFound, resourceTypeNotFound,
} from './errors.js';
import type { Caller } from './images.service.js';

/** The resource types DevStack's `glance-manage db_load_metadefs` leaves in a Zed cloud. */
export const SEEDED_RESOURCE_TYPES = [
  'OS::Cinder::Volume', 'OS::Glance::Image', 'OS::Nova::Aggregate', 'OS::Nova::Flavor', 'OS::Nova::Server',
  'OS::Trove::Instance', 'OS::Sahara::NodeGroupTemplate', 'OS::Glance::Metadef',
];

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function checkString(schema: string, body: Record<string, unknown>, key: string, required: boolean, maxLength?: number): void {
  const v = body[key];
  if (v === undefined) { if (required) throw schemaMismatch(schema, `'${key}' is a required property`); return; }
  if (typeof v !== 'string') throw schemaMismatch(schema, `${JSON.stringify(v)} is not of type 'string'`);
  if (maxLength !== undefined && v.length > maxLength) throw schemaMismatch(schema, `'${v}' is too long`);
}

export class MetadefsService {
  constructor(private readonly t: MetadefTables) {}

  async seed(): Promise<void> {
    const ts = now();
    for (const name of SEEDED_RESOURCE_TYPES) await this.t.insertResourceType({ name, protected: true, created_at: ts, updated_at: ts });
  }

  /** The namespace if the caller may see it (public, its own, or admin), else Glance's 404. */
  async get(caller: Caller, namespace: string): Promise<NamespaceRecord> {
    const n = await this.t.get(namespace);
    if (!n || !(caller.isAdmin || n.visibility === 'public' || (caller.projectId && n.owner === caller.projectId))) throw namespaceNotFound(namespace);
    return n;
  }

  list(caller: Caller): Promise<NamespaceRecord[]> { return this.t.list(caller); }

  private validateNamespace(body: Record<string, unknown>): void {
    checkString('namespace', body, 'namespace', true, 80);
    checkString('namespace', body, 'display_name', false, 80);
    checkString('namespace', body, 'description', false, 500);
    if (body.visibility !== undefined && !['public', 'private'].includes(body.visibility as string)) throw schemaMismatch('namespace', `${JSON.stringify(body.visibility)} is not one of ['public', 'private']`);
    if (body.protected !== undefined && typeof body.protected !== 'boolean') throw schemaMismatch('namespace', `${JSON.stringify(body.protected)} is not of type 'boolean'`);
    if ((body.namespace as string).trim() === '') throw schemaMismatch('namespace', "'' is too short");
  }

  async create(caller: Caller, body: Record<string, unknown>): Promise<NamespaceRecord> {
    this.validateNamespace(body);
    const name = body.namespace as string;
    if (await this.t.get(name)) throw namespaceExists(name);
    const ts = now();
    const n: NamespaceRecord = {
      namespace: name, visibility: (body.visibility as 'public' | 'private' | undefined) ?? 'private', protected: (body.protected as boolean | undefined) ?? false,
      owner: (body.owner as string | undefined) ?? caller.projectId ?? null, created_at: ts, updated_at: ts,
      properties: {}, objects: [], tags: [], resource_type_associations: [],
    };
    if (body.display_name !== undefined) n.display_name = body.display_name as string;
    if (body.description !== undefined) n.description = body.description as string;
    for (const a of (body.resource_type_associations as Record<string, unknown>[] | undefined) ?? []) await this.addAssociation(n, a);
    for (const [k, v] of Object.entries((body.properties as Record<string, Record<string, unknown>> | undefined) ?? {})) this.putProperty(n, { ...v, name: k }, true);
    for (const o of (body.objects as Record<string, unknown>[] | undefined) ?? []) this.putObject(n, o, undefined);
    for (const t of (body.tags as Record<string, unknown>[] | undefined) ?? []) this.addTag(n, String(t.name));
    await this.t.insert(n);
    return n;
  }

  async update(n: NamespaceRecord, body: Record<string, unknown>): Promise<NamespaceRecord> {
    this.validateNamespace(body);
    const old = n.namespace;
    const name = body.namespace as string;
    if (name !== old && await this.t.get(name)) throw namespaceExists(name);
    const next: NamespaceRecord = { ...n, namespace: name, updated_at: now() };
    for (const k of ['display_name', 'description'] as const) { if (body[k] === undefined) delete next[k]; else next[k] = body[k] as string; }
    if (body.visibility !== undefined) next.visibility = body.visibility as 'public' | 'private';
    if (body.protected !== undefined) next.protected = body.protected as boolean;
    if (body.owner !== undefined) next.owner = body.owner as string;
    await this.t.save(old, next);
    return next;
  }

  async delete(n: NamespaceRecord): Promise<void> {
    if (n.protected) throw namespaceProtected(n.namespace);
    await this.t.delete(n.namespace);
  }

  private async mutate(n: NamespaceRecord, change: (n: NamespaceRecord) => void | Promise<void>): Promise<NamespaceRecord> {
    const next: NamespaceRecord = JSON.parse(JSON.stringify(n));
    await change(next);
    await this.t.save(n.namespace, next);
    return next;
  }

  // Properties: a name → JSON-schema fragment map.
  private putProperty(n: NamespaceRecord, body: Record<string, unknown>, create: boolean, oldName?: string): Record<string, unknown> {
    checkString('property', body, 'name', true, 255);
    checkString('property', body, 'title', true, 255);
    checkString('property', body, 'type', true);
    const types = ['array', 'boolean', 'integer', 'number', 'object', 'string', null];
    if (!types.includes(body.type as string)) throw schemaMismatch('property', `'${body.type}' is not one of ['array', 'boolean', 'integer', 'number', 'object', 'string', None]`);
    const name = body.name as string;
    if ((create || name !== oldName) && name in n.properties) throw propertyExists(name, n.namespace);
    if (oldName !== undefined) delete n.properties[oldName];
    const { name: _name, ...schema } = body;
    n.properties[name] = schema;
    return { name, ...schema };
  }

  property(n: NamespaceRecord, name: string): Record<string, unknown> {
    const p = n.properties[name];
    if (!p) throw propertyNotFound(name, n.namespace);
    return { name, ...p };
  }

  async createProperty(n: NamespaceRecord, body: Record<string, unknown>) {
    let out: Record<string, unknown> = {};
    await this.mutate(n, (x) => { out = this.putProperty(x, body, true); });
    return out;
  }

  async updateProperty(n: NamespaceRecord, name: string, body: Record<string, unknown>) {
    this.property(n, name);
    let out: Record<string, unknown> = {};
    await this.mutate(n, (x) => { out = this.putProperty(x, body, false, name); });
    return out;
  }

  async deleteProperty(n: NamespaceRecord, name: string): Promise<void> {
    this.property(n, name);
    await this.mutate(n, (x) => { delete x.properties[name]; });
  }

  async deleteProperties(n: NamespaceRecord): Promise<void> { await this.mutate(n, (x) => { x.properties = {}; }); }

  // Objects.
  private putObject(n: NamespaceRecord, body: Record<string, unknown>, oldName: string | undefined): MetadefObject {
    checkString('object', body, 'name', true, 80);
    checkString('object', body, 'description', false, 500);
    const name = body.name as string;
    const existing = oldName === undefined ? undefined : n.objects.find((o) => o.name === oldName);
    if ((oldName === undefined || name !== oldName) && n.objects.some((o) => o.name === name)) {
      throw objectExists(name, n.namespace);
    }
    const ts = now();
    const o: MetadefObject = { name, created_at: existing?.created_at ?? ts, updated_at: ts };
    if (body.description !== undefined) o.description = body.description as string;
    if (body.required !== undefined) o.required = body.required as string[];
    if (body.properties !== undefined) o.properties = body.properties as MetadefObject['properties'];
    n.objects = [...n.objects.filter((x) => x.name !== oldName), o];
    return o;
  }

  object(n: NamespaceRecord, name: string): MetadefObject {
    const o = n.objects.find((x) => x.name === name);
    if (!o) throw objectNotFound(name, n.namespace);
    return o;
  }

  async createObject(n: NamespaceRecord, body: Record<string, unknown>): Promise<MetadefObject> {
    let out!: MetadefObject;
    await this.mutate(n, (x) => { out = this.putObject(x, body, undefined); });
    return out;
  }

  async updateObject(n: NamespaceRecord, name: string, body: Record<string, unknown>): Promise<MetadefObject> {
    this.object(n, name);
    let out!: MetadefObject;
    await this.mutate(n, (x) => { out = this.putObject(x, body, name); });
    return out;
  }

  async deleteObject(n: NamespaceRecord, name: string): Promise<void> {
    this.object(n, name);
    await this.mutate(n, (x) => { x.objects = x.objects.filter((o) => o.name !== name); });
  }

  async deleteObjects(n: NamespaceRecord): Promise<void> { await this.mutate(n, (x) => { x.objects = []; }); }

  // Tags (names are case-insensitive).
  private addTag(n: NamespaceRecord, name: string): void {
    if (!name || name.length > 255) throw schemaMismatch('tag', `'${name}' is too long`);
    if (n.tags.some((t) => t.name.toLowerCase() === name.toLowerCase())) {
      throw metadefTagExists(name, n.namespace);
    }
    const ts = now();
    n.tags.push({ name, created_at: ts, updated_at: ts });
  }

  tag(n: NamespaceRecord, name: string) {
    const t = n.tags.find((x) => x.name === name);
    if (!t) throw metadefTagNotFound(name, n.namespace);
    return t;
  }

  async createTag(n: NamespaceRecord, name: string) {
    const next = await this.mutate(n, (x) => this.addTag(x, name));
    return this.tag(next, name);
  }

  /** POST .../tags: the given tags replace all (or are appended with X-Openstack-Append). */
  async createTags(n: NamespaceRecord, names: string[], append: boolean) {
    const lower = names.map((x) => x.toLowerCase());
    if (new Set(lower).size !== lower.length) {
      const dup = names.find((x, i) => lower.indexOf(x.toLowerCase()) !== i)!;
      throw metadefTagExists(dup, n.namespace);
    }
    const next = await this.mutate(n, (x) => {
      if (!append) x.tags = [];
      for (const name of names) this.addTag(x, name);
    });
    return next.tags;
  }

  async updateTag(n: NamespaceRecord, name: string, newName: unknown) {
    this.tag(n, name);
    if (typeof newName !== 'string') throw schemaMismatch('tag', "'name' is a required property");
    if (newName.toLowerCase() !== name.toLowerCase() && n.tags.some((t) => t.name.toLowerCase() === newName.toLowerCase())) {
      throw metadefTagExists(newName, n.namespace);
    }
    const next = await this.mutate(n, (x) => { const t = x.tags.find((y) => y.name === name)!; t.name = newName; t.updated_at = now(); });
    return this.tag(next, newName);
  }

  async deleteTag(n: NamespaceRecord, name: string): Promise<void> {
    this.tag(n, name);
    await this.mutate(n, (x) => { x.tags = x.tags.filter((t) => t.name !== name); });
  }

  async deleteTags(n: NamespaceRecord): Promise<void> { await this.mutate(n, (x) => { x.tags = []; }); }

  // Resource types and their associations.
  resourceTypes(): Promise<ResourceTypeRecord[]> { return this.t.resourceTypes(); }

  private async addAssociation(n: NamespaceRecord, body: Record<string, unknown>): Promise<MetadefAssociation> {
    checkString('resource_type_association', body, 'name', true, 80);
    checkString('resource_type_association', body, 'prefix', false, 80);
    checkString('resource_type_association', body, 'properties_target', false, 80);
    const name = body.name as string;
    if (!(await this.t.resourceType(name))) throw resourceTypeNotFound(name);
    if (n.resource_type_associations.some((a) => a.name === name)) {
      throw associationExists(name, n.namespace);
    }
    const ts = now();
    const a: MetadefAssociation = { name, created_at: ts, updated_at: ts };
    if (body.prefix !== undefined) a.prefix = body.prefix as string;
    if (body.properties_target !== undefined) a.properties_target = body.properties_target as string;
    n.resource_type_associations.push(a);
    return a;
  }

  async associate(n: NamespaceRecord, body: Record<string, unknown>): Promise<MetadefAssociation> {
    let out!: MetadefAssociation;
    const next: NamespaceRecord = JSON.parse(JSON.stringify(n));
    out = await this.addAssociation(next, body);
    await this.t.save(n.namespace, next);
    return out;
  }

  async dissociate(n: NamespaceRecord, name: string): Promise<void> {
    if (!n.resource_type_associations.some((a) => a.name === name)) {
      throw associationNotFound(name, n.namespace);
    }
    await this.mutate(n, (x) => { x.resource_type_associations = x.resource_type_associations.filter((a) => a.name !== name); });
  }
}
