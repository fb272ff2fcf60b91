import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  flavorResources, LocalPlacement, NoValidHost, type ScheduleRequest, Scheduler, type SchedulerHost,
} from '../../src/services/compute/domain/scheduler.service.js';

// The scheduler over fake inputs: the in-memory placement (LocalPlacement) as the resource
// filter, hosts with their zones and enabled flags, and server group policies.

type Flavor = Parameters<typeof flavorResources>[0];
const flavor = (vcpus: number, ram: number, disk = 1, more: Partial<Flavor> = {}): Flavor =>
  ({ id: 'f', name: 'f', vcpus, ram, disk, ephemeral: 0, swap: 0, extraSpecs: {}, ...more });

interface FakeHost { host: string; vcpus?: number; ram?: number; disk?: number; az?: string; enabled?: boolean }

/** A scheduler over `hosts` (node uuid = `<host>-uuid`, node = `<host>.node`), each with its inventory. */
async function world(hosts: FakeHost[]) {
  const placement = new LocalPlacement();
  for (const h of hosts) {
    const inventory = { VCPU: h.vcpus ?? 4, MEMORY_MB: h.ram ?? 1024, DISK_GB: h.disk ?? 10 };
    await placement.ensureComputeProvider({ uuid: `${h.host}-uuid`, name: `${h.host}.node`, inventory });
  }
  const enabled = new Map(hosts.map((h) => [h.host, h.enabled ?? true]));
  const scheduler = new Scheduler({
    placement,
    hosts: async () => hosts.map((h) => ({ uuid: `${h.host}-uuid`, host: h.host, node: `${h.host}.node`, enabled: enabled.get(h.host)! })),
    hostAz: async (host) => hosts.find((h) => h.host === host)?.az ?? 'nova',
  });
  let n = 0;
  const place = (req: Partial<ScheduleRequest> = {}): Promise<SchedulerHost> =>
    scheduler.selectAndClaim({ instanceId: `vm-${++n}`, projectId: 'p', userId: 'u', flavor: flavor(1, 128), availabilityZone: null, ...req });
  return { placement, scheduler, place, enabled };
}

const noValidHost = (p: Promise<unknown>) =>
  assert.rejects(p, (e: unknown) => e instanceof NoValidHost && e.message === 'No valid host was found. There are not enough hosts available.');

describe('flavor resources', () => {
  test('VCPU and MEMORY_MB always; DISK_GB is root + ephemeral + swap rounded up to GiB, left out when zero', () => {
    assert.deepEqual(flavorResources(flavor(2, 512, 10)), { VCPU: 2, MEMORY_MB: 512, DISK_GB: 10 });
    assert.deepEqual(flavorResources(flavor(1, 64, 1, { ephemeral: 2, swap: 1025 })), { VCPU: 1, MEMORY_MB: 64, DISK_GB: 5 });
    assert.deepEqual(flavorResources(flavor(1, 64, 0)), { VCPU: 1, MEMORY_MB: 64 });
  });
});

describe('LocalPlacement', () => {
  test('Nova\'s allocation ratios: 4 VCPU per core, RAM and disk 1:1', async () => {
    const p = new LocalPlacement();
    await p.ensureComputeProvider({ uuid: 'n1', name: 'n1', inventory: { VCPU: 1, MEMORY_MB: 1024, DISK_GB: 10 } });
    assert.deepEqual((await p.candidates({ VCPU: 4, MEMORY_MB: 1024, DISK_GB: 10 })).map((c) => c.provider), ['n1']);
    assert.deepEqual(await p.candidates({ VCPU: 5 }), []);
    assert.deepEqual(await p.candidates({ MEMORY_MB: 1025 }), []);
    assert.deepEqual(await p.candidates({ VCPU: 1, PCI_DEVICE: 1 }), [], 'a class the node does not have');
    assert.deepEqual((await p.candidates({ VCPU: 1, PCI_DEVICE: 0 })).length, 1, 'asking for none of it is no constraint');
  });

  test('claims count against the inventory; free returns them; reclaim replaces the consumer\'s own', async () => {
    const p = new LocalPlacement();
    await p.ensureComputeProvider({ uuid: 'n1', name: 'n1', inventory: { VCPU: 1, MEMORY_MB: 1000, DISK_GB: 10 } });
    assert.equal(await p.claim('a', 'n1', { MEMORY_MB: 600 }), true);
    assert.equal(await p.claim('b', 'n1', { MEMORY_MB: 600 }), false, 'no room left');
    assert.deepEqual(await p.usage('n1'), { MEMORY_MB: 600 });
    assert.equal(await p.reclaim('a', 'n1', { MEMORY_MB: 1000 }), true, 'a resize counts without its old allocation');
    assert.equal(await p.reclaim('a', 'n1', { MEMORY_MB: 1001 }), false);
    assert.deepEqual(await p.usage('n1'), { MEMORY_MB: 1000 });
    await p.free('a');
    assert.equal(p.has('a'), false);
    assert.deepEqual(await p.usage('n1'), {});
    assert.equal(await p.claim('b', 'nope', { MEMORY_MB: 1 }), false, 'an unknown provider');
  });

  test('restore brings back an allocation known from the database', async () => {
    const p = new LocalPlacement();
    await p.ensureComputeProvider({ uuid: 'n1', name: 'n1', inventory: { VCPU: 1, MEMORY_MB: 100, DISK_GB: 1 } });
    p.restore('old', 'n1', { MEMORY_MB: 100 });
    assert.equal(p.has('old'), true);
    assert.deepEqual(await p.candidates({ MEMORY_MB: 1 }), []);
  });
});

describe('scheduler', () => {
  test('spreads: the host with the least RAM in use first', async () => {
    const w = await world([{ host: 'a' }, { host: 'b' }]);
    await w.placement.claim('x', 'a-uuid', { MEMORY_MB: 256 });
    assert.equal((await w.place()).host, 'b');
    assert.equal((await w.place()).host, 'b', 'b still has less in use (128 vs 256)');
    assert.equal((await w.place()).host, 'a', 'equal (256 each): the first host');
    assert.equal((await w.place()).host, 'b');
  });

  test('the claim is made: the chosen host\'s usage grows', async () => {
    const w = await world([{ host: 'a' }]);
    const h = await w.place({ instanceId: 'vm-x', flavor: flavor(2, 256, 3) });
    assert.deepEqual([h.uuid, h.host, h.node], ['a-uuid', 'a', 'a.node']);
    assert.deepEqual(await w.placement.usage('a-uuid'), { VCPU: 2, MEMORY_MB: 256, DISK_GB: 3 });
    assert.equal(w.placement.has('vm-x'), true);
  });

  test('no host with room, or only disabled ones: NoValidHost', async () => {
    const w = await world([{ host: 'a', ram: 100 }, { host: 'b', enabled: false }]);
    await noValidHost(w.place({ flavor: flavor(1, 128) }));
    const ok = await w.place({ flavor: flavor(1, 100) });
    assert.equal(ok.host, 'a');
    await noValidHost(w.place({ flavor: flavor(1, 1) }));
  });

  test('availability zone: only hosts of that zone', async () => {
    const w = await world([{ host: 'a' }, { host: 'b', az: 'east' }, { host: 'c', az: 'west' }]);
    for (let i = 0; i < 3; i++) assert.equal((await w.place({ availabilityZone: 'east' })).host, 'b');
    assert.equal((await w.place({ availabilityZone: 'nova' })).host, 'a');
    await noValidHost(w.place({ availabilityZone: 'north' }));
  });

  test('a forced host by host or node name; ignored hosts are skipped', async () => {
    const w = await world([{ host: 'a' }, { host: 'b' }, { host: 'c' }]);
    assert.equal((await w.place({ forceHost: 'c' })).host, 'c');
    assert.equal((await w.place({ forceHost: 'c.node' })).host, 'c');
    await noValidHost(w.place({ forceHost: 'nowhere' }));
    assert.equal((await w.place({ ignoreHosts: ['a', 'b'] })).host, 'c');
    await noValidHost(w.place({ ignoreHosts: ['a', 'b', 'c'] }));
  });

  test('affinity: the members\' host (any host for the first member)', async () => {
    const w = await world([{ host: 'a' }, { host: 'b' }]);
    await w.placement.claim('x', 'b-uuid', { MEMORY_MB: 512 });
    assert.equal((await w.place({ group: { policy: 'affinity', memberHosts: ['b'] } })).host, 'b');
    assert.equal((await w.place({ group: { policy: 'affinity', memberHosts: [] } })).host, 'a');
    await noValidHost(w.place({ group: { policy: 'affinity', memberHosts: ['gone'] } }));
  });

  test('anti-affinity: never beside a member, unless max_server_per_host allows more', async () => {
    const w = await world([{ host: 'a' }, { host: 'b' }]);
    assert.equal((await w.place({ group: { policy: 'anti-affinity', memberHosts: ['a'] } })).host, 'b');
    await noValidHost(w.place({ group: { policy: 'anti-affinity', memberHosts: ['a', 'b'] } }));
    const two = { policy: 'anti-affinity', memberHosts: ['a', 'b', 'b'], maxServerPerHost: 2 };
    assert.equal((await w.place({ group: two })).host, 'a');
  });

  test('soft policies order instead of filter and override the spread', async () => {
    const w = await world([{ host: 'a' }, { host: 'b' }, { host: 'c' }]);
    await w.placement.claim('x', 'b-uuid', { MEMORY_MB: 512 });
    assert.equal((await w.place({ group: { policy: 'soft-affinity', memberHosts: ['b', 'c', 'b'] } })).host, 'b', 'most members, despite the RAM');
    assert.equal((await w.place({ group: { policy: 'soft-anti-affinity', memberHosts: ['a', 'c', 'a'] } })).host, 'b', 'fewest members');
    const full = await world([{ host: 'a', ram: 128 }]);
    await full.placement.claim('x', 'a-uuid', { MEMORY_MB: 128 });
    await noValidHost(full.place({ group: { policy: 'soft-affinity', memberHosts: ['a'] } }));
  });

  test('a lost claim race moves on to the next host', async () => {
    const w = await world([{ host: 'a' }, { host: 'b' }]);
    const claim = w.placement.claim.bind(w.placement);
    let first = true;
    w.placement.claim = async (consumer, provider, resources) => {
      if (first) { first = false; return false; }
      return claim(consumer, provider, resources);
    };
    const h = await w.place();
    assert.equal(first, false);
    assert.equal(h.host, 'b', 'a lost the race: both were empty, a sorts first');
  });
});
