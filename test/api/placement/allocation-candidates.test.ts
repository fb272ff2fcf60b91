import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { PlacementClient, provider, startPlacement, uuid } from './placement-client.js';

// GET /allocation_candidates: which providers fit, in every response format.

let cloud: TestCloud;
let admin: PlacementClient;
let big: string; let small: string; let full: string;
const agg = uuid();

before(async () => {
  ({ cloud, admin } = await startPlacement());
  big = await provider(admin, 'ac-big', { VCPU: { total: 16, allocation_ratio: 2 }, MEMORY_MB: { total: 32768, reserved: 512 }, DISK_GB: { total: 500 } });
  small = await provider(admin, 'ac-small', { VCPU: { total: 2 }, MEMORY_MB: { total: 2048 }, DISK_GB: { total: 20 } });
  full = await provider(admin, 'ac-full', { VCPU: { total: 4 }, MEMORY_MB: { total: 4096 } });
  await admin.put(`/allocations/${uuid()}`, { allocations: { [full]: { resources: { VCPU: 4 } } }, project_id: 'p', user_id: 'u', consumer_generation: null, consumer_type: 'INSTANCE' });
  await admin.put(`/resource_providers/${small}/aggregates`, { aggregates: [agg], resource_provider_generation: 1 });
  await admin.put(`/resource_providers/${big}/traits`, { traits: ['HW_CPU_X86_AVX2', 'STORAGE_DISK_SSD'], resource_provider_generation: 1 });
});
after(async () => { await cloud.stop(); });

const providersOf = (body: any) => body.allocation_requests.map((a: any) => Object.keys(a.allocations)).flat().sort();

describe('allocation candidates', () => {
  test('only providers with room now: usage, reserved and ratio counted', async () => {
    const r = await admin.get('/allocation_candidates?resources=VCPU:2,MEMORY_MB:1024');
    assert.equal(r.status, 200);
    assert.deepEqual(providersOf(r.body), [big, small].sort(), 'ac-full has no VCPU left');
    assert.deepEqual(providersOf((await admin.get('/allocation_candidates?resources=VCPU:20')).body), [big], 'ratio 2 gives 32');
    assert.deepEqual(providersOf((await admin.get('/allocation_candidates?resources=MEMORY_MB:32768')).body), [], 'reserved counts');
    const s = r.body.provider_summaries[big];
    assert.deepEqual(s.resources.VCPU, { capacity: 32, used: 0 });
    assert.deepEqual(s.resources.MEMORY_MB, { capacity: 32256, used: 0 });
    assert.deepEqual(s.resources.DISK_GB, { capacity: 500, used: 0 }, '1.27: every class');
    assert.deepEqual(s.traits, ['HW_CPU_X86_AVX2', 'STORAGE_DISK_SSD']);
    assert.equal(s.root_provider_uuid, big);
    assert.equal(s.parent_provider_uuid, null);
    assert.deepEqual(r.body.allocation_requests.find((a: any) => a.allocations[big]).mappings, { '': [big] });
  });

  test('older formats: a list of allocations before 1.12; summaries of asked classes only before 1.27', async () => {
    assert.equal((await admin.at('1.9').get('/allocation_candidates?resources=VCPU:1')).status, 404);
    const r = await admin.at('1.10').get('/allocation_candidates?resources=VCPU:1');
    assert.equal(r.status, 200);
    const req = r.body.allocation_requests.find((a: any) => a.allocations[0].resource_provider.uuid === small);
    assert.deepEqual(req, { allocations: [{ resource_provider: { uuid: small }, resources: { VCPU: 1 } }] });
    assert.deepEqual(Object.keys(r.body.provider_summaries[big].resources), ['VCPU']);
    assert.ok(!('traits' in r.body.provider_summaries[big]));
    const m = await admin.at('1.33').get('/allocation_candidates?resources=VCPU:1');
    assert.ok(!('mappings' in m.body.allocation_requests[0]));
  });

  test('required, forbidden and any-of traits; member_of; limit', async () => {
    const q = async (s: string) => providersOf((await admin.get(`/allocation_candidates?resources=VCPU:1&${s}`)).body);
    assert.deepEqual(await q('required=HW_CPU_X86_AVX2'), [big]);
    assert.deepEqual(await q('required=!HW_CPU_X86_AVX2'), [small]);
    assert.deepEqual(await q('required=in:STORAGE_DISK_SSD,STORAGE_DISK_HDD'), [big]);
    assert.deepEqual(await q(`member_of=${agg}`), [small]);
    assert.deepEqual(await q(`member_of=!${agg}`), [big]);
    assert.equal((await admin.get('/allocation_candidates?resources=VCPU:1&limit=1')).body.allocation_requests.length, 1);
    assert.equal((await admin.at('1.15').get('/allocation_candidates?resources=VCPU:1&limit=1')).status, 400);
    assert.equal((await admin.at('1.16').get('/allocation_candidates?resources=VCPU:1&required=HW_CPU_X86_AVX2')).status, 400);
    assert.equal((await admin.at('1.20').get(`/allocation_candidates?resources=VCPU:1&member_of=${agg}`)).status, 400);
  });

  test('bad requests are 400 with placement codes', async () => {
    const bad = async (q: string) => { const r = await admin.get(`/allocation_candidates?${q}`); assert.equal(r.status, 400, q); return r.body.errors[0]; };
    assert.equal((await bad('')).code, 'placement.query.missing_value');
    assert.equal((await bad('resources=VCPU')).code, 'placement.query.bad_value');
    await bad('resources=CUSTOM_NOPE:1');
    await bad('resources=VCPU:1&required=CUSTOM_NOPE');
    await bad('resources=VCPU:1&limit=0');
    await bad('resources=VCPU:1&bogus=1');
    await bad('resources1=VCPU:1&resources2=MEMORY_MB:1');
    await bad('resources=VCPU:1&group_policy=sometimes');
  });

  test('nested trees: the unsuffixed group spreads over a tree; numbered groups with isolate', async () => {
    const root = await provider(admin, 'ac-root', { VCPU: { total: 8 }, MEMORY_MB: { total: 8192 } });
    await provider(admin, 'ac-pf1', { SRIOV_NET_VF: { total: 4 } }, { parent_provider_uuid: root });
    await provider(admin, 'ac-pf2', { SRIOV_NET_VF: { total: 4 } }, { parent_provider_uuid: root });
    const r = await admin.get('/allocation_candidates?resources=VCPU:1,SRIOV_NET_VF:1');
    assert.equal(r.body.allocation_requests.length, 2, 'one per physical function');
    for (const a of r.body.allocation_requests) assert.equal(a.allocations[root].resources.VCPU, 1);
    assert.equal(Object.keys(r.body.provider_summaries).length, 3, 'the whole tree is summarised');
    assert.equal((await admin.at('1.28').get('/allocation_candidates?resources=VCPU:1,SRIOV_NET_VF:1')).body.allocation_requests.length, 0, 'trees only from 1.29');
    const iso = await admin.get('/allocation_candidates?resources=VCPU:1&resources1=SRIOV_NET_VF:1&resources2=SRIOV_NET_VF:1&group_policy=isolate');
    assert.equal(iso.body.allocation_requests.length, 2);
    for (const a of iso.body.allocation_requests) {
      assert.equal(Object.keys(a.allocations).length, 3);
      assert.notDeepEqual(a.mappings['1'], a.mappings['2']);
    }
    const none = await admin.get('/allocation_candidates?resources=VCPU:1&resources1=SRIOV_NET_VF:1&resources2=SRIOV_NET_VF:1&group_policy=none');
    assert.equal(none.body.allocation_requests.length, 4, 'both on one PF counts too (merged)');
    const same = await admin.get('/allocation_candidates?resources1=SRIOV_NET_VF:1&resources2=SRIOV_NET_VF:1&group_policy=none&same_subtree=1,2');
    assert.equal(same.status, 200);
    assert.equal(same.body.allocation_requests.length, 2, 'both groups on one PF');
    for (const a of same.body.allocation_requests) assert.deepEqual(a.mappings['1'], a.mappings['2']);
    assert.equal((await admin.get('/allocation_candidates?resources1=VCPU:1&same_subtree=1,3')).status, 400);
    assert.equal((await admin.at('1.35').get('/allocation_candidates?resources1=VCPU:1&same_subtree=1')).status, 400);
    const t = await admin.get(`/allocation_candidates?resources=VCPU:1&in_tree=${root}`);
    assert.deepEqual(providersOf(t.body), [root]);
  });
});
