// QoS specs (cinder/volume/qos_specs.py): named limits with a consumer, associated with volume
// types. They are stored and shown; a hypervisor driver that can throttle applies them.
import { randomUUID } from 'node:crypto';
import { BadRequest, Conflict, NotFound } from '../../../core/errors/errors.js';
import type { QosSpecsRecord, VolumeTables } from '../store/tables.js';
import { now } from './times.js';

const CONSUMERS = ['front-end', 'back-end', 'both'];
export const qosNotFound = (id: string) => new NotFound(`No such QoS spec ${id}.`);

export class QosService {
  constructor(private readonly t: VolumeTables) {}

  async get(id: string): Promise<QosSpecsRecord> {
    const q = await this.t.qos.get(id);
    if (!q) throw qosNotFound(id);
    return q;
  }

  list(): Promise<QosSpecsRecord[]> { return this.t.qos.list(); }

  async create(name: string, consumer: string | undefined, specs: Record<string, string>): Promise<QosSpecsRecord> {
    if (!name.trim()) throw new BadRequest('Invalid input received: name can not be empty.');
    const c = consumer ?? 'back-end';
    if (!CONSUMERS.includes(c)) throw new BadRequest(`Invalid input received: Valid consumer of QoS specs are: ${CONSUMERS.join(', ')}`);
    if ((await this.t.qos.list({ name })).length) throw new Conflict(`QoS Specs ${name} already exists.`);
    return this.t.qos.insert({ id: randomUUID(), name, consumer: c as QosSpecsRecord['consumer'], specs, created_at: now() });
  }

  async setKeys(id: string, values: Record<string, string>): Promise<Record<string, string>> {
    const q = await this.get(id);
    const { consumer, ...specs } = values;
    if (consumer !== undefined && !CONSUMERS.includes(consumer)) throw new BadRequest(`Invalid input received: Valid consumer of QoS specs are: ${CONSUMERS.join(', ')}`);
    await this.t.qos.update(id, { specs: { ...q.specs, ...specs }, consumer: (consumer ?? q.consumer) as QosSpecsRecord['consumer'] });
    return values;
  }

  async unsetKeys(id: string, keys: string[]): Promise<void> {
    const q = await this.get(id);
    const missing = keys.find((k) => !(k in q.specs));
    if (missing) throw new NotFound(`QoS spec ${id} has no spec with key ${missing}.`);
    await this.t.qos.update(id, { specs: Object.fromEntries(Object.entries(q.specs).filter(([k]) => !keys.includes(k))) });
  }

  async associations(id: string): Promise<{ association_type: string; name: string; id: string }[]> {
    await this.get(id);
    return (await this.t.types.list({ qos_specs_id: id })).map((ty) => ({ association_type: 'volume_type', name: ty.name, id: ty.id }));
  }

  async associate(id: string, typeId: string): Promise<void> {
    await this.get(id);
    const ty = await this.t.types.get(typeId);
    if (!ty) throw new NotFound(`Volume type ${typeId} could not be found.`);
    if (ty.qos_specs_id && ty.qos_specs_id !== id) throw new BadRequest(`Type ${typeId} is already associated with another qos specs: ${ty.qos_specs_id}`);
    await this.t.types.update(typeId, { qos_specs_id: id });
  }

  async disassociate(id: string, typeId?: string): Promise<void> {
    await this.get(id);
    for (const ty of await this.t.types.list({ qos_specs_id: id })) if (!typeId || ty.id === typeId) await this.t.types.update(ty.id, { qos_specs_id: null });
  }

  async delete(id: string, force: boolean): Promise<void> {
    await this.get(id);
    const used = await this.t.types.list({ qos_specs_id: id });
    if (used.length && !force) throw new BadRequest(`QoS Specs ${id} is still associated with entities.`);
    await this.disassociate(id);
    await this.t.qos.delete(id);
  }
}
