// A server's network interfaces (os-interface): its Neutron ports, attached and detached through
// the network facade. A port the user brought (attached by port_id) is unbound on detach and kept,
// as Nova keeps ports it did not create; ports compute created are deleted.
import { BadRequest } from '../../../core/errors/errors.js';
import type { NetworkFacade } from '../../network/index.js';
import type { InstanceRecord, ServersStore } from '../store/servers.store.js';
import { fromNeutron } from './security-groups.service.js';
import { instanceInvalidState, interfaceNotAttached, portNotAttached } from './errors.js';

export interface InterfaceAttachment {
  portId: string; networkId: string; macAddress: string; portState: string;
  fixedIps: { subnetId: string; ipAddress: string }[];
}

export interface AttachRequest { portId?: string; networkId?: string; fixedIp?: string }

type Network = Pick<NetworkFacade, 'portsOfDevice' | 'createPortForServer' | 'releasePortOfDevice' | 'networkForAuto'>;

const ATTACHABLE = new Set(['active', 'paused', 'stopped']);
const KEPT = 'preserved_ports';

export class InterfacesService {
  constructor(private readonly network: Network, private readonly store: ServersStore) {}

  async list(s: InstanceRecord): Promise<InterfaceAttachment[]> {
    return (await this.network.portsOfDevice(s.id)).map(view);
  }

  async show(s: InstanceRecord, portId: string): Promise<InterfaceAttachment> {
    const found = (await this.list(s)).find((i) => i.portId === portId);
    if (!found) throw interfaceNotAttached(s.id);
    return found;
  }

  async attach(s: InstanceRecord, req: AttachRequest): Promise<InterfaceAttachment> {
    if (req.portId && req.networkId) throw new BadRequest('Must not input both network_id and port_id');
    if (req.fixedIp && !req.networkId) throw new BadRequest('Must input network_id when request IP address');
    this.checkState(s, 'attach_interface');
    const networkId = req.portId ? undefined : req.networkId ?? await this.network.networkForAuto(s.project_id).catch((e) => fromNeutron(e));
    const port = await this.network.createPortForServer({
      projectId: s.project_id, serverId: s.id, host: s.host ?? '', portId: req.portId, networkId, fixedIp: req.fixedIp,
      securityGroups: req.portId ? undefined : s.security_groups.map((g) => g.name),
    }).catch((e) => fromNeutron(e));
    if (req.portId) await this.keep(s, [...kept(s), port.id]);
    return view(port);
  }

  async detach(s: InstanceRecord, portId: string): Promise<void> {
    this.checkState(s, 'detach_interface');
    const preserved = kept(s).includes(portId);
    if (!(await this.network.releasePortOfDevice(s.id, portId, !preserved))) throw portNotAttached(portId);
    if (preserved) await this.keep(s, kept(s).filter((p) => p !== portId));
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
