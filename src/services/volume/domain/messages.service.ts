// User messages (cinder/message/api.py): what a user is told when an asynchronous operation on
// their resource fails, kept for 30 days (message_ttl) and listed from 3.3.
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../core/auth/caller.js';
import type { MessageRecord, VolumeTables } from '../store/tables.js';
import { messageNotFound } from './errors.js';
import { cinderTime } from './times.js';

const TTL_MS = 2_592_000 * 1000;

/** Cinder's message_field events and actions the manager records. */
export const EVENT = {
  /** "schedule allocate volume:Could not find any available weighted backend." */
  noValidBackend: { event_id: 'VOLUME_000002', user_message: 'schedule allocate volume:Could not find any available weighted backend.' },
  createFailed: { event_id: 'VOLUME_VOLUME_001_002', user_message: 'create volume:An unknown error occurred.' },
} as const;

export class MessagesService {
  constructor(private readonly t: VolumeTables) {}

  async record(projectId: string, resourceUuid: string, event: { event_id: string; user_message: string }, requestId: string | null = null): Promise<void> {
    const created = new Date();
    await this.t.messages.insert({
      id: randomUUID(), project_id: projectId, request_id: requestId, resource_type: 'VOLUME', resource_uuid: resourceUuid,
      event_id: event.event_id, message_level: 'ERROR', user_message: event.user_message, created_at: cinderTime(created.getTime()),
      expires_at: cinderTime(created.getTime() + TTL_MS),
    });
  }

  async list(caller: Caller): Promise<MessageRecord[]> {
    const all = caller.isAdmin ? await this.t.messages.list() : await this.t.messages.list({ project_id: caller.projectId ?? '' });
    const t = cinderTime();
    return all.filter((m) => m.expires_at > t).sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  }

  async get(caller: Caller, id: string): Promise<MessageRecord> {
    const m = await this.t.messages.get(id);
    if (!m || (!caller.isAdmin && m.project_id !== caller.projectId)) throw messageNotFound(id);
    return m;
  }

  async delete(caller: Caller, id: string): Promise<void> {
    await this.get(caller, id);
    await this.t.messages.delete(id);
  }
}
