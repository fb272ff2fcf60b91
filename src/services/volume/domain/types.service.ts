// Volume types (cinder/volume/volume_types.py): the default type, extra specs and project access.
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../core/auth/caller.js';
import type { EncryptionSpec, VolumeTables, VolumeTypeRecord } from '../store/tables.js';
import { encryptionNotFound, invalidVolumeType, accessExists, accessNotFound, defaultTypeUndeletable, extraSpecNotFound, invalidInput, volumeTypeExists, volumeTypeInUse, volumeTypeNotFound, volumeTypeNotFoundByName } from './errors.js';
import { now } from './times.js';

export const DEFAULT_TYPE_NAME = '__DEFAULT__';
/** Extra specs a non-admin sees (cinder/api/v3/views/types.py USER_VISIBLE_EXTRA_SPECS). */
const USER_VISIBLE = ['RESKEY:availability_zones', 'multiattach', 'replication_enabled'];

export interface TypeInput { name?: string; description?: string | null; is_public?: boolean; extra_specs?: Record<string, string> }

export class TypesService {
  constructor(private readonly t: VolumeTables, private readonly defaultName: string = DEFAULT_TYPE_NAME) {}

  /** Cinder's migration 145: the `__DEFAULT__` type exists from the first start. */
  async seed(): Promise<void> {
    if (!(await this.t.typeByName(DEFAULT_TYPE_NAME))) {
      await this.t.types.insert({ id: randomUUID(), name: DEFAULT_TYPE_NAME, description: 'Default Volume Type', is_public: true, qos_specs_id: null, extra_specs: {}, created_at: now(), updated_at: null, encryption: null });
    }
  }

  /** Every type, whoever asks (views show a volume's type by name, and whether it is encrypted). */
  all(): Promise<VolumeTypeRecord[]> { return this.t.types.list(); }

  /** A type by id, whoever asks (the type of a volume the caller may already see). */
  byId(id: string): Promise<VolumeTypeRecord | undefined> { return this.t.types.get(id); }

  async defaultType(): Promise<VolumeTypeRecord> {
    return (await this.t.typeByName(this.defaultName)) ?? (await this.t.typeByName(DEFAULT_TYPE_NAME))!;
  }

  /** A type by id, or by name (as volume create and retype accept either), if the caller may use it. */
  async find(caller: Caller, idOrName: string): Promise<VolumeTypeRecord> {
    const byId = await this.t.types.get(idOrName);
    const type = byId ?? (await this.t.typeByName(idOrName));
    if (!type || !(await this.visible(caller, type))) throw byId || isUuid(idOrName) ? volumeTypeNotFound(idOrName) : volumeTypeNotFoundByName(idOrName);
    return type;
  }

  async get(caller: Caller, id: string): Promise<VolumeTypeRecord> {
    const type = await this.t.types.get(id);
    if (!type || !(await this.visible(caller, type))) throw volumeTypeNotFound(id);
    return type;
  }

  private async visible(caller: Caller, type: VolumeTypeRecord): Promise<boolean> {
    if (type.is_public || caller.isAdmin) return true;
    return (await this.t.typeProjects(type.id)).includes(caller.projectId ?? '');
  }

  /** `isPublic`: true (public ones, and private ones the project may use), false (private), undefined (all; admin). */
  async list(caller: Caller, isPublic: boolean | undefined): Promise<VolumeTypeRecord[]> {
    const all = await this.t.types.list();
    const out: VolumeTypeRecord[] = [];
    for (const type of all) {
      if (!caller.isAdmin) {
        if (type.is_public || (await this.visible(caller, type))) out.push(type);
      } else if (isPublic === undefined || type.is_public === isPublic) out.push(type);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async create(input: TypeInput): Promise<VolumeTypeRecord> {
    const name = input.name!.trim();
    if (await this.t.typeByName(name)) throw volumeTypeExists(name);
    return this.t.types.insert({
      id: randomUUID(), name, description: input.description ?? null, is_public: input.is_public ?? true, qos_specs_id: null,
      extra_specs: input.extra_specs ?? {}, created_at: now(), updated_at: null, encryption: null,
    });
  }

  async update(caller: Caller, id: string, input: TypeInput): Promise<VolumeTypeRecord> {
    const type = await this.get(caller, id);
    if (input.name !== undefined) {
      const name = input.name.trim();
      if (type.name === DEFAULT_TYPE_NAME && name !== DEFAULT_TYPE_NAME) throw invalidInput(`The default volume type cannot be renamed.`);
      const other = await this.t.typeByName(name);
      if (other && other.id !== id) throw volumeTypeExists(name);
    }
    await this.t.types.update(id, { name: input.name?.trim(), description: input.description, is_public: input.is_public, updated_at: now() });
    return (await this.t.types.get(id))!;
  }

  async delete(caller: Caller, id: string): Promise<void> {
    const type = await this.get(caller, id);
    if (type.name === DEFAULT_TYPE_NAME || type.id === (await this.defaultType()).id) throw defaultTypeUndeletable();
    if (await this.t.db.selectFrom('cinder_volumes').select('id').where('volume_type_id', '=', id).executeTakeFirst()) throw volumeTypeInUse(id);
    await this.t.types.delete(id);
  }

  /** The extra specs a caller sees: all for an admin, the user-visible ones for others. */
  visibleSpecs(caller: Caller, type: VolumeTypeRecord): Record<string, string> {
    if (caller.isAdmin) return type.extra_specs;
    return Object.fromEntries(Object.entries(type.extra_specs).filter(([k]) => USER_VISIBLE.includes(k)));
  }

  async setSpecs(caller: Caller, id: string, specs: Record<string, string>): Promise<Record<string, string>> {
    const type = await this.get(caller, id);
    await this.t.types.update(id, { extra_specs: { ...type.extra_specs, ...specs }, updated_at: now() });
    return specs;
  }

  async spec(caller: Caller, id: string, key: string): Promise<string> {
    const type = await this.get(caller, id);
    const v = this.visibleSpecs(caller, type)[key];
    if (v === undefined) throw extraSpecNotFound(id, key);
    return v;
  }

  async deleteSpec(caller: Caller, id: string, key: string): Promise<void> {
    const type = await this.get(caller, id);
    if (!(key in type.extra_specs)) throw extraSpecNotFound(id, key);
    const { [key]: _gone, ...rest } = type.extra_specs;
    await this.t.types.update(id, { extra_specs: rest, updated_at: now() });
  }

  /** Sets (create or update) the type's encryption; refused while volumes use the type. */
  async setEncryption(caller: Caller, id: string, spec: Partial<EncryptionSpec>, create: boolean): Promise<EncryptionSpec> {
    const type = await this.get(caller, id);
    if (create && type.encryption) throw invalidVolumeType(`Volume type encryption for type ${id} already exists.`);
    if (!create && !type.encryption) throw encryptionNotFound(id);
    if (await this.t.db.selectFrom('cinder_volumes').select('id').where('volume_type_id', '=', id).executeTakeFirst()) {
      throw invalidVolumeType(`Cannot ${create ? 'create' : 'update'} encryption specs. Volume type in use.`);
    }
    const base: EncryptionSpec = type.encryption ?? { encryption_id: randomUUID(), provider: '', control_location: 'front-end', cipher: null, key_size: null, created_at: now(), updated_at: null };
    const next: EncryptionSpec = { ...base, ...spec, updated_at: create ? null : now() };
    if (!next.provider) throw invalidInput('provider must be defined');
    await this.t.types.update(id, { encryption: next });
    return next;
  }

  async deleteEncryption(caller: Caller, id: string): Promise<void> {
    const type = await this.get(caller, id);
    if (!type.encryption) throw encryptionNotFound(id);
    if (await this.t.db.selectFrom('cinder_volumes').select('id').where('volume_type_id', '=', id).executeTakeFirst()) {
      throw invalidVolumeType('Cannot delete encryption specs. Volume type in use.');
    }
    await this.t.types.update(id, { encryption: null });
  }

  async access(caller: Caller, id: string): Promise<{ volume_type_id: string; project_id: string }[]> {
    const type = await this.get(caller, id);
    if (type.is_public) throw invalidInput(`Access list not available for public volume types.`);
    return (await this.t.typeProjects(id)).map((p) => ({ volume_type_id: id, project_id: p }));
  }

  async addAccess(caller: Caller, id: string, projectId: string): Promise<void> {
    const type = await this.get(caller, id);
    if (type.is_public) throw invalidInput(`Invalid volume type: Type access modification is not applicable to public volume type.`);
    if (!(await this.t.addTypeProject(id, projectId))) throw accessExists(id, projectId);
  }

  async removeAccess(caller: Caller, id: string, projectId: string): Promise<void> {
    const type = await this.get(caller, id);
    if (type.is_public) throw invalidInput(`Invalid volume type: Type access modification is not applicable to public volume type.`);
    if (!(await this.t.removeTypeProject(id, projectId))) throw accessNotFound(id, projectId);
  }
}

const isUuid = (s: string) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s);
