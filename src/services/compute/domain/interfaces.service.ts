// A server's network interfaces (os-interface): its Neutron ports, attached and detached through
// the network facade. A port the user brought (attached by port_id) is unbound on detach and kept,
// as Nova keeps ports it did not create; ports compute created are deleted.
// As Nova's compute manager (attach_interface/detach_interface), the guest gets its NIC after the
// answer: the API binds the port (the network driver plugs its tap on the server's host) and
// records an instance action with a task; the task hot-plugs the NIC through the hypervisor.
// Detach is the other order: the task unplugs the NIC, then releases the port.
import { BadRequest } from '../../../core/errors/errors.js';
import type { Caller } from '../../../core/auth/caller.js';
import type { Db } from '../../../core/db/database.js';
import type { TaskManager, TaskRecord } from '../../../core/work/task-manager.js';
import type { HypervisorDriver } from '../../../drivers/hypervisor/hypervisor-driver.js';
import type { NetworkFacade } from '../../network/index.js';
import { type InstanceRecord, now, type ServersStore } from '../store/servers.store.js';
import { fromNeutron } from './security-groups.service.js';
import { instanceInvalidState, interfaceNotAttached, portNotAttached } from './errors.js';
import { recordedBy } from './servers.service.js';

export interface InterfaceAttachment {
  portId: string; networkId: string; macAddress: string; portState: string;
  fixedIps: { subnetId: string; ipAddress: string }[];
}

export interface AttachRequest { portId?: string; networkId?: string; fixedIp?: string }

type Network = Pick<NetworkFacade, 'portsOfDevice' | 'createPortForServer' | 'releasePortOfDevice' | 'networkForAuto'>;

interface AttachPayload { portId: string; macAddress: string; actionId: number }
interface DetachPayload { portId: string; actionId: number }

const ATTACHABLE = new Set(['active', 'paused', 'stopped']);
const KEPT = 'preserved_ports';

export class InterfacesService {
  constructor(
    private readonly network: Network,
    private readonly store: ServersStore,
    private readonly tasks: TaskManager,
    private readonly driver: HypervisorDriver,
  ) {
    tasks.register<AttachPayload>('interface-attach', {
      run: (task) => this.step(task, 'compute_attach_interface', async (s) => {
        if (s.host) await this.driver.attachInterface(s.host, s.id, { portId: task.payload.portId, macAddress: task.payload.macAddress });
      }),
      // NOTE: as Nova: a NIC the guest could not take is not left attached; the port goes as a detach would take it.
      failed: async (task, err) => {
        const s = await this.store.get(task.resourceId).catch(() => undefined);
        if (s) await this.release(s, task.payload.portId).catch(() => {});
        await this.fault(task.resourceId, s?.host ?? null, err);
      },
    });
    tasks.register<DetachPayload>('interface-detach', {
      run: (task) => this.step(task, 'compute_detach_interface', async (s) => {
        if (s.host) await this.driver.detachInterface(s.host, s.id, task.payload.portId);
        await this.release(s, task.payload.portId);
      }),
      failed: async (task, err) => {
        const s = await this.store.get(task.resourceId).catch(() => undefined);
        await this.fault(task.resourceId, s?.host ?? null, err);
      },
    });
  }

  async list(s: InstanceRecord): Promise<InterfaceAttachment[]> {
    return (await this.network.portsOfDevice(s.id)).map(view);
  }

  async show(s: InstanceRecord, portId: string): Promise<InterfaceAttachment> {
    const found = (await this.list(s)).find((i) => i.portId === portId);
    if (!found) throw interfaceNotAttached(s.id);
    return found;
  }

  async attach(s: InstanceRecord, caller: Caller, req: AttachRequest): Promise<InterfaceAttachment> {
    if (req.portId && req.networkId) throw new BadRequest('Must not input both network_id and port_id');
    if (req.fixedIp && !req.networkId) throw new BadRequest('Must input network_id when request IP address');
    this.checkState(s, 'attach_interface');
    const networkId = req.portId ? undefined : req.networkId ?? await this.network.networkForAuto(s.project_id).catch((e) => fromNeutron(e));
    const port = await this.network.createPortForServer({
      projectId: s.project_id, serverId: s.id, host: s.host ?? '', portId: req.portId, networkId, fixedIp: req.fixedIp,
      securityGroups: req.portId ? undefined : s.security_groups.map((g) => g.name),
    }).catch((e) => fromNeutron(e));
    if (req.portId) await this.keep(s, [...kept(s), port.id]);
    const task = await this.store.db.transaction().execute(async (tx) => {
      const actionId = await this.store.startAction({ action: 'attach_interface', instance_uuid: s.id, ...recordedBy(caller), start_time: now() }, tx as Db);
      return this.tasks.record(tx as Db, 'interface-attach', s.id, { portId: port.id, macAddress: port.macAddress, actionId } satisfies AttachPayload);
    });
    this.tasks.start(task);
    return view(port);
  }

  async detach(s: InstanceRecord, caller: Caller, portId: string): Promise<void> {
    this.checkState(s, 'detach_interface');
    if (!(await this.network.portsOfDevice(s.id)).some((p) => p.id === portId)) throw portNotAttached(portId);
    const task = await this.store.db.transaction().execute(async (tx) => {
      const actionId = await this.store.startAction({ action: 'detach_interface', instance_uuid: s.id, ...recordedBy(caller), start_time: now() }, tx as Db);
      return this.tasks.record(tx as Db, 'interface-detach', s.id, { portId, actionId } satisfies DetachPayload);
    });
    this.tasks.start(task);
  }

  /** A task's work under its instance action event: Success and the task done together, or Error and the failure passed on. */
  private async step(task: TaskRecord<{ actionId: number }>, eventName: string, work: (s: InstanceRecord) => Promise<void>): Promise<void> {
    const s = await this.store.get(task.resourceId);
    const event = await this.store.startEvent(task.payload.actionId, eventName, s?.host ?? null);
    try {
      if (!s) throw new Error(`Instance ${task.resourceId} could not be found.`);
      await work(s);
      await this.store.db.transaction().execute(async (tx) => {
        await this.store.finishEvent(event, 'Success', null, tx as Db);
        await this.tasks.complete(task.id, tx as Db);
      });
    } catch (err) {
      await this.store.finishEvent(event, 'Error', err instanceof Error ? err.stack ?? err.message : String(err)).catch(() => {});
      throw err;
    }
  }

  /** The port leaves the server: deleted when compute made it, unbound and kept when the user brought it. */
  private async release(s: InstanceRecord, portId: string): Promise<void> {
    const preserved = kept(s).includes(portId);
    await this.network.releasePortOfDevice(s.id, portId, !preserved);
    if (preserved) await this.keep(s, kept(s).filter((p) => p !== portId));
  }

  private async fault(serverId: string, host: string | null, err: unknown): Promise<void> {
    await this.store.addFault({
      instance_uuid: serverId, code: 500, message: err instanceof Error ? err.message : String(err),
      details: err instanceof Error ? err.stack ?? '' : '', host, created_at: now(),
    }).catch(() => {});
  }

  private checkState(s: InstanceRecord, action: string): void {
    if (!ATTACHABLE.has(s.vm_state) || s.task_state !== null) {
      throw instanceInvalidState(action, s.id, s.task_state !== null ? 'task_state' : 'vm_state', s.task_state !== null ? s.task_state : s.vm_state);
    }
  }

  private async keep(s: InstanceRecord, ports: string[]): Promise<void> {
    await this.store.update(s.id, { system_metadata: { ...(s.system_metadata ?? {}), [KEPT]: JSON.stringify(ports) } });
  }
}

const kept = (s: InstanceRecord): string[] => JSON.parse(s.system_metadata?.[KEPT] ?? '[]') as string[];

const view = (p: { id: string; networkId: string; macAddress: string; status: string; fixedIps: { subnetId: string; ipAddress: string }[] }): InterfaceAttachment =>
  ({ portId: p.id, networkId: p.networkId, macAddress: p.macAddress, portState: p.status, fixedIps: p.fixedIps });
