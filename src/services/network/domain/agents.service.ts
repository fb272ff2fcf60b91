// Agents (Neutron's agent extension) and the DHCP and L3 schedulers over them. An agent is one
// part of the network driver's dataplane on a host (the driver names them: `agents(host)`); every
// report interval the driver says which parts work, and each working part gets a heartbeat, as
// Neutron's agents' report_state does. An agent is alive while its last heartbeat is younger than
// agent_down_time. A part seen for the first time registers as a new agent (so does a deleted one
// on its next report, as in Neutron) and, as a starting agent, is given the networks or routers
// that no agent hosts (network_auto_schedule, router_auto_schedule).
//
// Scheduling, as Neutron's chance schedulers with one agent per network and router: a network with
// a DHCP subnet goes to an alive DHCP agent whose admin_state_up is true, a new router to such an
// L3 agent. What an agent hosts is what the dataplane serves: a network whose DHCP agents are all
// removed or administratively down has no DHCP server, a router without an L3 agent up is not built.
import { randomUUID } from 'node:crypto';
import { type AttrMap, checkBody, nullableStr, toBoolean } from './attributes.js';
import type { DomainDeps } from './context.js';
import {
  agentNotFound, invalidDhcpAgent, invalidL3Agent, networkHostedByDhcpAgent, networkNotHostedByDhcpAgent, routerHostedByL3Agent,
  routerNotHostedByL3Agent,
} from './errors.js';
import type { AgentRecord, AgentsStore } from '../store/agents.store.js';

/** Agent times keep milliseconds: agent_down_time may be shorter than a second (tests); views show seconds. */
const now = () => new Date().toISOString();

export const DHCP_AGENT = 'DHCP agent';
export const L3_AGENT = 'L3 agent';

/** neutron_lib's agent attribute map: only admin_state_up and description may change. */
export const AGENT_ATTRS: AttrMap = {
  id: {}, agent_type: {}, binary: {}, topic: {}, host: {}, created_at: {}, started_at: {}, heartbeat_timestamp: {}, alive: {},
  configurations: {}, availability_zone: {}, resources_synced: {},
  admin_state_up: { put: true, convert: toBoolean },
  description: { put: true, validate: nullableStr(255) },
};

/** What the schedulers need of the rest of the domain. */
export interface AgentHooks {
  /** Networks with a DHCP-enabled subnet, and routers: what an agent may be given. */
  dhcpNetworks(): Promise<string[]>;
  routers(): Promise<string[]>;
  /** The dataplane of these networks' DHCP or these routers follows their hosting. */
  networksChanged(ids: string[]): Promise<void>;
  routersChanged(ids: string[]): Promise<void>;
}

export class AgentsService {
  /** When this process's parts started (the agents' started_at). */
  private readonly startedAt = now();
  private timer: NodeJS.Timeout | undefined;
  private reporting: Promise<void> | undefined;

  constructor(private readonly d: DomainDeps, private readonly store: AgentsStore, private readonly h: AgentHooks) {}

  /** Reports now, then every agentReportInterval seconds until stop(). */
  async start(): Promise<void> {
    await this.report();
    const every = this.d.networking.agentReportInterval * 1000;
    this.timer = setInterval(() => { void this.report().catch((err) => this.d.log.warn({ err }, 'agent report failed')); }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.reporting;
  }

  /** One report_state of every part on this host (one at a time). */
  report(): Promise<void> {
    this.reporting ??= this.doReport().finally(() => { this.reporting = undefined; });
    return this.reporting;
  }

  private async doReport(): Promise<void> {
    const host = this.d.host;
    const parts = await this.d.driver.agents(host);
    const known = await this.store.list({ host });
    const registered: AgentRecord[] = [];
    for (const p of parts) {
      const ts = now();
      const have = known.find((a) => a.agent_type === p.agentType);
      if (!have) {
        if (!p.alive) continue; // NOTE: a part that never worked never reported: Neutron has no agent for it.
        const a: AgentRecord = {
          id: randomUUID(), agent_type: p.agentType, binary: p.binary, topic: p.topic, host, admin_state_up: true,
          description: p.description, availability_zone: zoneOf(p.agentType), configurations: p.configurations,
          created_at: ts, started_at: this.startedAt, heartbeat_timestamp: ts,
        };
        await this.store.insert(a);
        registered.push(a);
        continue;
      }
      await this.store.put({
        ...have, binary: p.binary, topic: p.topic, configurations: p.configurations, started_at: this.startedAt,
        heartbeat_timestamp: p.alive ? ts : have.heartbeat_timestamp,
      });
    }
    for (const a of registered) await this.autoSchedule(a);
  }

  /** A starting agent takes what no agent hosts (network_auto_schedule / router_auto_schedule). */
  private async autoSchedule(a: AgentRecord): Promise<void> {
    if (a.agent_type === DHCP_AGENT) {
      const taken: string[] = [];
      for (const n of await this.h.dhcpNetworks()) if (!(await this.store.dhcpAgentsOf(n)).length && (await this.store.bindNetwork(n, a.id))) taken.push(n);
      if (taken.length) await this.h.networksChanged(taken);
    } else if (a.agent_type === L3_AGENT) {
      const taken: string[] = [];
      for (const r of await this.h.routers()) if (!(await this.store.l3AgentsOf(r)).length && (await this.store.bindRouter(r, a.id))) taken.push(r);
      if (taken.length) await this.h.routersChanged(taken);
    }
  }

  alive(a: AgentRecord): boolean {
    return Date.now() - Date.parse(a.heartbeat_timestamp) <= this.d.networking.agentDownTime * 1000;
  }

  list(): Promise<AgentRecord[]> { return this.store.list(); }

  async get(id: string): Promise<AgentRecord> {
    const a = await this.store.get(id);
    if (!a) throw agentNotFound(id);
    return a;
  }

  async update(id: string, raw: unknown): Promise<AgentRecord> {
    const a = await this.get(id);
    const b = checkBody('agent', AGENT_ATTRS, raw, 'PUT');
    const next: AgentRecord = { ...a, ...('admin_state_up' in b ? { admin_state_up: b.admin_state_up } : {}), ...('description' in b ? { description: b.description } : {}) };
    await this.store.put(next);
    if (next.admin_state_up !== a.admin_state_up) await this.hostingChanged(a);
    return next;
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    const networks = await this.store.networksOf(id);
    const routers = await this.store.routersOf(id);
    await this.store.delete(id);
    if (networks.length) await this.h.networksChanged(networks);
    if (routers.length) await this.h.routersChanged(routers);
  }

  private async hostingChanged(a: AgentRecord): Promise<void> {
    if (a.agent_type === DHCP_AGENT) await this.h.networksChanged(await this.store.networksOf(a.id));
    if (a.agent_type === L3_AGENT) await this.h.routersChanged(await this.store.routersOf(a.id));
  }

  /** Agents of a type that may be given new work: alive and administratively up. */
  private async eligible(type: string): Promise<AgentRecord[]> {
    return (await this.store.list({ agent_type: type })).filter((a) => a.admin_state_up && this.alive(a));
  }

  /** Whether any administratively up agent among `ids` serves (what the dataplane follows). */
  private async anyUp(ids: string[]): Promise<boolean> {
    for (const id of ids) if ((await this.store.get(id))?.admin_state_up) return true;
    return false;
  }

  // DHCP agent scheduler.
  /** Gives an unhosted network to an eligible DHCP agent; true when it did. */
  async scheduleNetwork(networkId: string): Promise<boolean> {
    if ((await this.store.dhcpAgentsOf(networkId)).length) return false;
    const agent = (await this.eligible(DHCP_AGENT))[0];
    return agent ? this.store.bindNetwork(networkId, agent.id) : false;
  }
  async dhcpServed(networkId: string): Promise<boolean> { return this.anyUp(await this.store.dhcpAgentsOf(networkId)); }
  async dhcpAgentsOf(networkId: string): Promise<AgentRecord[]> { return this.records(await this.store.dhcpAgentsOf(networkId)); }
  async networksOf(agentId: string): Promise<string[]> { return this.store.networksOf(agentId); }

  async addNetwork(agentId: string, networkId: string): Promise<void> {
    const a = await this.get(agentId);
    if (a.agent_type !== DHCP_AGENT || !a.admin_state_up) throw invalidDhcpAgent(agentId);
    if ((await this.store.dhcpAgentsOf(networkId)).includes(agentId)) throw networkHostedByDhcpAgent(networkId, agentId);
    await this.store.bindNetwork(networkId, agentId);
    await this.h.networksChanged([networkId]);
  }

  async removeNetwork(agentId: string, networkId: string): Promise<void> {
    await this.get(agentId);
    if (!(await this.store.unbindNetwork(networkId, agentId))) throw networkNotHostedByDhcpAgent(networkId, agentId);
    await this.h.networksChanged([networkId]);
  }

  async networkDeleted(networkId: string): Promise<void> { await this.store.unbindNetwork(networkId); }

  // L3 agent scheduler.
  async scheduleRouter(routerId: string): Promise<boolean> {
    if ((await this.store.l3AgentsOf(routerId)).length) return false;
    const agent = (await this.eligible(L3_AGENT))[0];
    return agent ? this.store.bindRouter(routerId, agent.id) : false;
  }
  async l3Served(routerId: string): Promise<boolean> { return this.anyUp(await this.store.l3AgentsOf(routerId)); }
  async l3AgentsOf(routerId: string): Promise<AgentRecord[]> { return this.records(await this.store.l3AgentsOf(routerId)); }
  async routersOf(agentId: string): Promise<string[]> { return this.store.routersOf(agentId); }

  async addRouter(agentId: string, routerId: string): Promise<void> {
    const a = await this.get(agentId);
    if (a.agent_type !== L3_AGENT || !a.admin_state_up) throw invalidL3Agent(agentId);
    const hosts = await this.store.l3AgentsOf(routerId);
    // NOTE: a legacy router lives on one L3 agent; Neutron refuses a second even when it is this one.
    if (hosts.length) throw routerHostedByL3Agent(routerId, hosts[0]!);
    await this.store.bindRouter(routerId, agentId);
    await this.h.routersChanged([routerId]);
  }

  async removeRouter(agentId: string, routerId: string): Promise<void> {
    await this.get(agentId);
    if (!(await this.store.unbindRouter(routerId, agentId))) throw routerNotHostedByL3Agent(routerId, agentId);
    await this.h.routersChanged([routerId]);
  }

  async routerDeleted(routerId: string): Promise<void> { await this.store.unbindRouter(routerId); }

  private async records(ids: string[]): Promise<AgentRecord[]> {
    const out: AgentRecord[] = [];
    for (const id of ids) { const a = await this.store.get(id); if (a) out.push(a); }
    return out;
  }
}

/** Neutron gives DHCP and L3 agents an availability zone (agent's availability_zone option), others none. */
function zoneOf(type: string): string | null {
  return type === DHCP_AGENT || type === L3_AGENT ? 'nova' : null;
}
