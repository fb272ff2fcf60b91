// Nova's server state machine in one table: which vm_state/task_state an action may start from,
// the task_state it sets when accepted (before the 202), and the state it ends in. Every state
// change of a server goes through `begin` and `finish` here; the API status is derived from
// vm_state and task_state exactly as nova/api/openstack/common.py _STATE_MAP does.
import { POWER_STATE } from '../../../drivers/hypervisor/hypervisor-driver.js';
import { instanceInvalidState } from './errors.js';

export const VM = {
  ACTIVE: 'active', BUILDING: 'building', PAUSED: 'paused', SUSPENDED: 'suspended', STOPPED: 'stopped',
  RESCUED: 'rescued', RESIZED: 'resized', SOFT_DELETED: 'soft-delete', DELETED: 'deleted', ERROR: 'error',
  SHELVED: 'shelved', SHELVED_OFFLOADED: 'shelved_offloaded',
} as const;

export const TASK = {
  SCHEDULING: 'scheduling', SPAWNING: 'spawning', NETWORKING: 'networking', BLOCK_DEVICE_MAPPING: 'block_device_mapping',
  IMAGE_SNAPSHOT: 'image_snapshot', IMAGE_SNAPSHOT_PENDING: 'image_snapshot_pending', IMAGE_PENDING_UPLOAD: 'image_pending_upload',
  IMAGE_UPLOADING: 'image_uploading', IMAGE_BACKUP: 'image_backup', RESIZE_PREP: 'resize_prep', RESIZE_MIGRATING: 'resize_migrating',
  RESIZE_MIGRATED: 'resize_migrated', RESIZE_FINISH: 'resize_finish', RESIZE_REVERTING: 'resize_reverting',
  RESIZE_CONFIRMING: 'resize_confirming', REBOOTING: 'rebooting', REBOOT_PENDING: 'reboot_pending', REBOOT_STARTED: 'reboot_started',
  REBOOTING_HARD: 'rebooting_hard', REBOOT_PENDING_HARD: 'reboot_pending_hard', REBOOT_STARTED_HARD: 'reboot_started_hard',
  PAUSING: 'pausing', UNPAUSING: 'unpausing', SUSPENDING: 'suspending', RESUMING: 'resuming', POWERING_OFF: 'powering-off',
  POWERING_ON: 'powering-on', RESCUING: 'rescuing', UNRESCUING: 'unrescuing', REBUILDING: 'rebuilding',
  REBUILD_SPAWNING: 'rebuild_spawning', MIGRATING: 'migrating', DELETING: 'deleting', SHELVING: 'shelving',
  SHELVING_IMAGE_UPLOADING: 'shelving_image_uploading', SHELVING_OFFLOADING: 'shelving_offloading', UNSHELVING: 'unshelving',
  UPDATING_PASSWORD: 'updating_password',
} as const;

const STATUS: Record<string, Record<string, string>> = {
  [VM.ACTIVE]: {
    default: 'ACTIVE', [TASK.REBOOTING]: 'REBOOT', [TASK.REBOOT_PENDING]: 'REBOOT', [TASK.REBOOT_STARTED]: 'REBOOT',
    [TASK.REBOOTING_HARD]: 'HARD_REBOOT', [TASK.REBOOT_PENDING_HARD]: 'HARD_REBOOT', [TASK.REBOOT_STARTED_HARD]: 'HARD_REBOOT',
    [TASK.UPDATING_PASSWORD]: 'PASSWORD', [TASK.REBUILDING]: 'REBUILD', [TASK.REBUILD_SPAWNING]: 'REBUILD',
    [TASK.MIGRATING]: 'MIGRATING', [TASK.RESIZE_PREP]: 'RESIZE', [TASK.RESIZE_MIGRATING]: 'RESIZE',
    [TASK.RESIZE_MIGRATED]: 'RESIZE', [TASK.RESIZE_FINISH]: 'RESIZE',
  },
  [VM.BUILDING]: { default: 'BUILD' },
  [VM.STOPPED]: {
    default: 'SHUTOFF', [TASK.RESIZE_PREP]: 'RESIZE', [TASK.RESIZE_MIGRATING]: 'RESIZE', [TASK.RESIZE_MIGRATED]: 'RESIZE',
    [TASK.RESIZE_FINISH]: 'RESIZE', [TASK.REBUILDING]: 'REBUILD', [TASK.REBUILD_SPAWNING]: 'REBUILD',
  },
  [VM.RESIZED]: { default: 'VERIFY_RESIZE', [TASK.RESIZE_REVERTING]: 'REVERT_RESIZE' },
  [VM.PAUSED]: { default: 'PAUSED', [TASK.MIGRATING]: 'MIGRATING' },
  [VM.SUSPENDED]: { default: 'SUSPENDED' },
  [VM.RESCUED]: { default: 'RESCUE' },
  [VM.ERROR]: { default: 'ERROR', [TASK.REBUILDING]: 'REBUILD', [TASK.REBUILD_SPAWNING]: 'REBUILD' },
  [VM.DELETED]: { default: 'DELETED' },
  [VM.SOFT_DELETED]: { default: 'SOFT_DELETED' },
  [VM.SHELVED]: { default: 'SHELVED' },
  [VM.SHELVED_OFFLOADED]: { default: 'SHELVED_OFFLOADED' },
};

export function statusOf(vmState: string, taskState: string | null, deleted = false): string {
  if (deleted) return 'DELETED';
  const map = STATUS[vmState];
  if (!map) return 'UNKNOWN';
  return (taskState !== null && map[taskState]) || map.default!;
}

/** The vm_states and task_states a status filter names (task_and_vm_state_from_status). */
/**
 * The vm_states and task_states behind status filters (Nova's task_and_vm_state_from_status);
 * taskStates null when a status is a vm_state's default: as Nova, no task_state filter then
 * (status=BUILD shows a server still scheduling, status=ACTIVE one rebooting too).
 */
export function statesForStatus(statuses: string[]): { vmStates: string[]; taskStates: (string | null)[] | null } {
  const wanted = new Set(statuses.map((s) => s.toUpperCase()));
  const vms = new Set<string>();
  const tasks = new Set<string | null>();
  let anyDefault = false;
  for (const [vm, map] of Object.entries(STATUS)) {
    for (const [task, status] of Object.entries(map)) {
      if (!wanted.has(status)) continue;
      vms.add(vm);
      if (task === 'default') anyDefault = true;
      else tasks.add(task);
    }
  }
  return { vmStates: [...vms], taskStates: anyDefault ? null : [...tasks] };
}

export type ServerAction =
  | 'start' | 'stop' | 'reboot_soft' | 'reboot_hard' | 'pause' | 'unpause' | 'suspend' | 'resume' | 'rebuild'
  | 'resize' | 'confirmResize' | 'revertResize' | 'createImage' | 'createBackup' | 'shelve' | 'shelveOffload' | 'unshelve'
  | 'rescue' | 'unrescue' | 'delete' | 'forceDelete' | 'updateMetadata' | 'restore' | 'migrate' | 'liveMigrate' | 'evacuate';

const ALLOW_REBOOT = [null, TASK.REBOOTING, TASK.REBOOT_PENDING, TASK.REBOOT_STARTED, TASK.RESUMING,
  TASK.REBOOTING_HARD, TASK.UNPAUSING, TASK.PAUSING, TASK.SUSPENDING];

export interface Transition {
  /** The name in "Cannot '<api>' instance ..." (the API action's name). */
  api: string;
  /** Allowed vm_states (null: any). */
  vmStates: string[] | null;
  /** Allowed task_states (null: any). */
  taskStates: (string | null)[] | null;
  mustHaveLaunched: boolean;
  /** task_state set when the action is accepted. */
  begin: string | null;
  /** vm_state and power_state once done; 'prior' keeps the vm_state the server had. */
  end: { vmState: string | 'prior' | 'prior-running'; powerState: number | 'keep' };
}

const P = POWER_STATE;

export const TRANSITIONS: Record<ServerAction, Transition> = {
  stop: { api: 'stop', vmStates: [VM.ACTIVE, VM.ERROR], taskStates: [null], mustHaveLaunched: true, begin: TASK.POWERING_OFF, end: { vmState: VM.STOPPED, powerState: P.SHUTDOWN } },
  start: { api: 'start', vmStates: [VM.STOPPED], taskStates: [null], mustHaveLaunched: true, begin: TASK.POWERING_ON, end: { vmState: VM.ACTIVE, powerState: P.RUNNING } },
  reboot_soft: { api: 'reboot', vmStates: [VM.ACTIVE], taskStates: [null], mustHaveLaunched: true, begin: TASK.REBOOTING, end: { vmState: VM.ACTIVE, powerState: P.RUNNING } },
  reboot_hard: { api: 'reboot', vmStates: [VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED, VM.ERROR], taskStates: ALLOW_REBOOT, mustHaveLaunched: true, begin: TASK.REBOOTING_HARD, end: { vmState: VM.ACTIVE, powerState: P.RUNNING } },
  pause: { api: 'pause', vmStates: [VM.ACTIVE], taskStates: [null], mustHaveLaunched: true, begin: TASK.PAUSING, end: { vmState: VM.PAUSED, powerState: P.PAUSED } },
  unpause: { api: 'unpause', vmStates: [VM.PAUSED], taskStates: [null], mustHaveLaunched: true, begin: TASK.UNPAUSING, end: { vmState: VM.ACTIVE, powerState: P.RUNNING } },
  suspend: { api: 'suspend', vmStates: [VM.ACTIVE], taskStates: [null], mustHaveLaunched: true, begin: TASK.SUSPENDING, end: { vmState: VM.SUSPENDED, powerState: P.SUSPENDED } },
  resume: { api: 'resume', vmStates: [VM.SUSPENDED], taskStates: [null], mustHaveLaunched: true, begin: TASK.RESUMING, end: { vmState: VM.ACTIVE, powerState: P.RUNNING } },
  rebuild: { api: 'rebuild', vmStates: [VM.ACTIVE, VM.STOPPED, VM.ERROR], taskStates: [null], mustHaveLaunched: true, begin: TASK.REBUILDING, end: { vmState: 'prior-running', powerState: 'keep' } },
  resize: { api: 'resize', vmStates: [VM.ACTIVE, VM.STOPPED], taskStates: [null], mustHaveLaunched: true, begin: TASK.RESIZE_PREP, end: { vmState: VM.RESIZED, powerState: 'keep' } },
  confirmResize: { api: 'confirmResize', vmStates: [VM.RESIZED], taskStates: [null], mustHaveLaunched: true, begin: TASK.RESIZE_CONFIRMING, end: { vmState: 'prior', powerState: 'keep' } },
  revertResize: { api: 'revertResize', vmStates: [VM.RESIZED], taskStates: [null], mustHaveLaunched: true, begin: TASK.RESIZE_REVERTING, end: { vmState: 'prior', powerState: 'keep' } },
  createImage: { api: 'createImage', vmStates: [VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED], taskStates: [null], mustHaveLaunched: true, begin: TASK.IMAGE_SNAPSHOT_PENDING, end: { vmState: 'prior', powerState: 'keep' } },
  createBackup: { api: 'createBackup', vmStates: [VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED], taskStates: [null], mustHaveLaunched: true, begin: TASK.IMAGE_BACKUP, end: { vmState: 'prior', powerState: 'keep' } },
  shelve: { api: 'shelve', vmStates: [VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED], taskStates: [null], mustHaveLaunched: true, begin: TASK.SHELVING, end: { vmState: VM.SHELVED_OFFLOADED, powerState: P.SHUTDOWN } },
  shelveOffload: { api: 'shelveOffload', vmStates: [VM.SHELVED], taskStates: [null], mustHaveLaunched: true, begin: TASK.SHELVING_OFFLOADING, end: { vmState: VM.SHELVED_OFFLOADED, powerState: P.SHUTDOWN } },
  unshelve: { api: 'unshelve', vmStates: [VM.SHELVED, VM.SHELVED_OFFLOADED], taskStates: [null], mustHaveLaunched: true, begin: TASK.UNSHELVING, end: { vmState: VM.ACTIVE, powerState: P.RUNNING } },
  rescue: { api: 'rescue', vmStates: [VM.ACTIVE, VM.STOPPED, VM.ERROR], taskStates: [null], mustHaveLaunched: true, begin: TASK.RESCUING, end: { vmState: VM.RESCUED, powerState: P.RUNNING } },
  unrescue: { api: 'unrescue', vmStates: [VM.RESCUED], taskStates: [null], mustHaveLaunched: true, begin: TASK.UNRESCUING, end: { vmState: VM.ACTIVE, powerState: P.RUNNING } },
  delete: { api: 'delete', vmStates: null, taskStates: null, mustHaveLaunched: false, begin: TASK.DELETING, end: { vmState: VM.DELETED, powerState: P.NOSTATE } },
  forceDelete: { api: 'forceDelete', vmStates: null, taskStates: [null], mustHaveLaunched: false, begin: TASK.DELETING, end: { vmState: VM.DELETED, powerState: P.NOSTATE } },
  restore: { api: 'restore', vmStates: [VM.SOFT_DELETED], taskStates: [null], mustHaveLaunched: true, begin: 'restoring', end: { vmState: VM.ACTIVE, powerState: P.RUNNING } },
  // NOTE: a cold migration is Nova's resize keeping the flavor: VERIFY_RESIZE, then confirm or revert.
  migrate: { api: 'migrate', vmStates: [VM.ACTIVE, VM.STOPPED], taskStates: [null], mustHaveLaunched: true, begin: TASK.RESIZE_PREP, end: { vmState: VM.RESIZED, powerState: 'keep' } },
  liveMigrate: { api: 'os-migrateLive', vmStates: [VM.ACTIVE, VM.PAUSED], taskStates: [null], mustHaveLaunched: true, begin: TASK.MIGRATING, end: { vmState: 'prior', powerState: 'keep' } },
  evacuate: { api: 'evacuate', vmStates: [VM.ACTIVE, VM.STOPPED, VM.ERROR], taskStates: [null], mustHaveLaunched: true, begin: TASK.REBUILDING, end: { vmState: 'prior-running', powerState: 'keep' } },
  updateMetadata: { api: 'update_instance_metadata', vmStates: [VM.ACTIVE, VM.PAUSED, VM.SUSPENDED, VM.STOPPED], taskStates: [null], mustHaveLaunched: true, begin: null, end: { vmState: 'prior', powerState: 'keep' } },
};

export interface StateOf { id: string; vm_state: string; task_state: string | null; launched_at: string | null }

/** os-resetState: the vm_states an admin may force, from any state; the task_state is cleared. */
export const RESET_STATES = { active: VM.ACTIVE, error: VM.ERROR } as const;

export function resetState(state: keyof typeof RESET_STATES): { vm_state: string; task_state: null } {
  return { vm_state: RESET_STATES[state], task_state: null };
}

/** Throws Nova's 409 when `action` may not start from the server's state. */
export function checkTransition(server: StateOf, action: ServerAction): Transition {
  const t = TRANSITIONS[action];
  const refuse = (attr: string, state: unknown) => instanceInvalidState(t.api, server.id, attr, state === null ? 'None' : state);
  if (t.vmStates && !t.vmStates.includes(server.vm_state)) throw refuse('vm_state', server.vm_state);
  if (t.taskStates && !t.taskStates.includes(server.task_state)) throw refuse('task_state', server.task_state);
  if (t.mustHaveLaunched && !server.launched_at) throw refuse('launched_at', null);
  return t;
}

/** The vm_state and power_state a finished action leaves (prior = the vm_state before it began). */
export function endState(action: ServerAction, priorVmState: string | null, powerState: number): { vm_state: string; power_state: number; task_state: null } {
  const t = TRANSITIONS[action];
  let vm = t.end.vmState;
  if (vm === 'prior') vm = priorVmState ?? VM.ACTIVE;
  if (vm === 'prior-running') vm = priorVmState === VM.STOPPED ? VM.STOPPED : VM.ACTIVE;
  const power = t.end.powerState === 'keep' ? (vm === VM.STOPPED ? P.SHUTDOWN : powerState) : t.end.powerState;
  return { vm_state: vm, power_state: power, task_state: null };
}
