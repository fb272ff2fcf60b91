// SQL for quota limits set per project (user_id '') or per user of a project.
import type { ComputeDb } from './database.js';

export class QuotasStore {
  constructor(readonly db: ComputeDb) {}

  async limits(projectId: string, userId = ''): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('quotas').select(['resource', 'hard_limit']).where('project_id', '=', projectId).where('user_id', '=', userId).execute();
    return Object.fromEntries(rows.map((r) => [r.resource, Number(r.hard_limit)]));
  }

  async set(projectId: string, userId: string, values: Record<string, number>): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const [resource, hard_limit] of Object.entries(values)) {
        await tx.insertInto('quotas').values({ project_id: projectId, user_id: userId, resource, hard_limit })
          .onConflict((oc) => oc.columns(['project_id', 'user_id', 'resource']).doUpdateSet({ hard_limit })).execute();
      }
    });
  }

  async clear(projectId: string, userId?: string): Promise<void> {
    let q = this.db.deleteFrom('quotas').where('project_id', '=', projectId);
    if (userId !== undefined) q = q.where('user_id', '=', userId);
    await q.execute();
  }
}
