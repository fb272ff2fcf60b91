// Resource classes: the standard ones of os-resource-classes and CUSTOM_* ones.
import { ErrorCode } from '../faults.js';
import type { PlacementStore } from '../store/placement.store.js';
import { badRequest, conflict, notFound, now, type Tx } from './common.js';
import { STANDARD_RESOURCE_CLASSES } from './standard.js';

const STANDARD = new Set(STANDARD_RESOURCE_CLASSES);
export const CUSTOM_NAME = /^CUSTOM_[A-Z0-9_]+$/;

export class ResourceClassesService {
  constructor(private readonly tx: Tx) {}

  async list(): Promise<string[]> {
    return [...STANDARD_RESOURCE_CLASSES, ...(await this.tx.store.customClasses()).map((r) => r.name)];
  }

  async exists(name: string, s: PlacementStore = this.tx.store): Promise<boolean> { return STANDARD.has(name) || !!(await s.customClass(name)); }

  async get(name: string): Promise<string> {
    if (!(await this.exists(name))) throw notFound(`No such resource class ${name}.`);
    return name;
  }

  async create(name: string): Promise<void> {
    if (await this.exists(name)) throw conflict(`Conflicting resource class already exists: ${name}`, ErrorCode.DUPLICATE_NAME);
    const t = now();
    await this.tx.store.insertClass({ name, created_at: t, updated_at: t });
  }

  /** PUT from 1.7: creates a custom class (true) or finds it there (false). */
  async ensure(name: string): Promise<boolean> {
    if (STANDARD.has(name)) throw badRequest(`Cannot update standard resource class ${name}`);
    if (await this.tx.store.customClass(name)) return false;
    await this.create(name);
    return true;
  }

  /** PUT before 1.7: renames a custom class. */
  async rename(from: string, to: string): Promise<void> {
    if (STANDARD.has(from)) throw badRequest(`Cannot update standard resource class ${from}`);
    if (!(await this.tx.store.customClass(from))) throw notFound(`No such resource class ${from}.`);
    if (await this.exists(to)) throw conflict(`Resource class already exists: ${to}`, ErrorCode.DUPLICATE_NAME);
    await this.tx.store.renameClass(from, to, now());
  }

  async delete(name: string): Promise<void> {
    if (STANDARD.has(name)) throw badRequest(`Cannot delete standard resource class ${name}: `);
    if (!(await this.tx.store.customClass(name))) throw notFound(`No such resource class ${name}.`);
    if (await this.tx.store.inventoryClassesInUse(name)) {
      throw conflict(`Unable to delete resource class ${name}. Resource class is in use in inventory`);
    }
    await this.tx.store.deleteClass(name);
  }
}
