import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Conflict } from '../../src/core/errors/errors.js';
import { POWER_STATE } from '../../src/drivers/hypervisor/hypervisor-driver.js';
import {
  checkTransition, endState, resetState, type ServerAction, statesForStatus, statusOf, type StateOf, TASK, TRANSITIONS, VM,
} from '../../src/services/compute/domain/servers.states.js';

// Nova's server state machine: the API status from vm_state/task_state (nova/api/openstack/common.py
// _STATE_MAP), what each action may start from (check_instance_state), the task_state it sets and
// the state it leaves.

const LAUNCHED = '2026-01-01T00:00:00Z';
const server = (vm_state: string, task_state: string | null = null, launched_at: string | null = LAUNCHED): StateOf =>
  ({ id: 'srv-1', vm_state, task_state, launched_at });
const conflict = (action: ServerAction, s: StateOf, message: string) =>
  assert.throws(() => checkTransition(s, action), (e: unknown) => e instanceof Conflict && e.status === 409 && e.message === message);

describe('status', () => {
  test('vm_state alone gives the status; a task_state overrides it where Nova maps it', () => {
    assert.equal(statusOf(VM.ACTIVE, null), 'ACTIVE');
    assert.equal(statusOf(VM.BUILDING, TASK.SPAWNING), 'BUILD');
    assert.equal(statusOf(VM.STOPPED, null), 'SHUTOFF');
    assert.equal(statusOf(VM.ACTIVE, TASK.REBOOTING), 'REBOOT');
    assert.equal(statusOf(VM.ACTIVE, TASK.REBOOT_STARTED_HARD), 'HARD_REBOOT');
    assert.equal(statusOf(VM.ACTIVE, TASK.RESIZE_MIGRATING), 'RESIZE');
    assert.equal(statusOf(VM.STOPPED, TASK.REBUILDING), 'REBUILD');
    assert.equal(statusOf(VM.RESIZED, null), 'VERIFY_RESIZE');
    assert.equal(statusOf(VM.RESIZED, TASK.RESIZE_REVERTING), 'REVERT_RESIZE');
    assert.equal(statusOf(VM.ERROR, TASK.REBUILD_SPAWNING), 'REBUILD');
    assert.equal(statusOf(VM.RESCUED, null), 'RESCUE');
    assert.equal(statusOf(VM.SHELVED_OFFLOADED, null), 'SHELVED_OFFLOADED');
  });

  test('a task_state the vm_state does not map keeps the default status', () => {
    assert.equal(statusOf(VM.ACTIVE, TASK.PAUSING), 'ACTIVE');
    assert.equal(statusOf(VM.PAUSED, TASK.UNPAUSING), 'PAUSED');
    assert.equal(statusOf(VM.SUSPENDED, TASK.REBOOTING), 'SUSPENDED');
  });

  test('deleted wins; an unknown vm_state is UNKNOWN', () => {
    assert.equal(statusOf(VM.ACTIVE, null, true), 'DELETED');
    assert.equal(statusOf('no-such-state', null), 'UNKNOWN');
  });

  test('a status filter names the vm_states and task_states behind it', () => {
    const reboot = statesForStatus(['reboot']);
    assert.deepEqual(reboot.vmStates, [VM.ACTIVE]);
    assert.deepEqual(reboot.taskStates!.sort(), [TASK.REBOOTING, TASK.REBOOT_PENDING, TASK.REBOOT_STARTED].sort());
    // NOTE: as Nova: a status that is a vm_state's default filters on the vm_state only (any task_state).
    const active = statesForStatus(['ACTIVE']);
    assert.deepEqual(active, { vmStates: [VM.ACTIVE], taskStates: null });
    assert.deepEqual(statesForStatus(['BUILD']), { vmStates: [VM.BUILDING], taskStates: null });
    const resize = statesForStatus(['RESIZE']);
    assert.deepEqual(resize.vmStates.sort(), [VM.ACTIVE, VM.STOPPED].sort());
    assert.equal(resize.taskStates!.includes(null), false, 'RESIZE is never a plain vm_state');
    assert.deepEqual(statesForStatus(['BOGUS']), { vmStates: [], taskStates: [] });
    assert.deepEqual(statesForStatus(['SHUTOFF', 'PAUSED']).vmStates.sort(), [VM.PAUSED, VM.STOPPED].sort());
  });
});

describe('transitions', () => {
  test('an allowed action returns its transition with the task_state it begins with', () => {
    assert.equal(checkTransition(server(VM.ACTIVE), 'stop').begin, TASK.POWERING_OFF);
    assert.equal(checkTransition(server(VM.STOPPED), 'start').begin, TASK.POWERING_ON);
    assert.equal(checkTransition(server(VM.ACTIVE), 'reboot_soft').begin, TASK.REBOOTING);
    assert.equal(checkTransition(server(VM.RESIZED), 'confirmResize').begin, TASK.RESIZE_CONFIRMING);
    assert.equal(checkTransition(server(VM.SHELVED_OFFLOADED), 'unshelve').begin, TASK.UNSHELVING);
    assert.equal(checkTransition(server(VM.ACTIVE), 'updateMetadata').begin, null);
  });

  test('a wrong vm_state is refused with Nova\'s message naming the API action', () => {
    conflict('start', server(VM.ACTIVE), "Cannot 'start' instance srv-1 while it is in vm_state active");
    conflict('unpause', server(VM.ACTIVE), "Cannot 'unpause' instance srv-1 while it is in vm_state active");
    conflict('reboot_soft', server(VM.STOPPED), "Cannot 'reboot' instance srv-1 while it is in vm_state stopped");
    conflict('confirmResize', server(VM.ACTIVE), "Cannot 'confirmResize' instance srv-1 while it is in vm_state active");
    conflict('updateMetadata', server(VM.ERROR), "Cannot 'update_instance_metadata' instance srv-1 while it is in vm_state error");
  });

  test('a busy task_state is refused, and None is how Nova prints a missing one', () => {
    conflict('stop', server(VM.ACTIVE, TASK.PAUSING), "Cannot 'stop' instance srv-1 while it is in task_state pausing");
    conflict('resize', server(VM.ACTIVE, TASK.DELETING), "Cannot 'resize' instance srv-1 while it is in task_state deleting");
    conflict('pause', server(VM.ACTIVE, null, null), "Cannot 'pause' instance srv-1 while it is in launched_at None");
  });

  test('a hard reboot is allowed from more states and during a soft reboot; a soft one is not', () => {
    for (const vm of [VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED, VM.ERROR]) checkTransition(server(vm), 'reboot_hard');
    for (const task of [TASK.REBOOTING, TASK.REBOOT_STARTED, TASK.REBOOTING_HARD, TASK.PAUSING, TASK.SUSPENDING]) {
      assert.equal(checkTransition(server(VM.ACTIVE, task), 'reboot_hard').begin, TASK.REBOOTING_HARD);
    }
    conflict('reboot_hard', server(VM.ACTIVE, TASK.REBOOT_PENDING_HARD), "Cannot 'reboot' instance srv-1 while it is in task_state reboot_pending_hard");
    conflict('reboot_hard', server(VM.RESCUED), "Cannot 'reboot' instance srv-1 while it is in vm_state rescued");
    conflict('reboot_soft', server(VM.ACTIVE, TASK.REBOOTING), "Cannot 'reboot' instance srv-1 while it is in task_state rebooting");
  });

  test('delete goes from any state and task, even never launched; forceDelete not during a task', () => {
    for (const vm of Object.values(VM)) assert.equal(checkTransition(server(vm, TASK.SPAWNING, null), 'delete').begin, TASK.DELETING);
    assert.equal(checkTransition(server(VM.BUILDING, null, null), 'forceDelete').begin, TASK.DELETING);
    conflict('forceDelete', server(VM.ACTIVE, TASK.REBOOTING), "Cannot 'forceDelete' instance srv-1 while it is in task_state rebooting");
  });

  test('every action that needs a launched server refuses one that never launched', () => {
    for (const [action, t] of Object.entries(TRANSITIONS) as [ServerAction, (typeof TRANSITIONS)[ServerAction]][]) {
      const from = t.vmStates?.[0] ?? VM.ACTIVE;
      if (t.mustHaveLaunched) assert.throws(() => checkTransition(server(from, null, null), action), Conflict, action);
      else assert.doesNotThrow(() => checkTransition(server(from, null, null), action), action);
    }
  });

  test('every transition begins in a task_state the table knows, or none', () => {
    const known = new Set<string | null>([...Object.values(TASK), null, 'restoring']);
    for (const [action, t] of Object.entries(TRANSITIONS)) assert.ok(known.has(t.begin), `${action} begins in ${t.begin}`);
  });
});

describe('end states', () => {
  test('fixed ends set the vm_state and power_state and clear the task', () => {
    assert.deepEqual(endState('stop', VM.ACTIVE, POWER_STATE.RUNNING), { vm_state: VM.STOPPED, power_state: POWER_STATE.SHUTDOWN, task_state: null });
    assert.deepEqual(endState('pause', VM.ACTIVE, POWER_STATE.RUNNING), { vm_state: VM.PAUSED, power_state: POWER_STATE.PAUSED, task_state: null });
    assert.deepEqual(endState('shelve', VM.STOPPED, POWER_STATE.SHUTDOWN),
      { vm_state: VM.SHELVED_OFFLOADED, power_state: POWER_STATE.SHUTDOWN, task_state: null });
    assert.deepEqual(endState('delete', VM.ACTIVE, POWER_STATE.RUNNING), { vm_state: VM.DELETED, power_state: POWER_STATE.NOSTATE, task_state: null });
  });

  test('prior keeps the vm_state the server had (ACTIVE when unknown); keep keeps the power state', () => {
    assert.deepEqual(endState('createImage', VM.PAUSED, POWER_STATE.PAUSED), { vm_state: VM.PAUSED, power_state: POWER_STATE.PAUSED, task_state: null });
    assert.deepEqual(endState('revertResize', null, POWER_STATE.RUNNING), { vm_state: VM.ACTIVE, power_state: POWER_STATE.RUNNING, task_state: null });
  });

  test('a stopped end is always powered off, whatever power state was kept', () => {
    assert.equal(endState('confirmResize', VM.STOPPED, POWER_STATE.RUNNING).power_state, POWER_STATE.SHUTDOWN);
  });

  test('rebuild comes back stopped only when it was stopped; an errored server comes back active', () => {
    assert.equal(endState('rebuild', VM.STOPPED, POWER_STATE.SHUTDOWN).vm_state, VM.STOPPED);
    assert.equal(endState('rebuild', VM.ERROR, POWER_STATE.NOSTATE).vm_state, VM.ACTIVE);
    assert.equal(endState('rebuild', VM.ACTIVE, POWER_STATE.RUNNING).vm_state, VM.ACTIVE);
  });

  test('resize ends in VERIFY_RESIZE', () => {
    const end = endState('resize', VM.ACTIVE, POWER_STATE.RUNNING);
    assert.equal(statusOf(end.vm_state, end.task_state), 'VERIFY_RESIZE');
  });
});

test('resetState forces active or error and clears the task', () => {
  assert.deepEqual(resetState('active'), { vm_state: VM.ACTIVE, task_state: null });
  assert.deepEqual(resetState('error'), { vm_state: VM.ERROR, task_state: null });
});
