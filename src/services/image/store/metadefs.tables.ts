import type { Db } from '../../../core/db/database.js';
import type { ImageDb } from './database.js';

export interface MetadefProperty { [key: string]: unknown }
export interface MetadefObject { name: string; description?: string; required?: string[]; properties?: Record<string, MetadefProperty>; created_at: string; updated_at: string }
export interface MetadefTag { name: string; created_at: string; updated_at: string }
export interface MetadefAssociation { name: string; prefix?: string; properties_target?: string; created_at: string; updated_at: string }

/** A metadata-definition namespace with everything it holds. */
export interface NamespaceRecord {
  namespace: string;
  display_name?: string;
  description?: string;
  visibility: 'public' | 'private';
  protected: boolean;
  owner: string | null;
  created_at: string;
  updated_at: string;
  properties: Record<string, MetadefProperty>;
  objects: MetadefObject[];
  tags: MetadefTag[];
  resource_type_associations: MetadefAssociation[];
}

export interface ResourceTypeRecord { name: string; protected: boolean; created_at: string; updated_at: string }

export class MetadefTables {
  readonly db: ImageDb;
  constructor(db: Db) { this.db = db; }

  async get(namespace: string): Promise<NamespaceRecord | undefined> {
    const row = await this.db.selectFrom('glance_metadef_namespaces').select('data').where('namespace', '=', namespace).executeTakeFirst();
    return row ? JSON.parse(row.data) as NamespaceRecord : undefined;
  }

  /** Namespaces a viewer may see: public ones and the project's own (all for an admin). */
  async list(viewer: { projectId: string | undefined; isAdmin: boolean }): Promise<NamespaceRecord[]> {
    let q = this.db.selectFrom('glance_metadef_namespaces').select('data').orderBy('namespace');
    if (!viewer.isAdmin) q = q.where((eb) => eb.or([eb('visibility', '=', 'public'), eb('owner', '=', viewer.projectId ?? '')]));
    return (await q.execute()).map((r) => JSON.parse(r.data) as NamespaceRecord);
  }

  async insert(n: NamespaceRecord): Promise<void> {
    await this.db.insertInto('glance_metadef_namespaces').values({ namespace: n.namespace, owner: n.owner, visibility: n.visibility, data: JSON.stringify(n) }).execute();
  }

  /** Replaces the document stored under `oldName` (a rename moves it). */
  async save(oldName: string, n: NamespaceRecord): Promise<void> {
    await this.db.updateTable('glance_metadef_namespaces').set({ namespace: n.namespace, owner: n.owner, visibility: n.visibility, data: JSON.stringify(n) })
      .where('namespace', '=', oldName).execute();
  }

  async delete(namespace: string): Promise<void> {
    await this.db.deleteFrom('glance_metadef_namespaces').where('namespace', '=', namespace).execute();
  }

  async resourceTypes(): Promise<ResourceTypeRecord[]> {
    const rows = await this.db.selectFrom('glance_metadef_resource_types').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ ...r, protected: Boolean(r.protected) }));
  }

  async resourceType(name: string): Promise<ResourceTypeRecord | undefined> {
    const r = await this.db.selectFrom('glance_metadef_resource_types').selectAll().where('name', '=', name).executeTakeFirst();
    return r ? { ...r, protected: Boolean(r.protected) } : undefined;
  }

  async insertResourceType(r: ResourceTypeRecord): Promise<void> {
    await this.db.insertInto('glance_metadef_resource_types').values({ ...r, protected: r.protected ? 1 : 0 }).onConflict((oc) => oc.doNothing()).execute();
  }
}
