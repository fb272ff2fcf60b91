// Image members: an owner shares a 'shared' image with other projects; each member accepts,
// rejects or leaves it pending. Policy (who may add, who may change the status) is the API's.
import type { ImageRecord, ImageTables, MemberRecord } from '../store/tables.js';
import { BadRequest, memberDuplicated, memberNotFound, membersOnlyShared, OverLimit } from './errors.js';
import type { Caller } from './images.service.js';

/** Glance's image_member_quota. */
export const MEMBER_QUOTA = 128;
const STATUSES = ['pending', 'accepted', 'rejected'];

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class MembersService {
  constructor(private readonly t: ImageTables) {}

  private requireShared(image: ImageRecord): void {
    if (image.visibility !== 'shared') throw membersOnlyShared();
  }

  /** The membership of the caller's project, if any (for policy targets). */
  async of(image: ImageRecord, projectId: string | undefined): Promise<MemberRecord | undefined> {
    return projectId ? this.t.member(image.id, projectId) : undefined;
  }

  /** Members the caller may see: all for the owner or an admin, else only the caller's own. */
  async list(caller: Caller, image: ImageRecord): Promise<MemberRecord[]> {
    const all = await this.t.members(image.id);
    if (caller.isAdmin || image.owner === caller.projectId) return all;
    return all.filter((m) => m.member_id === caller.projectId);
  }

  async get(caller: Caller, image: ImageRecord, memberId: string): Promise<MemberRecord> {
    const m = await this.t.member(image.id, memberId);
    const maySee = caller.isAdmin || image.owner === caller.projectId || memberId === caller.projectId;
    if (!m || !maySee) throw memberNotFound(memberId, image.id);
    return m;
  }

  async create(image: ImageRecord, memberId: string): Promise<MemberRecord> {
    this.requireShared(image);
    if (await this.t.member(image.id, memberId)) throw memberDuplicated(memberId, image.id);
    const count = (await this.t.members(image.id)).length;
    if (count + 1 > MEMBER_QUOTA) {
      throw new OverLimit(`Image member limit exceeded for image ${image.id}: The request returned a 413 Request Entity Too Large. This generally means that rate limiting or a quota threshold was breached.:`);
    }
    const ts = now();
    const m: MemberRecord = { image_id: image.id, member_id: memberId, status: 'pending', created_at: ts, updated_at: ts };
    await this.t.insertMember(m);
    return m;
  }

  async update(caller: Caller, image: ImageRecord, memberId: string, status: unknown): Promise<MemberRecord> {
    const m = await this.get(caller, image, memberId);
    this.requireShared(image);
    if (typeof status !== 'string' || !STATUSES.includes(status)) {
      throw new BadRequest('Incorrect request: Status must be "pending", "accepted" or "rejected".');
    }
    const updated = { ...m, status: status as MemberRecord['status'], updated_at: now() };
    await this.t.updateMember(image.id, memberId, { status: updated.status, updated_at: updated.updated_at });
    return updated;
  }

  async delete(caller: Caller, image: ImageRecord, memberId: string): Promise<void> {
    await this.get(caller, image, memberId);
    this.requireShared(image);
    await this.t.deleteMember(image.id, memberId);
  }
}
