// Agents and the schedulers' bindings (Neutron's agents, networkdhcpagentbindings and
// routerl3agentbindings tables): an agent is one part of the dataplane on one host.
import type { Db } from '../../../core/db/database.js';
import type { AgentsTable, NetworkDb } from './database.js';

export interface AgentRecord {
  id: string; agent_type: string; binary: string; topic: string; host: string; admin_state_up: boolean;
  description: string | null; availability_zone: string | null; configurations: Record<string, unknown>;
  created_at: string; started_at: string; heartbeat_timestamp: string;
}

const toRecord = (r: AgentsTable): AgentRecord => ({ ...r, admin_state_up: !!r.admin_state_up, configurations: JSON.parse(r.configurations) as Record<string, unknown> });
const toRow = (r: AgentRecord): AgentsTable => ({ ...r, admin_state_up: r.admin_state_up ? 1 : 0, configurations: JSON.stringify(r.configurations) });

export class AgentsStore {
  private readonly db: NetworkDb;
  constructor(db: Db) { this.db = db as NetworkDb; }

  async list(where: { agent_type?: string; host?: string } = {}): Promise<AgentRecord[]> {
    let q = this.db.selectFrom('neutron_agents').selectAll();
    if (where.agent_type !== undefined) q = q.where('agent_type', '=', where.agent_type);
    if (where.host !== undefined) q = q.where('host', '=', where.host);
    return (await q.orderBy('created_at').orderBy('agent_type').execute()).map(toRecord);
  }

  async get(id: string): Promise<AgentRecord | undefined> {
    const r = await this.db.selectFrom('neutron_agents').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toRecord(r);
  }

  async insert(r: AgentRecord): Promise<void> { await this.db.insertInto('neutron_agents').values(toRow(r)).execute(); }

  async put(r: AgentRecord): Promise<void> {
    const { id, ...rest } = toRow(r);
    await this.db.updateTable('neutron_agents').set(rest).where('id', '=', id).execute();
  }

  /** Deletes the agent and (cascading) its bindings. */
  async delete(id: string): Promise<void> { await this.db.deleteFrom('neutron_agents').where('id', '=', id).execute(); }

  // DHCP agent ↔ network.
  async dhcpAgentsOf(networkId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('neutron_network_dhcp_agent_bindings').select('dhcp_agent_id').where('network_id', '=', networkId).execute();
    return rows.map((r) => r.dhcp_agent_id);
  }
  async networksOf(agentId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('neutron_network_dhcp_agent_bindings').select('network_id').where('dhcp_agent_id', '=', agentId).execute();
    return rows.map((r) => r.network_id);
  }
  async bindNetwork(networkId: string, agentId: string): Promise<boolean> {
    const r = await this.db.insertInto('neutron_network_dhcp_agent_bindings').values({ network_id: networkId, dhcp_agent_id: agentId })
      .onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  async unbindNetwork(networkId: string, agentId?: string): Promise<number> {
    let q = this.db.deleteFrom('neutron_network_dhcp_agent_bindings').where('network_id', '=', networkId);
    if (agentId !== undefined) q = q.where('dhcp_agent_id', '=', agentId);
    return Number((await q.executeTakeFirst()).numDeletedRows);
  }

  // L3 agent ↔ router.
  async l3AgentsOf(routerId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('neutron_router_l3_agent_bindings').select('l3_agent_id').where('router_id', '=', routerId).execute();
    return rows.map((r) => r.l3_agent_id);
  }
  async routersOf(agentId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('neutron_router_l3_agent_bindings').select('router_id').where('l3_agent_id', '=', agentId).execute();
    return rows.map((r) => r.router_id);
  }
  async bindRouter(routerId: string, agentId: string): Promise<boolean> {
    const r = await this.db.insertInto('neutron_router_l3_agent_bindings').values({ router_id: routerId, l3_agent_id: agentId })
      .onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  async unbindRouter(routerId: string, agentId?: string): Promise<number> {
    let q = this.db.deleteFrom('neutron_router_l3_agent_bindings').where('router_id', '=', routerId);
    if (agentId !== undefined) q = q.where('l3_agent_id', '=', agentId);
    return Number((await q.executeTakeFirst()).numDeletedRows);
  }
}
