// The dashboard's logic that runs in the browser: which instance actions a server's state and the
// user's roles allow (as Nova's state table does), which flavors fit the quota, the launch
// wizard's request, CLI line and checks, and the storage forms' request bodies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canChange, flavorFitsImage, flavorShortfall, parseMetadata, serverActionAllowed, serverActions, sizeError, vmStateOf, type ServerLike } from '../../dashboard/src/logic/servers.js';
import { groupChanges, launchCli, serverBody, validateLaunch } from '../../dashboard/src/logic/launch.js';
import { imagePatch, isPublicAcl, projectIdError, volumeBody } from '../../dashboard/src/logic/storage.js';

const MEMBER = ['member', 'reader'];
const server = (vm: string, extra: Partial<ServerLike> = {}): ServerLike => ({
  'OS-EXT-STS:vm_state': vm, 'OS-EXT-STS:task_state': null, locked: false,
  addresses: { private: [{ addr: '10.0.0.5', 'OS-EXT-IPS:type': 'fixed' }] }, 'os-extended-volumes:volumes_attached': [], ...extra,
});

test('an active server offers what Nova accepts from ACTIVE, and nothing that needs another state', () => {
  const got = serverActions(server('active'), MEMBER);
  for (const a of ['console', 'log', 'stop', 'rebootSoft', 'rebootHard', 'resize', 'snapshot', 'attachVolume', 'attachInterface', 'detachInterface', 'associateFip', 'securityGroups', 'lock', 'rescue', 'shelve', 'pause', 'suspend', 'edit', 'rebuild', 'delete'] as const) {
    assert.ok(got.includes(a), `${a} offered`);
  }
  for (const a of ['start', 'confirmResize', 'revertResize', 'unlock', 'unrescue', 'unshelve', 'unpause', 'resume', 'detachVolume', 'disassociateFip'] as const) {
    assert.ok(!got.includes(a), `${a} not offered`);
  }
});

test('each state offers its way back: start, resume, unpause, unrescue, unshelve, confirm or revert a resize', () => {
  const cases: [string, string[], string[]][] = [
    ['stopped', ['start', 'rebootHard', 'resize', 'snapshot', 'rescue', 'shelve', 'rebuild'], ['stop', 'rebootSoft', 'pause', 'suspend', 'console']],
    ['paused', ['unpause', 'rebootHard', 'snapshot', 'shelve'], ['pause', 'resume', 'start', 'resize', 'rebuild']],
    ['suspended', ['resume', 'rebootHard', 'snapshot'], ['suspend', 'unpause', 'rebootSoft']],
    ['rescued', ['unrescue', 'console'], ['rescue', 'stop', 'shelve', 'resize']],
    ['resized', ['confirmResize', 'revertResize'], ['resize', 'stop', 'start', 'snapshot']],
    ['shelved_offloaded', ['unshelve', 'attachVolume'], ['shelve', 'start', 'console', 'attachInterface']],
    ['error', ['stop', 'rebootHard', 'rescue', 'delete'], ['start', 'resize', 'snapshot']],
    ['building', ['delete', 'lock'], ['stop', 'console', 'log', 'attachVolume']],
  ];
  for (const [vm, yes, no] of cases) {
    const got = serverActions(server(vm), MEMBER);
    for (const a of yes) assert.ok(got.includes(a as never), `${vm}: ${a} offered (got ${got.join(', ')})`);
    for (const a of no) assert.ok(!got.includes(a as never), `${vm}: ${a} not offered`);
  }
});

test('a task under way holds every action but a hard reboot during a soft one, and delete', () => {
  assert.deepEqual(serverActions(server('active', { 'OS-EXT-STS:task_state': 'powering-off' }), MEMBER), ['lock', 'delete']);
  assert.ok(serverActionAllowed('rebootHard', server('active', { 'OS-EXT-STS:task_state': 'rebooting' }), MEMBER));
  assert.deepEqual(serverActions(server('active', { 'OS-EXT-STS:task_state': 'deleting' }), MEMBER), []);
});

test('a reader is offered no action; a locked server offers a member only unlock and its console', () => {
  assert.equal(canChange(['reader']), false);
  assert.deepEqual(serverActions(server('active'), ['reader']), []);
  assert.deepEqual(serverActions(server('active', { locked: true }), MEMBER), ['console', 'log', 'unlock']);
  const admin = serverActions(server('active', { locked: true }), ['admin', 'member', 'reader']);
  assert.ok(admin.includes('stop') && admin.includes('unlock') && !admin.includes('lock'));
});

test('detach and disassociate are offered only when there is something to detach', () => {
  assert.ok(!serverActionAllowed('detachVolume', server('active'), MEMBER));
  assert.ok(serverActionAllowed('detachVolume', server('active', { 'os-extended-volumes:volumes_attached': [{ id: 'v' }] }), MEMBER));
  const floating = server('active', { addresses: { private: [{ addr: '10.0.0.5', 'OS-EXT-IPS:type': 'fixed' }, { addr: '203.0.113.9', 'OS-EXT-IPS:type': 'floating' }] } });
  assert.ok(serverActionAllowed('disassociateFip', floating, MEMBER));
  assert.ok(!serverActionAllowed('disassociateFip', server('active'), MEMBER));
  assert.ok(!serverActionAllowed('detachInterface', server('active', { addresses: {} }), MEMBER));
});

test('the vm_state comes from the status where OS-EXT-STS is absent', () => {
  assert.equal(vmStateOf({ status: 'SHUTOFF' }), 'stopped');
  assert.equal(vmStateOf({ status: 'VERIFY_RESIZE' }), 'resized');
  assert.ok(serverActionAllowed('start', { status: 'SHUTOFF' }, MEMBER));
});

test('a flavor fits the quota where instances, vCPUs and RAM left allow it (-1: no limit)', () => {
  const limits = { maxTotalInstances: 10, totalInstancesUsed: 2, maxTotalCores: 4, totalCoresUsed: 3, maxTotalRAMSize: 2048, totalRAMUsed: 1024 };
  assert.deepEqual(flavorShortfall({ vcpus: 1, ram: 512, disk: 1 }, limits), []);
  assert.deepEqual(flavorShortfall({ vcpus: 2, ram: 2048, disk: 1 }, limits), ['vcpus', 'ram']);
  assert.deepEqual(flavorShortfall({ vcpus: 1, ram: 512, disk: 1 }, { ...limits, totalInstancesUsed: 10 }), ['instances']);
  assert.deepEqual(flavorShortfall({ vcpus: 64, ram: 1 << 20, disk: 1 }, { ...limits, maxTotalCores: -1, maxTotalRAMSize: -1 }), []);
  assert.deepEqual(flavorShortfall({ vcpus: 1, ram: 512, disk: 1 }, limits, 2), ['vcpus']);
  assert.equal(flavorFitsImage({ vcpus: 1, ram: 256, disk: 1 }, { min_ram: 512 }, false), false);
  assert.equal(flavorFitsImage({ vcpus: 1, ram: 512, disk: 1 }, { min_disk: 5 }, false), false);
  assert.equal(flavorFitsImage({ vcpus: 1, ram: 512, disk: 1 }, { min_disk: 5 }, true), true);
});

test('metadata lines and sizes are checked before anything is sent', () => {
  assert.deepEqual(parseMetadata('role=web\n\n tier = front \n'), { ok: true, metadata: { role: 'web', tier: 'front' } });
  assert.deepEqual(parseMetadata('novalue'), { ok: false, error: 'metadata.format' });
  assert.deepEqual(parseMetadata('=x'), { ok: false, error: 'metadata.format' });
  assert.deepEqual(parseMetadata('a=1\na=2'), { ok: false, error: 'metadata.duplicate' });
  assert.deepEqual(parseMetadata(`k=${'x'.repeat(256)}`), { ok: false, error: 'metadata.long' });
  assert.equal(sizeError(''), undefined);
  assert.equal(sizeError('1.5'), 'size.whole');
  assert.equal(sizeError('0'), 'size.small');
  assert.equal(sizeError('2', { above: 2 }), 'size.larger');
  assert.equal(sizeError('3', { above: 2 }), undefined);
});

test('the launch wizard boots from an image, a new volume, a volume or a snapshot, with ports, groups, metadata and a server group', () => {
  const plain = serverBody({ name: 'vm', source: 'image', image: 'img', flavor: 'f1', network: 'net', secgroups: ['default'], key: 'k' });
  assert.deepEqual(plain, { server: { name: 'vm', flavorRef: 'f1', imageRef: 'img', networks: [{ uuid: 'net' }], security_groups: [{ name: 'default' }], key_name: 'k' } });
  assert.equal(launchCli({ name: 'vm', source: 'image', image: 'img', flavor: 'f1', network: 'net', secgroups: ['default'], key: 'k' }),
    'openstack server create --flavor f1 --image img --network net --security-group default --key-name k vm');

  const bfv = serverBody({ name: 'vm', source: 'image', image: 'img', new_volume: true, volume_size: '3', delete_on_termination: true, flavor: 'f1', ports: ['p1'], metadata: 'a=b', group: 'g1', count: '2' });
  assert.deepEqual(bfv, {
    server: {
      name: 'vm', flavorRef: 'f1', block_device_mapping_v2: [{ boot_index: 0, uuid: 'img', source_type: 'image', destination_type: 'volume', volume_size: 3, delete_on_termination: true }],
      networks: [{ port: 'p1' }], metadata: { a: 'b' }, min_count: 2, max_count: 2,
    },
    'os:scheduler_hints': { group: 'g1' },
  });
  assert.equal(launchCli({ name: 'vm', source: 'image', image: 'img', new_volume: true, volume_size: '3', delete_on_termination: true, flavor: 'f1', ports: ['p1'], metadata: 'a=b', group: 'g1', count: '2' }),
    'openstack server create --flavor f1 --block-device boot_index=0,uuid=img,source_type=image,destination_type=volume,volume_size=3,delete_on_termination=true --port p1 --property a=b --hint group=g1 --min 2 --max 2 vm');
  assert.deepEqual((serverBody({ name: 'v', source: 'volume', boot_volume: 'vol1', flavor: 'f' }).server as any).block_device_mapping_v2,
    [{ boot_index: 0, uuid: 'vol1', source_type: 'volume', destination_type: 'volume', delete_on_termination: false }]);
  assert.deepEqual((serverBody({ name: 'v', source: 'snapshot', boot_snapshot: 's1', volume_size: '2', flavor: 'f' }).server as any).block_device_mapping_v2,
    [{ boot_index: 0, uuid: 's1', source_type: 'snapshot', destination_type: 'volume', volume_size: 2, delete_on_termination: false }]);
  assert.equal((serverBody({ name: 'v', source: 'image', image: 'i', flavor: 'f' }).server as any).networks, 'auto');

  assert.deepEqual(validateLaunch({ metadata: 'oops', count: '0' }), { metadata: 'metadata.format', count: 'size.whole' });
  assert.deepEqual(validateLaunch({ source: 'snapshot', volume_size: '0' }), { volume_size: 'size.small' });
  assert.deepEqual(validateLaunch({ source: 'image', volume_size: '0' }), {}, 'no volume size is asked when booting from the image itself');
});

test('editing security groups adds the newly chosen and removes the unchosen', () => {
  const s = { security_groups: [{ name: 'default' }, { name: 'web' }, { name: 'web' }] };
  assert.deepEqual(groupChanges(s, ['default', 'ssh']), { add: ['ssh'], remove: ['web'] });
  assert.deepEqual(groupChanges(s, ['default', 'web']), { add: [], remove: [] });
});

test('the storage forms send only what changed, in the services own shapes', () => {
  const image = { name: 'cirros', visibility: 'private', protected: false, min_disk: 0, min_ram: 0 };
  assert.deepEqual(imagePatch(image, { name: 'cirros', visibility: 'private', protected: false, min_disk: '0', min_ram: '0' }), []);
  assert.deepEqual(imagePatch(image, { name: 'cirros-2', visibility: 'shared', protected: true, min_disk: '1', min_ram: '0' }), [
    { op: 'replace', path: '/name', value: 'cirros-2' }, { op: 'replace', path: '/visibility', value: 'shared' },
    { op: 'replace', path: '/protected', value: true }, { op: 'replace', path: '/min_disk', value: 1 },
  ]);
  assert.deepEqual(volumeBody({ name: 'v', size: '2', source: 'snapshot', snapshot: 's1', image: 'ignored' }), { volume: { name: 'v', size: 2, snapshot_id: 's1' } });
  assert.deepEqual(volumeBody({ name: 'v', size: '1', source: 'image', image: 'i1', type: 'lvm' }), { volume: { name: 'v', size: 1, volume_type: 'lvm', imageRef: 'i1' } });
  assert.equal(projectIdError('0123456789abcdef0123456789abcdef'), undefined);
  assert.equal(projectIdError('not-a-project'), 'member.projectId');
  assert.equal(isPublicAcl('.r:*,.rlistings'), true);
  assert.equal(isPublicAcl('.rlistings'), false);
  assert.equal(isPublicAcl(null), false);
});
