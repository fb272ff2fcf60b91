// Tasks: Glance's (deprecated) tasks API over the tasks every import records. Access to the API
// is the route's policy (tasks_api_access); what a caller sees is Glance's _is_task_visible: an
// admin every task, others their project's and those without an owner.
import type { ImageTables, TaskRecord } from '../store/tables.js';
import type { Caller } from './images.service.js';
import { BadRequest, Forbidden, NotFound } from './errors.js';

const STATUSES = ['pending', 'processing', 'success', 'failure'];
const SORT_KEYS = ['id', 'type', 'status', 'owner', 'created_at', 'updated_at', 'expires_at'];

export interface TaskListQuery { status?: string; type?: string; sortKey: string; sortDir: string; marker?: string; limit: number }

export class TasksService {
  constructor(private readonly t: ImageTables) {}

  async get(caller: Caller, id: string): Promise<TaskRecord> {
    const task = await this.t.task(id);
    if (!task) throw new NotFound(`Task with the given id ${id} was not found`);
    if (!caller.isAdmin && task.owner !== null && task.owner !== caller.projectId) throw new Forbidden(`Forbidding request, task ${id} is not visible`);
    return task;
  }

  /** Glance's task_get_all: sorted (then by id), after the marker, at most `limit`; next marker when full. */
  async list(caller: Caller, q: TaskListQuery): Promise<{ tasks: TaskRecord[]; nextMarker?: string }> {
    if (q.status !== undefined && !STATUSES.includes(q.status)) throw new BadRequest(`Invalid status value: ${q.status}`);
    if (q.type !== undefined && q.type !== 'import') throw new BadRequest(`Invalid type value: ${q.type}`);
    if (!SORT_KEYS.includes(q.sortKey)) throw new BadRequest(`Unknown sort key: ${q.sortKey}`);
    const owner = caller.isAdmin ? undefined : caller.projectId;
    let tasks = await this.t.tasks({ owner, status: q.status, type: q.type });
    const key = q.sortKey as keyof TaskRecord;
    const dir = q.sortDir === 'asc' ? 1 : -1;
    tasks.sort((a, b) => {
      const x = String(a[key] ?? '');
      const y = String(b[key] ?? '');
      if (x !== y) return x < y ? -dir : dir;
      return a.id < b.id ? -dir : a.id > b.id ? dir : 0;
    });
    if (q.marker !== undefined) {
      const at = tasks.findIndex((t) => t.id === q.marker);
      if (at < 0) throw new NotFound(`Task with the given id ${q.marker} was not found`);
      tasks = tasks.slice(at + 1);
    }
    tasks = tasks.slice(0, q.limit);
    return { tasks, nextMarker: tasks.length && tasks.length === q.limit ? tasks[tasks.length - 1]!.id : undefined };
  }
}
