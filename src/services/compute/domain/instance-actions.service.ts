// A server's instance actions and their events (os-instance-actions.inc), as the servers service
// and the manager record them.
import type { ActionRecord, EventRecord, ServersStore } from '../store/servers.store.js';
import { instanceActionNotFound } from './errors.js';

export class InstanceActionsService {
  constructor(private readonly store: ServersStore) {}

  list(serverId: string, opts: { changesSince?: string; changesBefore?: string } = {}): Promise<ActionRecord[]> { return this.store.actions(serverId, opts); }

  /** The action of one request; NotFound ("Action X not found") otherwise. */
  async get(serverId: string, requestId: string): Promise<ActionRecord> {
    const a = await this.store.action(serverId, requestId);
    if (!a) throw instanceActionNotFound(requestId);
    return a;
  }

  events(a: ActionRecord): Promise<EventRecord[]> { return this.store.events(a.id); }
}
