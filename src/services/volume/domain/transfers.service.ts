// Volume transfers (cinder/transfer/api.py): the owner offers a volume with a one-time auth key;
// whoever presents the key takes the volume (and its snapshots unless no_snapshots) into their
// project, within their quotas.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Caller } from '../../../core/auth/caller.js';
import type { Db } from '../../../core/db/database.js';
import type { TransferRecord, VolumeTables } from '../store/tables.js';
import { invalidVolume, transferNotFound, volumeNotFound } from './errors.js';
import type { QuotasService } from './quotas.service.js';
import { now } from './times.js';
import { BadRequest } from '../../../core/errors/errors.js';

const hashOf = (salt: string, key: string) => createHash('sha1').update(salt + key).digest('hex');

export class TransfersService {
  constructor(private readonly t: VolumeTables, private readonly quotas: QuotasService) {}

  /** A transfer its owner (or an admin) may see; any project may accept one by id and key. */
  async get(caller: Caller, id: string): Promise<TransferRecord> {
    const tr = await this.t.transfers.get(id);
    if (!tr || (!caller.isAdmin && tr.project_id !== caller.projectId)) throw transferNotFound(id);
    return tr;
  }

  async list(caller: Caller, allProjects: boolean): Promise<TransferRecord[]> {
    const all = caller.isAdmin && allProjects ? await this.t.transfers.list() : await this.t.transfers.list({ project_id: caller.projectId ?? '' });
    return all.sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  }

  async create(caller: Caller, volumeId: string, name: string | null, noSnapshots: boolean): Promise<{ transfer: TransferRecord; authKey: string }> {
    const v = await this.t.volumes.get(volumeId);
    if (!v || (!caller.isAdmin && v.project_id !== caller.projectId)) throw volumeNotFound(volumeId);
    if (v.status !== 'available') throw invalidVolume(`status must be available`);
    if (!noSnapshots && (await this.t.snapshotsOfVolume(v.id)).some((s) => s.status !== 'available')) {
      throw invalidVolume('One or more snapshots of the volume are not available: a volume with unavailable snapshots cannot be transferred.');
    }
    const authKey = randomBytes(8).toString('hex');
    const salt = randomBytes(8).toString('hex');
    const transfer: TransferRecord = { id: randomUUID(), volume_id: v.id, project_id: v.project_id, name, salt, crypt_hash: hashOf(salt, authKey), no_snapshots: noSnapshots, created_at: now() };
    await this.t.db.transaction().execute(async (tx) => {
      await this.t.transfers.insert(transfer, tx as Db);
      await this.t.volumes.update(v.id, { status: 'awaiting-transfer', updated_at: now() }, tx as Db);
    });
    return { transfer, authKey };
  }

  async accept(caller: Caller, id: string, authKey: string): Promise<TransferRecord> {
    const tr = await this.t.transfers.get(id);
    if (!tr) throw transferNotFound(id);
    if (hashOf(tr.salt, authKey) !== tr.crypt_hash) throw new BadRequest(`Invalid auth key: Attempt to transfer ${id} with invalid auth key.`);
    const v = (await this.t.volumes.get(tr.volume_id))!;
    if (v.status !== 'awaiting-transfer') throw invalidVolume(`Transfer ${id}: Volume id ${v.id} status must be awaiting-transfer`);
    const target = caller.projectId!;
    const type = await this.t.types.get(v.volume_type_id);
    const snaps = tr.no_snapshots ? [] : await this.t.snapshotsOfVolume(v.id);
    await this.quotas.checkVolume(target, type?.name ?? '', v.size + snaps.reduce((n, s) => n + s.size, 0));
    await this.t.db.transaction().execute(async (tx) => {
      await this.t.volumes.update(v.id, { project_id: target, user_id: caller.userId ?? v.user_id, status: 'available', updated_at: now() }, tx as Db);
      for (const s of snaps) await this.t.snapshots.update(s.id, { project_id: target, user_id: caller.userId ?? s.user_id, updated_at: now() }, tx as Db);
      await tx.deleteFrom('cinder_transfers').where('id', '=', id).execute();
    });
    return tr;
  }

  async delete(caller: Caller, id: string): Promise<void> {
    const tr = await this.get(caller, id);
    await this.t.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('cinder_transfers').where('id', '=', id).execute();
      await this.t.volumes.update(tr.volume_id, { status: 'available', updated_at: now() }, tx as Db);
    });
  }
}
