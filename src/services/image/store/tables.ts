import { sql } from 'kysely';
import type { Db } from '../../../core/db/database.js';
import { codec } from '../../../core/db/table.js';
import type { ImageDatabase, ImagesTable, ImageDb } from './database.js';

export type ImageStatus = 'queued' | 'saving' | 'active' | 'killed' | 'deleted' | 'uploading' | 'importing' | 'pending_delete' | 'deactivated';

export interface ImageRecord {
  id: string;
  name: string | null;
  status: ImageStatus;
  visibility: 'public' | 'private' | 'shared' | 'community';
  owner: string | null;
  disk_format: string | null;
  container_format: string | null;
  size: number | null;
  virtual_size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  min_disk: number;
  min_ram: number;
  protected: boolean;
  os_hidden: boolean;
  /** Custom properties: string values, shown as top-level keys. */
  properties: Record<string, string>;
  tags: string[];
  /** Bytes waiting in the staging area (glance-direct), or null. */
  staged_size: number | null;
  created_at: string;
  updated_at: string;
}

export interface MemberRecord {
  image_id: string;
  member_id: string;
  status: 'pending' | 'accepted' | 'rejected';
  created_at: string;
  updated_at: string;
}

/** An import task (Glance's tasks table, shown by GET /v2/images/{id}/tasks). */
export interface TaskRecord {
  id: string; image_id: string | null; type: string; status: 'pending' | 'processing' | 'success' | 'failure';
  owner: string | null; user_id: string | null; request_id: string | null;
  input: Record<string, unknown>; result: Record<string, unknown> | null; message: string;
  created_at: string; updated_at: string;
  /** When an ended task may be removed (Glance's task_time_to_live after success or failure); null while it runs. */
  expires_at: string | null;
}
const taskCodec = codec<TaskRecord, ImageDatabase['glance_tasks']>({ json: ['input', 'result'] });

/** Who is looking: list queries take it as a required argument, so none can forget the scope. */
export interface Viewer { projectId: string | undefined; isAdmin: boolean }

const imageCodec = codec<ImageRecord, ImagesTable>({ bools: ['protected', 'os_hidden'], json: ['properties', 'tags'] });

export class ImageTables {
  readonly db: ImageDb;
  constructor(db: Db) { this.db = db; }

  async get(id: string): Promise<ImageRecord | undefined> {
    const row = await this.db.selectFrom('glance_images').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? imageCodec.decode(row) : undefined;
  }

  async insert(r: ImageRecord): Promise<void> {
    await this.db.insertInto('glance_images').values(imageCodec.encode(r)).execute();
  }

  async update(id: string, patch: Partial<ImageRecord>): Promise<void> {
    const values = imageCodec.encode(patch);
    if (Object.keys(values).length) await this.db.updateTable('glance_images').set(values).where('id', '=', id).execute();
  }

  /** Moves the image from one status to another only if it is still in `from`; false otherwise. */
  async transition(id: string, from: ImageStatus[], patch: Partial<ImageRecord> & { status: ImageStatus }): Promise<boolean> {
    const r = await this.db.updateTable('glance_images').set(imageCodec.encode(patch))
      .where('id', '=', id).where('status', 'in', from).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Every image in one of these statuses, whoever owns it (reconciling after a restart). */
  async inStatus(statuses: ImageStatus[]): Promise<ImageRecord[]> {
    return (await this.db.selectFrom('glance_images').selectAll().where('status', 'in', statuses).execute()).map((r) => imageCodec.decode(r));
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('glance_images').where('id', '=', id).execute();
  }

  /**
   * The images a viewer may list, as Glance's _select_images_query: an admin sees all; others see
   * their own, public ones, community ones when asked for, and shared ones they are a member of
   * (with the given member status, 'all' for any).
   */
  async listVisible(viewer: Viewer, opts: { memberStatus: string; visibility?: string }): Promise<ImageRecord[]> {
    let q = this.db.selectFrom('glance_images').selectAll();
    if (!viewer.isAdmin) {
      const project = viewer.projectId ?? '';
      const members = this.db.selectFrom('glance_image_members').select('image_id').where('member_id', '=', project);
      // NOTE: the member status is the client's filter: one Glance does not have matches no row.
      const memberQ = opts.memberStatus === 'all' ? members : members.where('status', '=', opts.memberStatus as MemberRecord['status']);
      q = q.where((eb) => eb.or([
        eb('visibility', '=', 'public'),
        eb('owner', '=', project),
        ...(opts.visibility === 'community' || opts.visibility === 'all' ? [eb('visibility', '=', 'community')] : []),
        eb.and([eb('visibility', '=', 'shared'), eb('id', 'in', memberQ)]),
      ]));
    }
    return (await q.execute()).map((r) => imageCodec.decode(r));
  }

  /**
   * A project's images as Glance's quotas count them (glance/db/sqlalchemy/api.py): images not
   * killed; bytes of the images whose data is in the store (active, deactivated); bytes staged
   * (uploading or importing); images uploading, staging or importing.
   */
  async usage(owner: string): Promise<{ count: number; bytes: number; staged: number; uploading: number }> {
    const row = await this.db.selectFrom('glance_images')
      .select([
        sql<number>`sum(case when status not in ('killed', 'deleted') then 1 else 0 end)`.as('count'),
        sql<number>`coalesce(sum(case when status in ('active', 'deactivated') and size > 0 then size else 0 end), 0)`.as('bytes'),
        sql<number>`coalesce(sum(case when status in ('uploading', 'importing') and size > 0 then size else 0 end), 0)`.as('staged'),
        sql<number>`sum(case when status in ('saving', 'uploading', 'importing') then 1 else 0 end)`.as('uploading'),
      ])
      .where('owner', '=', owner).executeTakeFirst();
    return { count: Number(row?.count ?? 0), bytes: Number(row?.bytes ?? 0), staged: Number(row?.staged ?? 0), uploading: Number(row?.uploading ?? 0) };
  }

  async insertTask(t: TaskRecord): Promise<void> {
    await this.db.insertInto('glance_tasks').values(taskCodec.encode(t)).execute();
  }

  async updateTask(id: string, patch: Partial<TaskRecord>): Promise<void> {
    await this.db.updateTable('glance_tasks').set(taskCodec.encode(patch)).where('id', '=', id).execute();
  }

  async task(id: string): Promise<TaskRecord | undefined> {
    const row = await this.db.selectFrom('glance_tasks').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? taskCodec.decode(row) : undefined;
  }

  /** Every task, or those of one owner; filtered by status and type when given. */
  async tasks(q: { owner?: string; status?: string; type?: string }): Promise<TaskRecord[]> {
    let query = this.db.selectFrom('glance_tasks').selectAll();
    if (q.owner !== undefined) query = query.where('owner', '=', q.owner);
    if (q.status !== undefined) query = query.where('status', '=', q.status as TaskRecord['status']);
    if (q.type !== undefined) query = query.where('type', '=', q.type);
    return (await query.execute()).map((r) => taskCodec.decode(r));
  }

  async tasksOf(imageId: string): Promise<TaskRecord[]> {
    return (await this.db.selectFrom('glance_tasks').selectAll().where('image_id', '=', imageId).orderBy('created_at').execute()).map((r) => taskCodec.decode(r));
  }

  async members(imageId: string): Promise<MemberRecord[]> {
    return await this.db.selectFrom('glance_image_members').selectAll().where('image_id', '=', imageId).orderBy('created_at').execute();
  }

  async member(imageId: string, memberId: string): Promise<MemberRecord | undefined> {
    return await this.db.selectFrom('glance_image_members').selectAll().where('image_id', '=', imageId).where('member_id', '=', memberId).executeTakeFirst();
  }

  async insertMember(m: MemberRecord): Promise<void> {
    await this.db.insertInto('glance_image_members').values({ ...m }).execute();
  }

  async updateMember(imageId: string, memberId: string, patch: Partial<MemberRecord>): Promise<void> {
    await this.db.updateTable('glance_image_members').set(patch).where('image_id', '=', imageId).where('member_id', '=', memberId).execute();
  }

  async deleteMember(imageId: string, memberId: string): Promise<void> {
    await this.db.deleteFrom('glance_image_members').where('image_id', '=', imageId).where('member_id', '=', memberId).execute();
  }
}
