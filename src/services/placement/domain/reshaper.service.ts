// POST /reshaper (1.30): inventories of several providers and the allocations that move with them,
// in one transaction, so inventory can move from a root to new children while it is in use.
import { ErrorCode } from '../faults.js';
import { capacity, conflict, type Tx } from './common.js';
import type { AllocationsService, ConsumerAllocations } from './allocations.service.js';
import type { InventoryInput, ProvidersService } from './providers.service.js';

export class ReshaperService {
  constructor(private readonly tx: Tx, private readonly providers: ProvidersService, private readonly allocations: AllocationsService) {}

  async reshape(inventories: Record<string, { generation: number; inventories: Record<string, InventoryInput> }>, allocations: ConsumerAllocations[], mv: { reservedMayEqualTotal: boolean }): Promise<void> {
    await this.tx.run(async (s) => {
      for (const [uuid, inv] of Object.entries(inventories)) {
        await this.providers.setInventoriesIn(s, uuid, inv.generation, inv.inventories, { ...mv, skipInUse: true });
      }
      await this.allocations.setIn(s, allocations);
      // Afterwards every allocation on the reshaped providers must sit on inventory with room.
      for (const uuid of Object.keys(inventories)) {
        const used = await s.usageOnProvider(uuid);
        const invs = await s.inventories(uuid);
        for (const [rc, n] of Object.entries(used)) {
          const inv = invs.find((i) => i.resource_class === rc);
          if (!inv) throw conflict(`update conflict: Inventory for '${rc}' on resource provider '${uuid}' in use.`, ErrorCode.INVENTORY_INUSE);
          if (n > capacity(inv)) throw conflict(`Unable to allocate inventory: Unable to create allocation for '${rc}' on resource provider '${uuid}'. The requested amount would exceed the capacity.`);
        }
      }
    });
  }
}
