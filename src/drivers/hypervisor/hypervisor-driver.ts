// The hypervisor driver: what the compute service asks of the hosts that run guests.
//
// Contract (every implementation, the fake included, passes test/drivers/hypervisor.contract.ts):
// - Plain values in and out: ids, sizes, file paths, power states. A driver imports no store or
//   service. Guests are named by the server's UUID; one driver may serve several compute hosts
//   (`hosts()`), and every guest call names the host the scheduler chose.
// - The service calls the driver only after its database commit (intent first), from the work
//   manager, never from a request handler; calls may block on host work (seconds for spawn and
//   snapshot, at most a minute for a graceful powerOff) and never call back into the service.
// - Failure: a call throws HypervisorError with a message fit for an instance fault ("Guest x
//   failed to start: ..."); the service then moves the server to ERROR (or back to its previous
//   state for actions Nova reverts) and records the fault. GuestNotFound (a subclass) says the
//   guest does not exist on that host.
// - `spawn` of a guest that exists throws HypervisorError ("already exists"), so a resumed task
//   can tell it apart; `destroy` is idempotent: destroying an absent guest succeeds.
// - Power calls move a guest between power states (POWER_STATE below, Nova's numbers):
//   powerOn (SHUTDOWN→RUNNING; RUNNING stays), powerOff (→SHUTDOWN; `timeoutSeconds` of a clean
//   shutdown before the plug is pulled), reboot soft|hard (→RUNNING), pause/unpause
//   (RUNNING↔PAUSED), suspend/resume (RUNNING↔SUSPENDED; resume of a suspended guest only).
//   A call that makes no sense in the guest's state throws HypervisorError.
// - `resize` gives a guest a new flavor's CPUs and memory and grows its root disk to the flavor's,
//   keeping the disk's data and a copy of it: `revertResize` brings back the copy and the old
//   flavor, `confirmResize` drops the copy. The guest is RUNNING after each (Nova's cold resize on one host).
// - `rescue` boots the guest from a rescue image with its own root disk attached as the second
//   disk; `unrescue` boots its own disk again. Both leave it RUNNING.
// - `snapshot` writes the guest's root disk, as a qcow2 image, to the path given (the service
//   owns that file: it uploads and removes it); it returns the bytes written and the disk format.
// - `getConsoleOutput` returns the guest's serial console log (the last `tailLines` lines when
//   given); an absent guest throws GuestNotFound.
// - attachVolume/detachVolume connect a block device (a file path or a device node) at a
//   device name (/dev/vdb); detach of a device that is not attached succeeds. `qos` (optional)
//   caps the disk's I/O as Nova's libvirt driver applies a volume type's front-end QoS specs
//   (<iotune>): bytes and operations per second, total or per direction, their burst ceilings
//   (`_max`) and the size one operation counts for (`size_iops_sec`); a key left out is
//   unlimited. The limits hold for as long as the volume stays attached, across guest restarts;
//   a driver that cannot throttle ignores them. A swap keeps the device's limits.
// - attachInterface/detachInterface (Nova's attach_interface/detach_interface): a virtio NIC with the
//   port's MAC on the port's host device (the tap the network driver plugged for the port, Nova's
//   tap<port id[:11]>), hot-plugged into a running guest at once and part of every later start; a
//   guest that is not running gets it at its next start. Attaching a port already attached with the
//   same MAC succeeds (a resumed task); the same port with another MAC throws HypervisorError.
//   Detach unplugs it (waiting for the guest to release the device, as for volumes) and drops it
//   from later starts; detach of a port that is not attached succeeds. The guest's NICs are what
//   `diagnostics` counts. An absent guest throws GuestNotFound.
// - `swapVolume` (Nova's swap_volume; libvirt's blockRebase copy, then a pivot): the guest's disk
//   at `device`, attached with attachVolume (or at spawn), reads and writes `newSource` from then
//   on, and `newSource` holds a copy of what the old source held (the old source is left as the
//   copy found it; the caller detaches it in the block storage). The guest keeps running and
//   sees no detach; the copy may take as long as the data needs. `newSource` may be larger than
//   the old source (the guest sees the larger size at the latest from its next boot); it must
//   not be smaller. A guest that is not running gets the new source for its next boot (the copy
//   made all the same). No volume at `device` throws HypervisorError; a failed copy throws
//   HypervisorError and leaves the guest on the old source. A swap to the source already at
//   `device` succeeds without a copy (a resumed swap).
// - `hostInventory` reports what a host offers Placement: VCPU, MEMORY_MB, DISK_GB totals (and the
//   hypervisor's type and version for os-hypervisors). `listGuests` reports what runs on a host,
//   with power states, for reconciling on start (Nova's init_host and power-state sync).
// - `diagnostics` (optional: a driver without it makes the API answer 501) reports a guest's
//   counters as Nova's Diagnostics object holds them (state, cpus, nics, disks, memory); an
//   absent guest throws GuestNotFound. It does not change the guest. A NIC's rx counts what the
//   guest received and tx what it sent (libvirt's view: a tap's own rx is the guest's tx).
// - `onLifecycle` (optional) reports guests that stopped or crashed on their own (a power-off inside
//   the guest, a killed process), so the service can sync the power state as Nova does.
// - `migrate` (optional: a driver without it serves one host, and servers cannot move) moves a guest
//   with its disks, flavor and power state from `host` to `dest`, another host of the same driver.
//   Cold (`live: false`) may stop and start the guest; live keeps it running and resolves once it runs
//   on `dest`. A live migration in progress finishes at once after `forceCompleteMigration` (Nova
//   pauses the guest for the last copy) and rejects with MigrationAborted after `abortMigration`,
//   the guest left running on `host`. A `dest` the driver does not serve, or `dest === host`, throws
//   HypervisorError; force-complete or abort without a live migration in progress throws too.
// - `close` releases what the driver holds (sockets, timers); guests keep running.

/** Nova's power states (nova/compute/power_state.py). */
export const POWER_STATE = { NOSTATE: 0, RUNNING: 1, PAUSED: 3, SHUTDOWN: 4, CRASHED: 6, SUSPENDED: 7 } as const;
export type PowerState = (typeof POWER_STATE)[keyof typeof POWER_STATE];

/** Nova libvirt's supported QoS keys (its volume driver's tune options), as plain numbers. */
export const VOLUME_QOS_KEYS = [
  'total_bytes_sec', 'read_bytes_sec', 'write_bytes_sec', 'total_iops_sec', 'read_iops_sec', 'write_iops_sec',
  'total_bytes_sec_max', 'read_bytes_sec_max', 'write_bytes_sec_max', 'total_iops_sec_max', 'read_iops_sec_max', 'write_iops_sec_max',
  'size_iops_sec',
] as const;
export type VolumeQosKey = (typeof VOLUME_QOS_KEYS)[number];
/** An attached volume's I/O limits (see attachVolume); only positive whole numbers. */
export type VolumeQos = Partial<Record<VolumeQosKey, number>>;

export class HypervisorError extends Error {}
export class GuestNotFound extends HypervisorError {
  constructor(readonly guestId: string, host: string) { super(`Instance ${guestId} could not be found on host ${host}.`); }
}

/** A live migration cancelled by `abortMigration`: the guest still runs on its source host. */
export class MigrationAborted extends HypervisorError {
  constructor(readonly guestId: string) { super(`Live migration of instance ${guestId} was aborted.`); }
}

export interface GuestSpec {
  /** The server's UUID; the guest's name. */
  id: string;
  host: string;
  name: string;
  vcpus: number;
  memoryMb: number;
  rootGb: number;
  ephemeralGb: number;
  swapMb: number;
  /** The image file to boot from (a path on the host); null boots a blank root disk. */
  imagePath: string | null;
  /** imagePath is a volume's own file (boot from volume): the guest writes to it, no copy is made. */
  rootVolume?: boolean;
  imageId: string | null;
  /** Base64 user data, config drive and the keypair's public key, as the guest would see them. */
  userData: string | null;
  configDrive: boolean;
  /** The config drive's files (path inside the drive → content), as the service renders them. */
  configDriveFiles?: Record<string, string | Buffer> | null;
  publicKey: string | null;
  metadata: Record<string, string>;
  /** The NICs to plug (MAC and the network driver's port id). */
  nics: GuestNic[];
}

/** A guest's NIC: the network driver's port (whose tap it opens) and the MAC the guest sees. */
export interface GuestNic { portId: string; macAddress: string }

/** A flavor's sizes, as a resize hands them over. */
export type GuestFlavor = Pick<GuestSpec, 'vcpus' | 'memoryMb' | 'rootGb' | 'ephemeralGb' | 'swapMb'>;

export interface GuestInfo {
  id: string;
  host: string;
  powerState: PowerState;
  vcpus: number;
  memoryMb: number;
  /** The guest's NICs: those it was spawned with and those attached since. */
  nics: GuestNic[];
}

export interface HostInventory {
  host: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  hypervisorType: string;
  hypervisorVersion: number;
  /** The address compute reports for the host (os-hypervisors host_ip). */
  hostIp: string;
  cpuInfo: Record<string, unknown>;
}

/** A guest's diagnostics (nova/objects/diagnostics.py): what a hypervisor counts for it. */
export interface GuestDiagnostics {
  state: 'pending' | 'running' | 'paused' | 'shutdown' | 'crashed' | 'suspended';
  driver: string; hypervisor: string; hypervisorOs: string;
  /** Seconds since the guest started. */
  uptime: number;
  configDrive: boolean;
  cpus: { id: number; time: number; utilisation: number | null }[];
  nics: { macAddress: string; rxOctets: number; rxErrors: number; rxDrop: number; rxPackets: number; rxRate: number | null;
    txOctets: number; txErrors: number; txDrop: number; txPackets: number; txRate: number | null }[];
  disks: { readBytes: number; readRequests: number; writeBytes: number; writeRequests: number; errorsCount: number }[];
  /** Memory in MiB: the guest's maximum and what it uses. */
  memory: { maximum: number; used: number };
}

/** A guest whose power state changed on its own (Nova's virt lifecycle events). */
export interface GuestLifecycleEvent { host: string; id: string; powerState: PowerState }

export interface HypervisorDriver {
  readonly name: string;
  /** The compute hosts this driver serves (one per machine; the fake may pretend to be N). */
  hosts(): string[];
  hostInventory(host: string): Promise<HostInventory>;
  listGuests(host: string): Promise<GuestInfo[]>;
  /** Creates and starts the guest; it is RUNNING when the promise resolves. */
  spawn(spec: GuestSpec): Promise<void>;
  /** Stops and removes the guest and its disks; absent guests succeed. */
  destroy(host: string, id: string): Promise<void>;
  powerOn(host: string, id: string): Promise<void>;
  powerOff(host: string, id: string, timeoutSeconds?: number): Promise<void>;
  reboot(host: string, id: string, kind: 'SOFT' | 'HARD'): Promise<void>;
  pause(host: string, id: string): Promise<void>;
  unpause(host: string, id: string): Promise<void>;
  suspend(host: string, id: string): Promise<void>;
  resume(host: string, id: string): Promise<void>;
  powerState(host: string, id: string): Promise<PowerState>;
  resize(host: string, id: string, flavor: GuestFlavor): Promise<void>;
  confirmResize(host: string, id: string): Promise<void>;
  revertResize(host: string, id: string, flavor: GuestFlavor): Promise<void>;
  rescue(host: string, id: string, rescueImagePath: string | null, rescueImageId: string | null): Promise<void>;
  unrescue(host: string, id: string): Promise<void>;
  snapshot(host: string, id: string, path: string): Promise<{ size: number; diskFormat: 'qcow2' | 'raw' }>;
  getConsoleOutput(host: string, id: string, tailLines?: number): Promise<string>;
  diagnostics?(host: string, id: string): Promise<GuestDiagnostics>;
  attachVolume(host: string, id: string, device: string, source: string, qos?: VolumeQos): Promise<void>;
  detachVolume(host: string, id: string, device: string): Promise<void>;
  /** Plugs a NIC on the port's tap into the guest (hot-plugged when it runs); see the contract above. */
  attachInterface(host: string, id: string, nic: GuestNic): Promise<void>;
  /** Unplugs the NIC of `portId` from the guest; absent ports succeed. */
  detachInterface(host: string, id: string, portId: string): Promise<void>;
  /** The disk at `device` moves, with a copy of its content, onto `newSource` (see the contract above). */
  swapVolume(host: string, id: string, device: string, newSource: string): Promise<void>;
  /**
   * Optional: the UNIX socket of a running guest's VNC server (RFB) or interactive serial console,
   * for the console proxy; GuestNotFound when absent, HypervisorError when it is not running.
   */
  consoleSocket?(host: string, id: string, kind: 'vnc' | 'serial'): Promise<string>;
  /** Optional: moves a guest to another host of this driver (cold or live); see the contract above. */
  migrate?(host: string, id: string, dest: string, opts: { live: boolean }): Promise<void>;
  forceCompleteMigration?(host: string, id: string): Promise<void>;
  abortMigration?(host: string, id: string): Promise<void>;
  /** Optional: calls `listener` when a guest stops or crashes without being asked (its process ended). */
  onLifecycle?(listener: (e: GuestLifecycleEvent) => void): void;
  close(): Promise<void>;
}
