// Persisted tasks: a service records the intent in the same transaction as the state change it
// answers the client with (202), and the manager does the work after the commit. A task row lives
// until its handler finishes (the handler's final state change deletes it, in its transaction),
// so a crash leaves exactly the unfinished work behind; on start `resume()` hands every leftover
// task to its kind's `resume` handler, which finishes it or gives up on it (Nova's init_host:
// a server left in BUILD goes to ERROR, a stop left half done is completed).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { migrate, type Db, type Migration } from '../db/database.js';

export interface TaskRecord<P = any> {
  id: string;
  kind: string;
  resourceId: string;
  payload: P;
  createdAt: string;
  /** How many times the manager started it (1 on the first run; more after restarts). */
  attempts: number;
}

export interface TaskKind<P = any> {
  /** Does the work. It should end with `complete(task.id, tx)` inside its final transaction. */
  run(task: TaskRecord<P>): Promise<void>;
  /** Called on start for a task left from a previous run; default: run it again. */
  resume?(task: TaskRecord<P>): Promise<void>;
  /** Called when run/resume throws: the handler's last word (move the resource to ERROR). */
  failed?(task: TaskRecord<P>, err: unknown): Promise<void>;
}

const MIGRATIONS: Migration[] = [{
  id: '001_tasks',
  statements: [
    `CREATE TABLE work_tasks (id TEXT PRIMARY KEY, kind TEXT NOT NULL, resource_id TEXT NOT NULL, payload TEXT NOT NULL,
      created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)`,
    'CREATE INDEX work_tasks_resource ON work_tasks (resource_id)',
  ],
}];

export class TaskManager {
  private readonly kinds = new Map<string, TaskKind>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly db: Db, private readonly log: Logger, private readonly namespace: string) {}

  /** Creates the task table (once per database; every namespace shares it). */
  static async migrate(db: Db): Promise<void> { await migrate(db, 'work', MIGRATIONS); }

  register<P>(kind: string, handler: TaskKind<P>): void { this.kinds.set(`${this.namespace}:${kind}`, handler as TaskKind); }

  /**
   * Records a task inside the caller's transaction `tx`; nothing runs until `start(task)` is
   * called after the commit.
   */
  async record<P>(tx: Db, kind: string, resourceId: string, payload: P): Promise<TaskRecord<P>> {
    const task: TaskRecord<P> = { id: randomUUID(), kind: `${this.namespace}:${kind}`, resourceId, payload, createdAt: new Date().toISOString(), attempts: 0 };
    await tx.insertInto('work_tasks').values({
      id: task.id, kind: task.kind, resource_id: resourceId, payload: JSON.stringify(payload), created_at: task.createdAt, attempts: 0,
    }).execute();
    return task;
  }

  /** Marks the task done; call it inside the transaction that writes the task's final state. */
  async complete(taskId: string, tx: Db = this.db): Promise<void> {
    await tx.deleteFrom('work_tasks').where('id', '=', taskId).execute();
  }

  /** Runs a recorded task in the background (after the caller's commit). */
  start(task: TaskRecord): void {
    if (this.closed) return;
    this.track(this.execute(task, 'run'));
  }

  /** Tasks of this namespace still recorded for a resource (an action in flight). */
  async pendingFor(resourceId: string): Promise<TaskRecord[]> {
    const rows = await this.db.selectFrom('work_tasks').selectAll().where('resource_id', '=', resourceId)
      .where('kind', 'like', `${this.namespace}:%`).execute();
    return rows.map(decode);
  }

  /** The resources with a task of this namespace still pending (what init_host asks about every server, in one query). */
  async pendingResources(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('work_tasks').select('resource_id').distinct().where('kind', 'like', `${this.namespace}:%`).execute();
    return new Set(rows.map((r) => r.resource_id));
  }

  /** On start: hands every task left by a previous run to its kind's resume handler. */
  async resume(): Promise<number> {
    const rows = await this.db.selectFrom('work_tasks').selectAll().where('kind', 'like', `${this.namespace}:%`).orderBy('created_at').execute();
    for (const row of rows) await this.execute(decode(row), 'resume');
    return rows.length;
  }

  /** Waits for the tasks running now (tests, clean shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private track(p: Promise<void>): void {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private async execute(task: TaskRecord, mode: 'run' | 'resume'): Promise<void> {
    const handler = this.kinds.get(task.kind);
    if (!handler) {
      this.log.error({ task: task.id, kind: task.kind }, 'no handler for task kind; dropping it');
      await this.complete(task.id);
      return;
    }
    task.attempts += 1;
    try {
      if (mode === 'resume') {
        await this.db.updateTable('work_tasks').set({ attempts: task.attempts }).where('id', '=', task.id).execute();
        await (handler.resume ?? handler.run).call(handler, task);
      } else {
        await handler.run(task);
      }
    } catch (err) {
      this.log.warn({ err, task: task.id, kind: task.kind, resource: task.resourceId }, 'task failed');
      try { await handler.failed?.(task, err); } catch (e) { this.log.error({ err: e, task: task.id }, 'task failure handler failed'); }
      await this.complete(task.id).catch(() => {});
    }
  }
}

function decode(row: Record<string, any>): TaskRecord {
  return { id: row.id, kind: row.kind, resourceId: row.resource_id, payload: JSON.parse(row.payload), createdAt: row.created_at, attempts: row.attempts };
}
