// Images: Glance's image lifecycle (queued → saving/uploading → importing → active ⇄ deactivated),
// attributes, custom properties, tags, list filters and quotas. Policy is the API layer's job;
// this enforces the domain's own rules (status transitions, protected, read-only attributes).
import { randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { ImageFiles, WrittenFile } from '../store/image-files.js';
import { TooLarge } from '../store/image-files.js';
import type { ImageRecord, ImageStatus, ImageTables, Viewer } from '../store/tables.js';
import type { Caller as CoreCaller } from '../../../core/auth/caller.js';
import { ApiError } from '../../../core/errors/errors.js';
import { pageAfter } from '../../../core/pagination/pagination.js';
import { BadRequest, Conflict, Forbidden, OverLimit, badTransition, imageNotFound, imageTagNotFound, overLimit, readOnly, reserved, unknownMarker } from './errors.js';
import { IMAGE_PROPERTIES, validateImageDoc } from './formats.js';
import { DEFAULT_IMPORT_FILTERS, validateImportUri, type ImportFilters } from './import-filter.js';
import { openWebSource } from '../store/web-source.js';
import { glanceNow as now, taskExpiry as expiry, taskTime } from './times.js';

/**
 * Glance's unified limits (glance/quota/keystone.py), in its order: MiB of image data a project
 * stores (image_size_total), MiB it has in staging (image_stage_total), images it owns
 * (image_count_total), images it is uploading or importing at once (image_count_uploading).
 */
export const QUOTA_NAMES = ['image_size_total', 'image_stage_total', 'image_count_total', 'image_count_uploading'] as const;
export type QuotaName = typeof QUOTA_NAMES[number];
/** A project's limit for each resource; -1 is unlimited. */
export type ImageQuotas = Record<QuotaName, number>;

/**
 * Where the limits come from: Glance's use_keystone_limits. Enabled, a project's limits are
 * Keystone's (its own, else the glance service's registered defaults), as oslo.limit reads them;
 * disabled, nothing is enforced and /v2/info/usage is empty.
 */
export interface ImageLimits {
  enabled: boolean;
  of(projectId: string): Promise<ImageQuotas>;
}
export const NO_LIMITS: ImageLimits = { enabled: false, of: async () => ({ image_size_total: -1, image_stage_total: -1, image_count_total: -1, image_count_uploading: -1 }) };
const MiB = 1048576;
/** Glance's image_property_quota and image_tag_quota. */
export const PROPERTY_QUOTA = 128;
export const TAG_QUOTA = 128;
const propertyLimit = (attempted: number) => new OverLimit(`The limit has been exceeded on the number of allowed image properties. Attempted: ${attempted}, Maximum: ${PROPERTY_QUOTA}`);
const tagLimit = (attempted: number) => new OverLimit(`The limit has been exceeded on the number of allowed image tags. Attempted: ${attempted}, Maximum: ${TAG_QUOTA}`);
/** Glance's image_size_cap: 1 TiB. */
export const IMAGE_SIZE_CAP = 1099511627776;

const BASE = ['checksum', 'created_at', 'container_format', 'disk_format', 'id', 'min_disk', 'min_ram', 'name', 'size',
  'virtual_size', 'status', 'tags', 'owner', 'updated_at', 'visibility', 'protected', 'os_hidden'];
const DISALLOWED = ['direct_url', 'self', 'file', 'schema', 'stores'];
export const READONLY = ['created_at', 'updated_at', 'status', 'checksum', 'size', 'virtual_size', 'direct_url', 'self', 'file', 'schema', 'id', 'os_hash_algo', 'os_hash_value'];
const FACTORY_READONLY = ['created_at', 'updated_at', 'status', 'checksum', 'os_hash_algo', 'os_hash_value', 'size', 'virtual_size'];
const RESERVED = ['location', 'deleted', 'deleted_at'];
const RESERVED_NS = 'os_glance';
/** Attributes that are columns (filters compare them directly), the rest are custom properties. */
const COLUMNS = ['id', 'name', 'status', 'visibility', 'owner', 'disk_format', 'container_format', 'size', 'virtual_size', 'checksum', 'os_hash_algo', 'os_hash_value', 'min_disk', 'min_ram', 'protected', 'os_hidden', 'created_at', 'updated_at'];
export const SORT_KEYS = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at'];

/** What the domain needs of the caller (core's Caller, or a facade's viewer). */
export type Caller = Pick<CoreCaller, 'projectId' | 'isAdmin'>;

export interface Change { op: 'add' | 'replace' | 'remove'; path: string[]; value?: unknown; draft: 4 | 10 }

export interface ListQuery {
  filters: Record<string, string>;
  tags: string[];
  memberStatus: string;
  sortKeys: string[];
  sortDirs: string[];
  marker?: string;
  limit: number;
}

/** The import methods this cloud offers (Glance's enabled_import_methods). copy-image is left
 * out: it copies an image to another store, and this cloud has one (see parseImportRequest). */
export const IMPORT_METHODS = ['glance-direct', 'web-download'] as const;
export type ImportMethod = typeof IMPORT_METHODS[number];
/** A checked import request: the method, web-download's uri, and the body as the task keeps it. */
export interface ImportRequest { method: ImportMethod; uri?: string; allStoresMustSucceed?: boolean; body: Record<string, unknown> }
const IMPORTING_KEY = 'os_glance_importing_to_stores';
const FAILED_KEY = 'os_glance_failed_import';
const LOCK_KEY = 'os_glance_import_task';
/** The properties without the import lock (dropped when the import ends, either way). */
const unlocked = (p: Record<string, string>): Record<string, string> => { const { [LOCK_KEY]: _lock, ...rest } = p; return rest; };

/** Glance's RequestDeserializer._validate_import_body, word for word. */
export function parseImportRequest(raw: unknown): ImportRequest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !('method' in raw)) throw new BadRequest("Import request requires a 'method' field.");
  const body = raw as Record<string, unknown>;
  const method = body.method as Record<string, unknown>;
  if (method === null || typeof method !== 'object' || !('name' in method)) throw new BadRequest("Import request requires a 'name' field.");
  const name = method.name;
  if (!IMPORT_METHODS.includes(name as ImportMethod)) throw new BadRequest(`Unknown import method name '${String(name)}'.`);
  if ('all_stores_must_succeed' in body && typeof body.all_stores_must_succeed !== 'boolean') throw new BadRequest("'all_stores_must_succeed' must be boolean value only");
  if ('all_stores' in body && typeof body.all_stores !== 'boolean') throw new BadRequest("'all_stores' must be boolean value only");
  const uri = typeof method.uri === 'string' ? method.uri : undefined;
  return { method: name as ImportMethod, uri, allStoresMustSucceed: body.all_stores_must_succeed as boolean | undefined, body };
}


export class ImagesService {
  constructor(private readonly t: ImageTables, private readonly files: ImageFiles, private readonly limits: ImageLimits,
    private readonly importFilters: ImportFilters = DEFAULT_IMPORT_FILTERS) {}

  /** The image if the caller may see it (Glance's is_image_visible), else NotFound. */
  async get(caller: Caller, id: string): Promise<ImageRecord> {
    const image = await this.t.get(id);
    if (!image || !(await this.visible(caller, image))) throw imageNotFound(id);
    return image;
  }

  async visible(caller: Caller, image: ImageRecord): Promise<boolean> {
    if (caller.isAdmin || image.owner === null) return true;
    if (image.visibility === 'public' || image.visibility === 'community') return true;
    if (caller.projectId && image.owner === caller.projectId) return true;
    if (image.visibility === 'shared' && caller.projectId) return (await this.t.member(image.id, caller.projectId)) !== undefined;
    return false;
  }

  /** Creates a queued image from a request body (already policy-checked); Glance's deserializer and factory rules. */
  async create(caller: Caller, body: Record<string, unknown>): Promise<ImageRecord> {
    for (const key of DISALLOWED) if (key in body) throw readOnly(key);
    const invalid = validateImageDoc(body);
    if (invalid) throw new BadRequest(invalid);
    const props: Record<string, string> = {};
    const attrs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) {
      if (BASE.includes(k)) attrs[k] = v; else props[k] = v as string;
    }
    for (const key of Object.keys(props)) {
      if (key.length > 255) throw new BadRequest('Custom property should not be greater than 255 characters.');
      if (RESERVED.includes(key) || key.startsWith(RESERVED_NS)) throw reserved(key);
    }
    for (const key of FACTORY_READONLY) if (key in attrs) throw readOnly(key);
    if ('locations' in body) throw reserved('locations');
    for (const k of ['min_disk', 'min_ram'] as const) {
      if (typeof attrs[k] === 'number' && (attrs[k] as number) < 0) throw new BadRequest(`Invalid value '${attrs[k]}' for parameter '${k}': Cannot be a negative value.`);
    }
    if (Object.keys(props).length > PROPERTY_QUOTA) throw propertyLimit(Object.keys(props).length);
    if (dedupe((attrs.tags as string[] | undefined) ?? []).length > TAG_QUOTA) throw tagLimit(dedupe(attrs.tags as string[]).length);
    const owner = (attrs.owner as string | null | undefined) === undefined ? caller.projectId ?? null : attrs.owner as string | null;
    // NOTE: as Glance, the caller's project is charged (req.context.owner), whoever will own the image.
    await this.enforce(caller.projectId, 'image_count_total', 1);
    const id = (attrs.id as string | undefined) ?? randomUUID();
    if (await this.t.get(id)) throw new Conflict(`Image with identifier ${id} already exists!`);
    const ts = now();
    const image: ImageRecord = {
      id, name: (attrs.name as string | null | undefined) ?? null, status: 'queued',
      visibility: (attrs.visibility as ImageRecord['visibility'] | undefined) ?? 'shared', owner,
      disk_format: (attrs.disk_format as string | null | undefined) ?? null, container_format: (attrs.container_format as string | null | undefined) ?? null,
      size: null, virtual_size: null, checksum: null, os_hash_algo: null, os_hash_value: null,
      min_disk: (attrs.min_disk as number | undefined) ?? 0, min_ram: (attrs.min_ram as number | undefined) ?? 0,
      protected: (attrs.protected as boolean | undefined) ?? false, os_hidden: (attrs.os_hidden as boolean | undefined) ?? false,
      properties: props, tags: dedupe((attrs.tags as string[] | undefined) ?? []), staged_size: null, created_at: ts, updated_at: ts,
    };
    await this.t.insert(image);
    return image;
  }

  /** Glance's list: visibility scope in SQL, then its filters, sort, marker and limit. */
  async list(caller: Caller, q: ListQuery): Promise<{ images: ImageRecord[]; nextMarker?: string }> {
    const f = { ...q.filters };
    const visibility = f.visibility;
    delete f.visibility;
    if (visibility && !['community', 'public', 'private', 'shared', 'all'].includes(visibility)) throw new BadRequest(`Invalid visibility value: ${visibility}`);
    let images = await this.t.listVisible(caller as Viewer, { memberStatus: q.memberStatus, visibility });
    if (visibility && visibility !== 'all') images = images.filter((i) => i.visibility === visibility);
    else if (!visibility) images = images.filter((i) => i.visibility !== 'community' || (caller.projectId !== undefined && i.owner === caller.projectId));
    const hidden = (f.os_hidden ?? 'false').toLowerCase();
    delete f.os_hidden;
    if (!['true', 'false'].includes(hidden)) throw new BadRequest(`Invalid value '${hidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'.`);
    images = images.filter((i) => i.os_hidden === (hidden === 'true'));
    if (f.protected !== undefined) {
      const p = f.protected;
      if (!['true', 'false'].includes(p)) throw new BadRequest(`Invalid value '${p}' for 'protected' filter. Valid values are 'true' or 'false'.`);
      images = images.filter((i) => i.protected === (p === 'true'));
      delete f.protected;
    }
    if ('changes-since' in f) throw new BadRequest('The "changes-since" filter is no longer available on v2.');
    for (const tag of q.tags) images = images.filter((i) => i.tags.includes(tag));
    for (const [k, v] of Object.entries(f)) images = images.filter(filterFor(k, v));

    images.sort(comparator(q.sortKeys, q.sortDirs));
    const page = pageAfter(images, q, (i) => i.id, unknownMarker);
    return { images: page, nextMarker: page.length > 0 && page.length === q.limit ? page[page.length - 1]!.id : undefined };
  }

  /** Applies JSON-patch changes (already parsed and policy-checked) as Glance's update does, all or nothing. */
  async update(caller: Caller, image: ImageRecord, changes: Change[]): Promise<ImageRecord> {
    const next: ImageRecord = { ...image, properties: { ...image.properties }, tags: [...image.tags] };
    for (const c of changes) {
      const root = c.path[0]!;
      if (root === 'locations') throw new Forbidden("It's not allowed to update locations if locations are invisible.");
      if (c.op === 'remove') {
        if (COLUMNS.includes(root) || root === 'tags') throw new Forbidden(`Property ${root} may not be removed.`);
        if (!(root in next.properties)) throw new Conflict(`Property ${root} does not exist.`);
        delete next.properties[root];
        continue;
      }
      const isBase = BASE.includes(root);
      if (c.op === 'replace') {
        if (root === 'owner' && !caller.isAdmin) throw new Forbidden("Owner can't be updated by non admin.");
        if (!isBase && !(root in next.properties)) throw new Conflict(`Property ${root} does not exist.`);
      } else if (c.draft === 4 && (isBase || root in next.properties)) {
        throw new Conflict(`Property ${root} already present.`);
      }
      if (!isBase) {
        if (root.length > 255) throw new BadRequest('Custom property should not be greater than 255 characters.');
        next.properties[root] = c.value as string;
        continue;
      }
      if ((root === 'container_format' || root === 'disk_format') && next.status !== 'queued' && c.value !== (next as any)[root]) {
        throw new Forbidden(`Attribute ${root} can be only replaced for a queued image.`);
      }
      if ((root === 'min_disk' || root === 'min_ram') && (c.value as number) < 0) {
        throw new BadRequest(`Invalid value '${c.value}' for parameter '${root}': Cannot be a negative value.`);
      }
      if (root === 'tags') next.tags = dedupe(c.value as string[]);
      else (next as any)[root] = c.value;
    }
    if (Object.keys(next.properties).length > PROPERTY_QUOTA && Object.keys(next.properties).length > Object.keys(image.properties).length) throw propertyLimit(Object.keys(next.properties).length);
    if (next.tags.length > TAG_QUOTA) throw tagLimit(next.tags.length);
    next.updated_at = now();
    await this.t.update(image.id, {
      name: next.name, visibility: next.visibility, owner: next.owner, disk_format: next.disk_format, container_format: next.container_format,
      min_disk: next.min_disk, min_ram: next.min_ram, protected: next.protected, os_hidden: next.os_hidden,
      properties: next.properties, tags: next.tags, updated_at: next.updated_at,
    });
    return next;
  }

  async delete(image: ImageRecord): Promise<void> {
    if (image.protected) throw new Forbidden(`Image ${image.id} is protected and cannot be deleted.`);
    await this.t.delete(image.id);
    // NOTE: bytes go after the row: a crash in between leaves an orphan file, never a row without bytes.
    await this.files.remove(image.id);
  }

  async deactivate(image: ImageRecord): Promise<void> {
    if (image.status === 'deactivated') return;
    if (image.status !== 'active') throw new Forbidden(`Not allowed to deactivate image in status '${image.status}'`);
    if (!(await this.t.transition(image.id, ['active'], { status: 'deactivated', updated_at: now() }))) throw badTransition(image.status, 'deactivated');
  }

  async reactivate(image: ImageRecord): Promise<void> {
    if (image.status === 'active') return;
    if (image.status !== 'deactivated') throw new Forbidden(`Not allowed to reactivate image in status '${image.status}'`);
    if (!(await this.t.transition(image.id, ['deactivated'], { status: 'active', updated_at: now() }))) throw badTransition(image.status, 'active');
  }

  async addTag(image: ImageRecord, tag: string): Promise<void> {
    if ([...tag].length > 255) throw new BadRequest(`Provided object does not match schema 'image': '${tag}' is too long`);
    if (image.tags.includes(tag)) return;
    if (image.tags.length + 1 > TAG_QUOTA) throw tagLimit(image.tags.length + 1);
    await this.t.update(image.id, { tags: [...image.tags, tag], updated_at: now() });
  }

  async deleteTag(image: ImageRecord, tag: string): Promise<void> {
    if (!image.tags.includes(tag)) throw imageTagNotFound(tag);
    await this.t.update(image.id, { tags: image.tags.filter((x) => x !== tag), updated_at: now() });
  }

  /**
   * Streams bytes into a queued image (status saving while it runs) and makes it active with its
   * size and checksums; a failure puts it back to queued. Glance's errors: 409 when not queued,
   * 400 without formats, 413 over quota or the size cap.
   */
  async upload(image: ImageRecord, data: NodeJS.ReadableStream, quotaProject: string | null | undefined = image.owner): Promise<ImageRecord> {
    await this.enforce(quotaProject, 'image_size_total', 0);
    this.requireFormats(image);
    if (!(await this.t.transition(image.id, ['queued'], { status: 'saving', updated_at: now() }))) {
      drain(data);
      const current = await this.t.get(image.id);
      throw badTransition(current?.status ?? image.status, 'saving');
    }
    let written: WrittenFile;
    try {
      // NOTE: as Glance's, once the image is saving it counts itself (delta 0); the bytes are not
      // limited by the quotas (an upload that starts under image_size_total may end past it).
      await this.enforce(quotaProject, 'image_count_uploading', 0);
      written = await this.files.write(image.id, data, IMAGE_SIZE_CAP);
    } catch (e) {
      await this.t.transition(image.id, ['saving'], { status: 'queued', size: null, virtual_size: null, updated_at: now() });
      throw this.uploadError(e);
    }
    const virtualSize = await this.virtualSize(image, written.size);
    const done = await this.t.transition(image.id, ['saving'], {
      status: 'active', size: written.size, virtual_size: virtualSize, checksum: written.md5, os_hash_algo: 'sha512', os_hash_value: written.sha512, updated_at: now(),
    });
    if (!done) {
      // NOTE: the image was deleted while its bytes arrived, as Glance's 410 Gone.
      await this.files.remove(image.id);
      throw new Gone(`Image ${image.id} could not be found after upload. The image may have been deleted during the upload.`);
    }
    return (await this.t.get(image.id))!;
  }

  /** glance-direct, step one: bytes to the staging area; the image becomes 'uploading'. */
  async stage(image: ImageRecord, data: NodeJS.ReadableStream, quotaProject: string | null | undefined = image.owner): Promise<void> {
    await this.enforce(quotaProject, 'image_stage_total', 0);
    if (image.status !== 'queued') { drain(data); throw badTransition(image.status, 'uploading'); }
    if (!(await this.t.transition(image.id, ['queued'], { status: 'uploading', updated_at: now() }))) { drain(data); throw badTransition(image.status, 'uploading'); }
    try {
      await this.enforce(quotaProject, 'image_count_uploading', 0);
      const w = await this.files.write(image.id, data, IMAGE_SIZE_CAP, true);
      await this.t.update(image.id, { staged_size: w.size, size: w.size, updated_at: now() });
    } catch (e) {
      await this.t.transition(image.id, ['uploading'], { status: 'queued', size: null, staged_size: null, updated_at: now() });
      throw this.uploadError(e);
    }
  }

  /**
   * POST /v2/images/{id}/import, after the request's own checks (parseImportRequest): Glance's
   * import_image checks, then the image becomes 'importing', the import metadata
   * (os_glance_importing_to_stores, os_glance_failed_import; empty lists with one store) is set and
   * a task recorded; returns the work to run after the 202. A failed import puts the image back
   * to queued, as Glance's flow reverts do.
   */
  async startImport(image: ImageRecord, req: ImportRequest, meta?: { requestId: string; userId?: string; projectId?: string }): Promise<() => Promise<void>> {
    const method = req.method;
    await this.enforce(meta?.projectId, 'image_size_total', 0);
    if (image.status === 'active') throw new Conflict('Image with status active cannot be target for import');
    if (method === 'web-download' && image.status !== 'queued') throw new Conflict("Image needs to be in 'queued' state to use 'web-download' method");
    if (method === 'glance-direct' && (image.status !== 'uploading' || image.staged_size === null)) throw new Conflict("Image needs to be staged before 'glance-direct' method can be used");
    if (!image.container_format) throw new Conflict("'container_format' needs to be set before import");
    if (!image.disk_format) throw new Conflict("'disk_format' needs to be set before import");
    if (req.allStoresMustSucceed === false) throw new BadRequest(`All_stores_must_succeed can only be set with enabled_backends ${req.uri ?? 'None'}`);
    if (method === 'web-download' && !validateImportUri(req.uri, this.importFilters)) throw new BadRequest(`URI for web-download does not pass filtering: ${req.uri ?? 'None'}`);
    const from: ImageStatus = method === 'web-download' ? 'queued' : 'uploading';
    // NOTE: the task's id is the image's import lock (os_glance_import_task) until it ends.
    const task = meta ? randomUUID() : undefined;
    const properties = { ...image.properties, ...(task ? { [LOCK_KEY]: task } : {}), [IMPORTING_KEY]: '', [FAILED_KEY]: '' };
    if (!(await this.t.transition(image.id, [from], { status: 'importing', properties, updated_at: now() }))) throw badTransition(image.status, 'importing');
    const importing = { ...image, status: 'importing' as const, properties };
    if (task && meta) await this.newTask(task, image, req.body, meta);
    return async () => {
      if (task) await this.t.updateTask(task, { status: 'processing', updated_at: taskTime() });
      const refused = meta ? await this.importQuota(importing, method, meta.projectId) : undefined;
      const result = refused ?? (method === 'web-download' ? await this.runWebDownload(importing, req.uri!) : await this.runImport(importing));
      if (!task) return;
      const ts = taskTime();
      await this.t.updateTask(task, result.ok
        ? { status: 'success', result: { image_id: image.id }, message: `Copied ${Math.floor(result.size / 1048576)} MiB`, updated_at: ts, expires_at: expiry() }
        : { status: 'failure', result: null, message: result.message ?? 'Task failed due to Internal Error', updated_at: ts, expires_at: expiry() });
    };
  }

  private async newTask(id: string, image: ImageRecord, body: Record<string, unknown>, meta: { requestId: string; userId?: string; projectId?: string }): Promise<void> {
    const ts = taskTime();
    await this.t.insertTask({
      id, image_id: image.id, type: 'api_image_import', status: 'pending', owner: meta.projectId ?? image.owner, user_id: meta.userId ?? null, request_id: meta.requestId,
      input: { image_id: image.id, import_req: body, backend: [null] }, result: null, message: '', created_at: ts, updated_at: ts, expires_at: null,
    });
  }

  /**
   * The old 'import' task (POST /v2/tasks): a URL's bytes into a queued image as an upload
   * (saving, then active with checksums); only URLs the operator's filters allow, redirects too.
   */
  async uploadFrom(image: ImageRecord, uri: string): Promise<void> {
    if (!validateImportUri(uri, this.importFilters)) throw new Error(`URI does not pass filtering: ${uri}`);
    await this.upload(image, await openWebSource(uri, (u) => validateImportUri(u, this.importFilters)));
  }

  /** Removes an image and its bytes, if it is still there (a failed task's revert). */
  async deleteQuietly(id: string): Promise<void> {
    await this.t.delete(id);
    await this.files.remove(id);
  }

  /** GET /v2/images/{id}/tasks. */
  tasks(image: ImageRecord) { return this.t.tasksOf(image.id); }

  /** The import itself: staged bytes hashed into place, active; back to queued on failure. */
  private async runImport(image: ImageRecord): Promise<{ ok: boolean; size: number; message?: string }> {
    try {
      const w = await this.files.importStaged(image.id);
      return { ok: await this.activate(image, w), size: w.size };
    } catch {
      await this.failImport(image);
      return { ok: false, size: 0 };
    }
  }

  /**
   * web-download: the URL's body streamed to disk (hashed on the way, at most what the project's
   * image_size_total leaves), then active; a refused redirect, an error status, an unreachable
   * host, a short body or too many bytes put the image back to queued.
   */
  private async runWebDownload(image: ImageRecord, uri: string): Promise<{ ok: boolean; size: number; message?: string }> {
    try {
      const res = await openWebSource(uri, (u) => validateImportUri(u, this.importFilters));
      const w = await this.files.write(image.id, res, IMAGE_SIZE_CAP);
      const expected = Number(res.headers['content-length']);
      if (res.headers['content-length'] !== undefined && Number.isInteger(expected) && expected !== w.size) throw new Error(`downloaded data size ${w.size} is different from expected ${expected}`);
      return { ok: await this.activate(image, w), size: w.size };
    } catch {
      await this.failImport(image);
      return { ok: false, size: 0 };
    }
  }

  /**
   * Glance's assert_quota as its import flow starts, the image importing (so it counts itself):
   * glance-direct charges its staged MiB to image_size_total; web-download checks
   * image_stage_total and image_count_uploading. Over a limit, the image goes back to queued and
   * the task fails with the limit's message.
   */
  private async importQuota(image: ImageRecord, method: ImportMethod, projectId: string | undefined): Promise<{ ok: false; size: 0; message: string } | undefined> {
    try {
      if (method === 'glance-direct') await this.enforce(projectId, 'image_size_total', Math.floor((image.size ?? 0) / MiB));
      else {
        await this.enforce(projectId, 'image_stage_total', Math.floor((image.size ?? 0) / MiB));
        await this.enforce(projectId, 'image_count_uploading', 0);
      }
      return undefined;
    } catch (e) {
      if (!(e instanceof OverLimit)) throw e;
      await this.failImport(image);
      return { ok: false, size: 0, message: e.message };
    }
  }

  /** importing → active with the bytes' size and checksums; false (bytes removed) when the image went away. */
  private async activate(image: ImageRecord, w: WrittenFile): Promise<boolean> {
    const virtualSize = await this.virtualSize(image, w.size);
    const current = await this.t.get(image.id);
    const properties = unlocked({ ...(current?.properties ?? image.properties), [IMPORTING_KEY]: '' });
    const ok = await this.t.transition(image.id, ['importing'], {
      status: 'active', size: w.size, virtual_size: virtualSize, checksum: w.md5, os_hash_algo: 'sha512', os_hash_value: w.sha512, staged_size: null, properties, updated_at: now(),
    });
    if (!ok) await this.files.remove(image.id);
    return ok;
  }

  /** Back to queued with the store in the failed list (empty with one store), bytes gone. */
  private async failImport(image: ImageRecord): Promise<void> {
    const current = await this.t.get(image.id);
    const properties = unlocked({ ...(current?.properties ?? image.properties), [IMPORTING_KEY]: '', [FAILED_KEY]: '' });
    await this.t.transition(image.id, ['importing'], { status: 'queued', size: null, staged_size: null, properties, updated_at: now() });
    await this.files.remove(image.id);
  }

  /**
   * After a restart (Nova's init_host): an upload cut short ('saving') goes back to queued, as
   * Glance restores a failed upload; an import cut short runs again from its staged bytes.
   */
  async reconcile(runLater: (work: () => Promise<void>) => void): Promise<void> {
    for (const r of await this.t.inStatus(['saving', 'importing'])) {
      if (r.status === 'saving') {
        await this.t.transition(r.id, ['saving'], { status: 'queued', size: null, virtual_size: null, updated_at: now() });
        await this.files.remove(r.id);
        continue;
      }
      const image = await this.t.get(r.id);
      if (!image) continue;
      if (await this.files.stagedExists(r.id)) {
        await this.t.transition(r.id, ['importing'], { status: 'uploading', updated_at: now() });
        runLater(await this.startImport({ ...image, status: 'uploading' }, { method: 'glance-direct', body: {} }));
      } else {
        // NOTE: a web-download cut short: failed as if its download had failed, its task too.
        await this.failImport(image);
        for (const t of await this.t.tasksOf(r.id)) {
          if (t.status === 'pending' || t.status === 'processing') await this.t.updateTask(t.id, { status: 'failure', message: 'Task failed due to Internal Error', updated_at: taskTime(), expires_at: expiry() });
        }
      }
    }
  }

  /** GET /v2/info/usage: each unified limit with the project's usage; empty without keystone limits. */
  async usage(projectId: string | undefined): Promise<Record<string, { limit: number; usage: number }>> {
    if (!this.limits.enabled || !projectId) return {};
    const [limits, used] = await Promise.all([this.limits.of(projectId), this.used(projectId)]);
    return Object.fromEntries(QUOTA_NAMES.map((n) => [n, { limit: limits[n], usage: used[n] }]));
  }

  /**
   * oslo.limit's flat check of one resource (Glance's _enforce_one): OverLimit (413) when the
   * project's usage plus `delta` passes its limit; -1 is unlimited. Nothing without keystone
   * limits or without a project.
   */
  private async enforce(projectId: string | null | undefined, name: QuotaName, delta: number): Promise<void> {
    if (!this.limits.enabled || !projectId) return;
    const limit = (await this.limits.of(projectId))[name];
    if (limit < 0) return;
    const used = (await this.used(projectId))[name];
    if (used + delta > limit) throw overLimit(projectId, name, limit, used, delta);
  }

  /** A project's usage as Glance counts it (glance/quota/keystone.py: sizes in whole MiB, rounded down). */
  private async used(projectId: string): Promise<ImageQuotas> {
    const u = await this.t.usage(projectId);
    return { image_size_total: Math.floor(u.bytes / MiB), image_stage_total: Math.floor(u.staged / MiB), image_count_total: u.count, image_count_uploading: u.uploading };
  }

  /** Where an active (or deactivated) image's bytes are; undefined when it has none. */
  async dataOf(image: ImageRecord): Promise<{ path: string; size: number } | undefined> {
    if (!['active', 'deactivated'].includes(image.status) || image.size === null) return undefined;
    if (!(await this.files.exists(image.id))) return undefined;
    return { path: this.files.path(image.id), size: image.size };
  }

  readData(id: string, range?: { start: number; end: number }) { return this.files.read(id, range); }

  private requireFormats(image: ImageRecord): void {
    const missing = ['disk_format', 'container_format'].filter((k) => !(image as any)[k]);
    if (missing.length === 1) throw new BadRequest(`Property ${missing[0]} must be set prior to saving data.`);
    if (missing.length > 1) throw new BadRequest(`Properties ${missing.join(', ')} must be set prior to saving data.`);
  }

  private uploadError(e: unknown): unknown {
    // NOTE: only image_size_cap limits the bytes (keystone limits are checked before, not during).
    if (e instanceof TooLarge) {
      return new OverLimit(`The incoming image is too large: Image exceeds the storage quota: The size of the data ${e.limit} will exceed the limit. ${e.limit} bytes remaining.`);
    }
    return e;
  }

  /** virtual_size as Glance's format inspector finds it: raw is its size, qcow2 says it in its header. */
  private async virtualSize(image: ImageRecord, size: number): Promise<number | null> {
    if (image.disk_format === 'raw' || image.disk_format === 'iso') return size;
    if (image.disk_format !== 'qcow2' || size < 32) return null;
    const fh = await open(this.files.path(image.id), 'r');
    try {
      const buf = Buffer.alloc(32);
      await fh.read(buf, 0, 32, 0);
      if (buf.readUInt32BE(0) !== 0x514649fb) return null;
      return Number(buf.readBigUInt64BE(24));
    } finally { await fh.close(); }
  }
}

/** 410 Gone (the image went away during the upload). */
export class Gone extends ApiError {
  constructor(m: string) { super(410, m); }
}

function dedupe(tags: string[]): string[] { return [...new Set(tags)]; }

/** Lets a request body we refuse flow to nowhere, so the client sees our answer, not a reset. */
export function drain(data: NodeJS.ReadableStream): void {
  (data as NodeJS.ReadableStream & { resume?: () => void }).resume?.();
}

const OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in'];

function splitOp(expr: string): [string, string] {
  const i = expr.indexOf(':');
  if (i < 0) return ['eq', expr];
  if (!Number.isNaN(Date.parse(expr)) && /^\d{4}-\d\d-\d\d/.test(expr)) return ['eq', expr];
  return [expr.slice(0, i), expr.slice(i + 1)];
}

function splitQuoted(list: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|([^,]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(list))) out.push((m[1] ?? m[2] ?? '').trim());
  return out;
}

/** One of Glance's list filters (sqlalchemy api _make_conditions_from_filters). */
function filterFor(key: string, raw: string): (i: ImageRecord) => boolean {
  if (key.endsWith('_min') || key.endsWith('_max')) {
    const attr = key.slice(0, -4);
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim())) throw new BadRequest('Unable to filter on a range with a non-numeric value.');
    return (i) => {
      const v = (i as any)[attr] ?? i.properties[attr];
      if (v === null || v === undefined) return false;
      return key.endsWith('_min') ? Number(v) >= n : Number(v) <= n;
    };
  }
  if (key === 'created_at' || key === 'updated_at') {
    const [op, iso] = splitOp(raw);
    const t = Date.parse(iso);
    if (Number.isNaN(t)) throw new BadRequest(`Bad "${key}" query filter format. Use ISO 8601 DateTime notation.`);
    if (!OPS.includes(op) || op === 'in') throw new BadRequest(`Unable to filter by unknown operator '${op}'.`);
    return (i) => compare(op, Date.parse(i[key]), t);
  }
  if (['name', 'id', 'status', 'container_format', 'disk_format'].includes(key)) {
    const [op, value] = splitOp(raw);
    if (op === 'in') { const set = splitQuoted(value); return (i) => set.includes(String((i as any)[key])); }
    if (op === 'eq') return (i) => (i as any)[key] !== null && String((i as any)[key]) === value;
    throw new BadRequest(`Unable to filter by unknown operator '${op}'.`);
  }
  if (COLUMNS.includes(key)) {
    return (i) => {
      const v = (i as any)[key];
      if (v === null || v === undefined) return false;
      if (typeof v === 'boolean') return ['true', '1'].includes(raw.toLowerCase()) === v;
      return String(v) === raw;
    };
  }
  return (i) => i.properties[key] === raw;
}

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case 'eq': return a === b;
    case 'neq': return a !== b;
    case 'gt': return a > b;
    case 'gte': return a >= b;
    case 'lt': return a < b;
    default: return a <= b;
  }
}

function comparator(keys: string[], dirs: string[]) {
  const all = [...keys];
  const allDirs = keys.map((_, n) => dirs[n] ?? dirs[0] ?? 'desc');
  for (const k of ['created_at', 'id']) if (!all.includes(k)) { all.push(k); allDirs.push(allDirs[0] ?? 'desc'); }
  return (a: ImageRecord, b: ImageRecord): number => {
    for (let n = 0; n < all.length; n++) {
      const k = all[n]!;
      const x = (a as any)[k];
      const y = (b as any)[k];
      let c = 0;
      if (x === y) c = 0;
      else if (x === null || x === undefined) c = -1;
      else if (y === null || y === undefined) c = 1;
      else c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
      if (c !== 0) return allDirs[n] === 'asc' ? c : -c;
    }
    return 0;
  };
}

export { IMAGE_PROPERTIES };
export type { ImageStatus };
