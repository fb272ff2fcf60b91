// Tasks: Glance's (deprecated) tasks API over the tasks every import records. Access to the API
// is the route's policy (tasks_api_access); what a caller sees is Glance's _is_task_visible: an
// admin every task, others their project's and those without an owner.
import { randomUUID } from 'node:crypto';
import type { ImageTables, TaskRecord } from '../store/tables.js';
import type { Caller, ImagesService } from './images.service.js';
import { BadRequest, schemaMismatch, taskNotFound, taskNotVisible, unknownTaskMarker } from './errors.js';
import { taskExpiry, taskTime } from './task-times.js';
import { pageAfter } from '../../../core/pagination/pagination.js';

const TASK_TYPES = ['import', 'api_image_import'];

/** A task failed with this message is Glance's ImportTaskError (its message becomes the task's). */
class ImportTaskError extends Error {}

const STATUSES = ['pending', 'processing', 'success', 'failure'];
const SORT_KEYS = ['id', 'type', 'status', 'owner', 'created_at', 'updated_at', 'expires_at', 'image_id', 'user_id', 'request_id', 'message'];

export interface TaskListQuery { status?: string; type?: string; sortKey: string; sortDir: string; marker?: string; limit: number }

export class TasksService {
  constructor(private readonly t: ImageTables, private readonly images: ImagesService) {}

  /**
   * POST /v2/tasks (Glance's deprecated task create; access already checked): the body's checks
   * in Glance's words, then a pending task; returns it and the work to run after the answer.
   */
  async create(caller: Caller & { userId?: string }, raw: unknown, requestId: string): Promise<{ task: TaskRecord; work: () => Promise<void> }> {
    if (raw === undefined || raw === null) throw new BadRequest('Body expected in request.');
    const body = raw as Record<string, unknown>;
    for (const key of ['type', 'input']) if (!(key in body)) throw new BadRequest(`Task '${key}' is required`);
    if (typeof body.type !== 'string') throw schemaMismatch('task', `${JSON.stringify(body.type)} is not of type 'string'`);
    if (!TASK_TYPES.includes(body.type)) throw schemaMismatch('task', `'${body.type}' is not one of ['import', 'api_image_import']`);
    if (body.input !== null && (typeof body.input !== 'object' || Array.isArray(body.input))) {
      throw schemaMismatch('task', `${JSON.stringify(body.input)} is not of type 'null', 'object'`);
    }
    const input = (body.input ?? {}) as Record<string, unknown>;
    const ts = taskTime();
    const task: TaskRecord = {
      id: randomUUID(), image_id: typeof input.image_id === 'string' ? input.image_id : null, type: body.type, status: 'pending',
      owner: caller.projectId ?? null, user_id: caller.userId ?? null, request_id: requestId,
      input: body.input as Record<string, unknown>, result: null, message: '', created_at: ts, updated_at: ts, expires_at: null,
    };
    await this.t.insertTask(task);
    return { task, work: () => this.run(caller, task) };
  }

  /** Runs a created task: 'import' (Glance's base_import flow) makes an image from a URL's bytes. */
  private async run(caller: Caller, task: TaskRecord): Promise<void> {
    await this.t.updateTask(task.id, { status: 'processing', updated_at: taskTime() });
    const fail = (message: string) => this.t.updateTask(task.id, { status: 'failure', message, updated_at: taskTime(), expires_at: taskExpiry() });
    const input = (task.input ?? {}) as Record<string, unknown>;
    let imageId: string | undefined;
    try {
      const uri = this.checkInput(task.type, input);
      const image = await this.images.create(caller, (input.image_properties ?? {}) as Record<string, unknown>);
      imageId = image.id;
      await this.images.uploadFrom(image, uri);
      await this.t.updateTask(task.id, { status: 'success', result: { image_id: image.id }, updated_at: taskTime(), expires_at: taskExpiry() });
    } catch (e) {
      // NOTE: as the flow's revert, the image it made goes away.
      if (imageId) await this.images.deleteQuietly(imageId);
      await fail(e instanceof ImportTaskError ? e.message : 'Task failed due to Internal Error');
    }
  }

  /** Glance's unpack_task_input and validate_location_uri: the URL to import from. */
  private checkInput(type: string, input: Record<string, unknown>): string {
    if (type === 'api_image_import') {
      if (!Object.keys(input).length) throw new ImportTaskError('Input to api_image_import task is empty.');
      if (!('image_id' in input)) throw new ImportTaskError("Missing required 'image_id' field");
      // NOTE: an image import is started by POST /v2/images/{id}/import, not by a task of this type.
      throw new Error('api_image_import tasks run only from an image import');
    }
    for (const key of ['import_from', 'import_from_format', 'image_properties']) {
      if (!(key in input)) throw new ImportTaskError(`Input does not contain '${key}' field`);
    }
    const from = input.import_from;
    if (typeof from !== 'string' || !from) throw new ImportTaskError(`Invalid location: ${from === undefined || from === null ? 'None' : String(from)}`);
    if (from.startsWith('http://') || from.startsWith('https://')) return from;
    if (from.startsWith('file:///') || from.startsWith('filesystem:///')) throw new ImportTaskError('File based imports are not allowed. Please use a non-local source of image data.');
    throw new ImportTaskError("The given uri is not valid. Please specify a valid uri from the following list of supported uri ['http']");
  }

  async get(caller: Caller, id: string): Promise<TaskRecord> {
    const task = await this.t.task(id);
    if (!task) throw taskNotFound(id);
    if (!caller.isAdmin && task.owner !== null && task.owner !== caller.projectId) throw taskNotVisible(id);
    return task;
  }

  /** Glance's task_get_all: sorted (then by id), after the marker, at most `limit`; next marker when full. */
  async list(caller: Caller, q: TaskListQuery): Promise<{ tasks: TaskRecord[]; nextMarker?: string }> {
    if (q.status !== undefined && !STATUSES.includes(q.status)) throw new BadRequest(`Invalid status value: ${q.status}`);
    if (q.type !== undefined && q.type !== 'import') throw new BadRequest(`Invalid type value: ${q.type}`);
    if (!SORT_KEYS.includes(q.sortKey)) throw new BadRequest('Sort key supplied was not valid.');
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
    tasks = pageAfter(tasks, q, (t) => t.id, unknownTaskMarker);
    return { tasks, nextMarker: tasks.length && tasks.length === q.limit ? tasks[tasks.length - 1]!.id : undefined };
  }
}
