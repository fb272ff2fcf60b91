// What the browser decides by itself, kept free of React so that unit tests run it: which of an
// instance's actions its state and the user's roles allow (Nova's own state table: an action is
// offered only where Nova would accept it), which flavors fit the project's quota, and the checks
// of the launch wizard's inputs.

/** The instance as GET /servers/detail shows it (the fields these rules read). */
export interface ServerLike {
  status?: string;
  'OS-EXT-STS:vm_state'?: string;
  'OS-EXT-STS:task_state'?: string | null;
  locked?: boolean;
  addresses?: Record<string, { addr: string; 'OS-EXT-IPS:type'?: string }[]>;
  'os-extended-volumes:volumes_attached'?: { id: string }[];
}

export type ServerActionId =
  | 'console' | 'log' | 'start' | 'stop' | 'rebootSoft' | 'rebootHard' | 'resize' | 'confirmResize' | 'revertResize' | 'snapshot'
  | 'attachVolume' | 'detachVolume' | 'attachInterface' | 'detachInterface' | 'associateFip' | 'disassociateFip' | 'securityGroups'
  | 'lock' | 'unlock' | 'rescue' | 'unrescue' | 'shelve' | 'unshelve' | 'pause' | 'unpause' | 'suspend' | 'resume' | 'edit' | 'rebuild' | 'delete';

const STATUS_TO_VM: Record<string, string> = {
  ACTIVE: 'active', SHUTOFF: 'stopped', PAUSED: 'paused', SUSPENDED: 'suspended', RESCUE: 'rescued', VERIFY_RESIZE: 'resized',
  SHELVED: 'shelved', SHELVED_OFFLOADED: 'shelved_offloaded', ERROR: 'error', BUILD: 'building', SOFT_DELETED: 'soft-delete', DELETED: 'deleted',
};

/** Nova's vm_state of the server (from OS-EXT-STS, else from its status). */
export function vmStateOf(s: ServerLike): string {
  return s['OS-EXT-STS:vm_state'] ?? STATUS_TO_VM[(s.status ?? '').toUpperCase()] ?? 'unknown';
}

const REBOOT_TASKS = [null, 'rebooting', 'reboot_pending', 'reboot_started', 'resuming', 'rebooting_hard', 'unpausing', 'pausing', 'suspending'];
const RUNNING = ['active', 'stopped', 'paused', 'suspended'];

/** The vm_states each action may start from (nova/compute/api.py check_instance_state), with no task under way. */
const FROM: Record<ServerActionId, string[] | null> = {
  console: ['active', 'rescued'],
  log: ['active', 'stopped', 'paused', 'suspended', 'rescued', 'resized', 'error'],
  start: ['stopped'], stop: ['active', 'error'],
  rebootSoft: ['active'], rebootHard: [...RUNNING, 'error'],
  resize: ['active', 'stopped'], confirmResize: ['resized'], revertResize: ['resized'],
  snapshot: RUNNING,
  attachVolume: [...RUNNING, 'shelved', 'shelved_offloaded', 'resized'], detachVolume: [...RUNNING, 'shelved', 'shelved_offloaded', 'resized'],
  attachInterface: ['active', 'paused', 'stopped'], detachInterface: ['active', 'paused', 'stopped'],
  associateFip: [...RUNNING, 'rescued', 'resized'], disassociateFip: null,
  securityGroups: [...RUNNING, 'rescued', 'resized', 'shelved', 'shelved_offloaded'],
  lock: null, unlock: null,
  rescue: ['active', 'stopped', 'error'], unrescue: ['rescued'],
  shelve: RUNNING, unshelve: ['shelved', 'shelved_offloaded'],
  pause: ['active'], unpause: ['paused'], suspend: ['active'], resume: ['suspended'],
  edit: null, rebuild: ['active', 'stopped', 'error'],
  delete: null,
};

/** Whether the token's roles may change things in the project (Nova's default policy: member or admin; a reader only reads). */
export function canChange(roles: string[]): boolean {
  return roles.includes('admin') || roles.includes('member');
}

const fixedAddresses = (s: ServerLike) => Object.values(s.addresses ?? {}).flat().filter((a) => a['OS-EXT-IPS:type'] !== 'floating');
const floatingAddresses = (s: ServerLike) => Object.values(s.addresses ?? {}).flat().filter((a) => a['OS-EXT-IPS:type'] === 'floating');

/** Whether the action is offered for this server to a user with these roles. */
export function serverActionAllowed(action: ServerActionId, s: ServerLike, roles: string[]): boolean {
  if (!canChange(roles)) return false;
  const vm = vmStateOf(s);
  const task = s['OS-EXT-STS:task_state'] ?? null;
  if (vm === 'deleted' || task === 'deleting') return false;
  const admin = roles.includes('admin');
  // A locked server refuses every change to anyone but an admin (InstanceIsLocked); it can be unlocked, looked at.
  if (s.locked && !admin && !['unlock', 'console', 'log'].includes(action)) return false;
  if (action === 'lock') return !s.locked;
  if (action === 'unlock') return !!s.locked;
  if (action === 'delete') return true;
  if (action === 'rebootHard') { if (!REBOOT_TASKS.includes(task)) return false; } else if (task !== null) return false;
  const from = FROM[action];
  if (from && !from.includes(vm)) return false;
  switch (action) {
    case 'detachVolume': return (s['os-extended-volumes:volumes_attached'] ?? []).length > 0;
    case 'detachInterface': return fixedAddresses(s).length > 0;
    case 'associateFip': return fixedAddresses(s).length > 0;
    case 'disassociateFip': return floatingAddresses(s).length > 0;
    default: return true;
  }
}

/** Every action offered for the server, in menu order. */
export function serverActions(s: ServerLike, roles: string[]): ServerActionId[] {
  return (Object.keys(FROM) as ServerActionId[]).filter((a) => serverActionAllowed(a, s, roles));
}

/** GET /limits absolute (-1: no limit). */
export interface ComputeLimits {
  maxTotalInstances: number; totalInstancesUsed: number; maxTotalCores: number; totalCoresUsed: number; maxTotalRAMSize: number; totalRAMUsed: number;
}
export interface FlavorLike { vcpus: number; ram: number; disk: number }
export type QuotaShortfall = 'instances' | 'vcpus' | 'ram';

/** What the project's quota lacks for `count` servers of this flavor (empty: it fits). */
export function flavorShortfall(f: FlavorLike, l: ComputeLimits, count = 1): QuotaShortfall[] {
  const over = (max: number, used: number, want: number) => max >= 0 && used + want > max;
  const out: QuotaShortfall[] = [];
  if (over(l.maxTotalInstances, l.totalInstancesUsed, count)) out.push('instances');
  if (over(l.maxTotalCores, l.totalCoresUsed, f.vcpus * count)) out.push('vcpus');
  if (over(l.maxTotalRAMSize, l.totalRAMUsed, f.ram * count)) out.push('ram');
  return out;
}

/** Whether the flavor is big enough for the image (its min_ram and min_disk; a flavor disk of 0 takes the image's size). */
export function flavorFitsImage(f: FlavorLike, image: { min_ram?: number; min_disk?: number } | undefined, bootFromVolume: boolean): boolean {
  if (!image) return true;
  if ((image.min_ram ?? 0) > f.ram) return false;
  return bootFromVolume || f.disk === 0 || (image.min_disk ?? 0) <= f.disk;
}

export type MetadataResult = { ok: true; metadata: Record<string, string> } | { ok: false; error: 'metadata.format' | 'metadata.long' | 'metadata.duplicate' };

/** Metadata typed as `key=value` lines (blank lines skipped); Nova's limits: keys and values of at most 255 characters. */
export function parseMetadata(text: string): MetadataResult {
  const metadata: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { ok: false, error: 'metadata.format' };
    const k = line.slice(0, eq).trim();
    const v = line.slice(eq + 1).trim();
    if (!k) return { ok: false, error: 'metadata.format' };
    if (k.length > 255 || v.length > 255) return { ok: false, error: 'metadata.long' };
    if (k in metadata) return { ok: false, error: 'metadata.duplicate' };
    metadata[k] = v;
  }
  return { ok: true, metadata };
}

/** A size in GiB typed in a form: a whole number of at least `min` (and above `above` for an extend). */
export function sizeError(text: string, opts: { min?: number; above?: number } = {}): 'size.whole' | 'size.small' | 'size.larger' | undefined {
  if (text === '') return undefined;
  if (!/^\d+$/.test(text.trim())) return 'size.whole';
  const n = Number(text);
  if (opts.above !== undefined && n <= opts.above) return 'size.larger';
  if (n < (opts.min ?? 1)) return 'size.small';
  return undefined;
}
