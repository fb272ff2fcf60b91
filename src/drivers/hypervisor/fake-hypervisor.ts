// A hypervisor driver that runs no guest: guests live in memory with a console log each, every
// call is instant, and it may pretend to be N compute hosts. The whole cloud runs on it where
// there is no KVM, and tests inject failures to see what the service does with a broken host.
import { copyFile, writeFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  type GuestDiagnostics, type GuestFlavor, type GuestInfo, type GuestLifecycleEvent, type GuestNic, GuestNotFound, type GuestSpec, type HostInventory, HypervisorError, type HypervisorDriver, MigrationAborted, type VolumeQos,
  POWER_STATE, type PowerState,
} from './hypervisor-driver.js';

export interface FakeHypervisorOptions {
  /** How many compute hosts to pretend to be (default 1). */
  computeHosts?: number;
  /** The first host's name (default the machine's hostname, as DevStack names its compute). */
  hostname?: string;
  /** Per-host inventory (default 8 VCPU, 16 GiB, 200 GB, like a small DevStack VM × overcommit). */
  vcpus?: number;
  memoryMb?: number;
  diskGb?: number;
  hostIp?: string;
}

interface FakeGuest {
  spec: GuestSpec; powerState: PowerState; console: string[]; volumes: Map<string, string>;
  /** The I/O limits of the attached volumes that have them, by device. */
  qos: Map<string, VolumeQos>;
  /** The flavor before an unconfirmed resize; the rescue image while rescued. */
  resizedFrom?: GuestFlavor; rescueImage?: string | null;
}

export class FakeHypervisorDriver implements HypervisorDriver {
  readonly name = 'fake';
  readonly guests = new Map<string, FakeGuest>();
  /** Every call, for tests: op and guest id. */
  readonly calls: { op: string; host: string; id?: string }[] = [];
  private readonly hostNames: string[];
  private readonly inventory: Omit<HostInventory, 'host'>;
  private readonly failures = new Map<string, { message: string; times: number }>();

  constructor(opts: FakeHypervisorOptions = {}) {
    const base = opts.hostname ?? hostname();
    const n = Math.max(1, opts.computeHosts ?? 1);
    this.hostNames = Array.from({ length: n }, (_, i) => (i === 0 ? base : `${base}-${i + 1}`));
    this.inventory = {
      vcpus: opts.vcpus ?? 8, memoryMb: opts.memoryMb ?? 16384, diskGb: opts.diskGb ?? 200,
      hypervisorType: 'fake', hypervisorVersion: 1000, hostIp: opts.hostIp ?? '127.0.0.1',
      cpuInfo: { arch: 'x86_64', model: 'fake', vendor: 'fake', topology: { cores: 1, threads: 1, sockets: opts.vcpus ?? 8 }, features: [] },
    };
  }

  /**
   * Failure injection: the next `times` calls of `op` ('spawn', 'powerOff', ... or '*') throw
   * HypervisorError(message) before doing anything.
   */
  failNext(op: string, message = `fake hypervisor: injected ${op} failure`, times = 1): void {
    this.failures.set(op, { message, times });
  }

  private readonly lifecycle = new Set<(e: GuestLifecycleEvent) => void>();

  /**
   * Changes a guest's power state behind the service's back (a crash, a shutdown inside the guest),
   * reported as a lifecycle event as a real hypervisor reports it.
   */
  setPowerState(id: string, state: PowerState): void {
    const g = this.guests.get(id);
    if (!g) return;
    g.powerState = state;
    for (const l of this.lifecycle) l({ host: g.spec.host, id, powerState: state });
  }

  onLifecycle(listener: (e: GuestLifecycleEvent) => void): void { this.lifecycle.add(listener); }

  private enter(op: string, host: string, id?: string): void {
    this.calls.push({ op, host, id });
    for (const key of [op, '*']) {
      const f = this.failures.get(key);
      if (!f) continue;
      if (--f.times <= 0) this.failures.delete(key);
      throw new HypervisorError(f.message);
    }
    if (!this.hostNames.includes(host)) throw new HypervisorError(`Compute host ${host} could not be found.`);
  }

  private guest(host: string, id: string): FakeGuest {
    const g = this.guests.get(id);
    if (!g || g.spec.host !== host) throw new GuestNotFound(id, host);
    return g;
  }

  private log(g: FakeGuest, line: string): void {
    g.console.push(line);
    // NOTE: a real serial log is bounded too (Nova reads at most 100 KiB of it).
    if (g.console.length > 2000) g.console.splice(0, g.console.length - 2000);
  }

  private boot(g: FakeGuest): void {
    const s = g.spec;
    this.log(g, `[    0.000000] Linux version 5.15.0-fake (stratus fake hypervisor)`);
    this.log(g, `[    0.000000] Memory: ${s.memoryMb * 1024}K available, ${s.vcpus} CPUs`);
    this.log(g, `=== cirros: current=0.6.2 uptime=0.01 ===`);
    this.log(g, `${s.name} login: `);
  }

  private transition(op: string, host: string, id: string, from: PowerState[], to: PowerState): void {
    this.enter(op, host, id);
    const g = this.guest(host, id);
    if (!from.includes(g.powerState)) throw new HypervisorError(`Cannot ${op} guest ${id} in power state ${g.powerState}.`);
    g.powerState = to;
    this.log(g, `[stratus] ${op}`);
  }

  hosts(): string[] { return [...this.hostNames]; }

  async hostInventory(host: string): Promise<HostInventory> {
    this.enter('hostInventory', host);
    return { host, ...structuredClone(this.inventory) };
  }

  async listGuests(host: string): Promise<GuestInfo[]> {
    this.enter('listGuests', host);
    return [...this.guests.values()].filter((g) => g.spec.host === host)
      .map((g) => ({ id: g.spec.id, host, powerState: g.powerState, vcpus: g.spec.vcpus, memoryMb: g.spec.memoryMb, nics: structuredClone(g.spec.nics) }));
  }

  private heldSpawns: (() => void)[] | undefined;

  /** For tests: while held, spawns wait (their servers stay in BUILD) until `holdSpawns(false)`. */
  holdSpawns(on = true): void {
    const held = this.heldSpawns;
    this.heldSpawns = on ? (held ?? []) : undefined;
    if (!on) for (const go of held ?? []) go();
  }

  async spawn(spec: GuestSpec): Promise<void> {
    this.enter('spawn', spec.host, spec.id);
    if (this.heldSpawns) await new Promise<void>((go) => this.heldSpawns!.push(go));
    if (this.guests.has(spec.id)) throw new HypervisorError(`Guest ${spec.id} already exists.`);
    const g: FakeGuest = { spec: structuredClone(spec), powerState: POWER_STATE.RUNNING, console: [], volumes: new Map(), qos: new Map() };
    this.guests.set(spec.id, g);
    this.boot(g);
  }

  async resize(host: string, id: string, flavor: GuestFlavor): Promise<void> {
    this.enter('resize', host, id);
    const g = this.guest(host, id);
    g.resizedFrom ??= { vcpus: g.spec.vcpus, memoryMb: g.spec.memoryMb, rootGb: g.spec.rootGb, ephemeralGb: g.spec.ephemeralGb, swapMb: g.spec.swapMb };
    Object.assign(g.spec, flavor);
    g.powerState = POWER_STATE.RUNNING;
    this.boot(g);
  }

  async confirmResize(host: string, id: string): Promise<void> {
    this.enter('confirmResize', host, id);
    delete this.guest(host, id).resizedFrom;
  }

  async revertResize(host: string, id: string, flavor: GuestFlavor): Promise<void> {
    this.enter('revertResize', host, id);
    const g = this.guest(host, id);
    Object.assign(g.spec, flavor);
    delete g.resizedFrom;
    g.powerState = POWER_STATE.RUNNING;
    this.boot(g);
  }

  async rescue(host: string, id: string, rescueImagePath: string | null): Promise<void> {
    this.enter('rescue', host, id);
    const g = this.guest(host, id);
    g.rescueImage = rescueImagePath;
    g.powerState = POWER_STATE.RUNNING;
    this.log(g, '[stratus] rescue');
    this.boot(g);
  }

  async unrescue(host: string, id: string): Promise<void> {
    this.enter('unrescue', host, id);
    const g = this.guest(host, id);
    delete g.rescueImage;
    g.powerState = POWER_STATE.RUNNING;
    this.boot(g);
  }

  async destroy(host: string, id: string): Promise<void> {
    this.enter('destroy', host, id);
    const g = this.guests.get(id);
    if (g && g.spec.host === host) this.guests.delete(id);
  }

  async powerOn(host: string, id: string): Promise<void> {
    this.enter('powerOn', host, id);
    const g = this.guest(host, id);
    if (g.powerState === POWER_STATE.RUNNING) return;
    if (g.powerState !== POWER_STATE.SHUTDOWN && g.powerState !== POWER_STATE.CRASHED) {
      throw new HypervisorError(`Cannot powerOn guest ${id} in power state ${g.powerState}.`);
    }
    g.powerState = POWER_STATE.RUNNING;
    this.boot(g);
  }

  async powerOff(host: string, id: string): Promise<void> {
    this.enter('powerOff', host, id);
    const g = this.guest(host, id);
    if (g.powerState !== POWER_STATE.SHUTDOWN) this.log(g, '[stratus] reached target Power-Off');
    g.powerState = POWER_STATE.SHUTDOWN;
  }

  async reboot(host: string, id: string, kind: 'SOFT' | 'HARD'): Promise<void> {
    this.enter('reboot', host, id);
    const g = this.guest(host, id);
    if (kind === 'SOFT' && g.powerState !== POWER_STATE.RUNNING) throw new HypervisorError(`Cannot soft reboot guest ${id}: it is not running.`);
    g.powerState = POWER_STATE.RUNNING;
    this.log(g, `[stratus] ${kind.toLowerCase()} reboot`);
    this.boot(g);
  }

  async pause(host: string, id: string) { this.transition('pause', host, id, [POWER_STATE.RUNNING], POWER_STATE.PAUSED); }
  async unpause(host: string, id: string) { this.transition('unpause', host, id, [POWER_STATE.PAUSED], POWER_STATE.RUNNING); }
  async suspend(host: string, id: string) { this.transition('suspend', host, id, [POWER_STATE.RUNNING], POWER_STATE.SUSPENDED); }
  async resume(host: string, id: string) { this.transition('resume', host, id, [POWER_STATE.SUSPENDED], POWER_STATE.RUNNING); }

  async powerState(host: string, id: string): Promise<PowerState> {
    this.enter('powerState', host, id);
    return this.guest(host, id).powerState;
  }

  async snapshot(host: string, id: string, path: string): Promise<{ size: number; diskFormat: 'qcow2' | 'raw' }> {
    this.enter('snapshot', host, id);
    const g = this.guest(host, id);
    if (g.spec.imagePath && existsSync(g.spec.imagePath)) {
      await copyFile(g.spec.imagePath, path);
    } else {
      // NOTE: a qcow2 header (magic, version 3, virtual size = root disk) so tools see a disk.
      const header = Buffer.alloc(512);
      header.write('QFI\xfb', 0, 'latin1');
      header.writeUInt32BE(3, 4);
      header.writeBigUInt64BE(BigInt(Math.max(1, g.spec.rootGb)) * 1024n ** 3n, 24);
      await writeFile(path, header);
    }
    this.log(g, '[stratus] snapshot taken');
    return { size: (await stat(path)).size, diskFormat: 'qcow2' };
  }

  async getConsoleOutput(host: string, id: string, tailLines?: number): Promise<string> {
    this.enter('getConsoleOutput', host, id);
    const lines = this.guest(host, id).console;
    const shown = tailLines !== undefined && tailLines >= 0 ? lines.slice(Math.max(0, lines.length - tailLines)) : lines;
    return shown.map((l) => `${l}\n`).join('');
  }

  /** The numbers Nova's fake driver reports (get_instance_diagnostics), with the guest's own shape. */
  async diagnostics(host: string, id: string): Promise<GuestDiagnostics> {
    this.enter('diagnostics', host, id);
    const g = this.guest(host, id);
    const state = ({ [POWER_STATE.RUNNING]: 'running', [POWER_STATE.PAUSED]: 'paused', [POWER_STATE.SHUTDOWN]: 'shutdown',
      [POWER_STATE.CRASHED]: 'crashed', [POWER_STATE.SUSPENDED]: 'suspended' } as Record<number, GuestDiagnostics['state']>)[g.powerState] ?? 'pending';
    return {
      // NOTE: Nova's Diagnostics knows only real drivers' names; its fake driver says libvirt too.
      state, driver: 'libvirt', hypervisor: 'fake', hypervisorOs: 'linux', uptime: 46664, configDrive: g.spec.configDrive,
      cpus: Array.from({ length: g.spec.vcpus }, (_, i) => ({ id: i, time: 17300000000, utilisation: 15 })),
      nics: g.spec.nics.map((n) => ({ macAddress: n.macAddress, rxOctets: 2070139, rxErrors: 100, rxDrop: 200, rxPackets: 26701, rxRate: 300,
        txOctets: 140208, txErrors: 400, txDrop: 500, txPackets: 662, txRate: 600 })),
      disks: [{ readBytes: 262144, readRequests: 112, writeBytes: 5778432, writeRequests: 488, errorsCount: 1 }],
      memory: { maximum: g.spec.memoryMb, used: 0 },
    };
  }

  async attachVolume(host: string, id: string, device: string, source: string, qos?: VolumeQos): Promise<void> {
    this.enter('attachVolume', host, id);
    const g = this.guest(host, id);
    if (g.volumes.has(device)) throw new HypervisorError(`Device ${device} is already in use on guest ${id}.`);
    g.volumes.set(device, source);
    if (qos && Object.keys(qos).length) g.qos.set(device, { ...qos });
  }

  async detachVolume(host: string, id: string, device: string): Promise<void> {
    this.enter('detachVolume', host, id);
    const g = this.guest(host, id);
    g.volumes.delete(device);
    g.qos.delete(device);
  }

  async attachInterface(host: string, id: string, nic: GuestNic): Promise<void> {
    this.enter('attachInterface', host, id);
    const g = this.guest(host, id);
    const same = g.spec.nics.find((n) => n.portId === nic.portId);
    if (same && same.macAddress !== nic.macAddress) throw new HypervisorError(`Guest ${id} already has a NIC for port ${nic.portId} with MAC ${same.macAddress}.`);
    if (same) return;
    g.spec.nics.push({ portId: nic.portId, macAddress: nic.macAddress });
    this.log(g, `[stratus] virtio_net: eth${g.spec.nics.length - 1} ${nic.macAddress} plugged`);
  }

  async detachInterface(host: string, id: string, portId: string): Promise<void> {
    this.enter('detachInterface', host, id);
    const g = this.guest(host, id);
    g.spec.nics = g.spec.nics.filter((n) => n.portId !== portId);
  }

  private holdLive = false;
  private readonly liveInProgress = new Map<string, { finish: () => void; abort: () => void }>();

  /**
   * For tests: while held, live migrations stay in progress until force-completed, aborted or
   * released (`holdLiveMigrations(false)` finishes those in progress).
   */
  holdLiveMigrations(on = true): void {
    this.holdLive = on;
    if (!on) for (const m of this.liveInProgress.values()) m.finish();
  }

  async migrate(host: string, id: string, dest: string, opts: { live: boolean }): Promise<void> {
    this.enter(opts.live ? 'liveMigrate' : 'migrate', host, id);
    if (!this.hostNames.includes(dest)) throw new HypervisorError(`Compute host ${dest} could not be found.`);
    if (dest === host) throw new HypervisorError(`Unable to migrate instance (${id}) to current host (${host}).`);
    const g = this.guest(host, id);
    if (opts.live && this.holdLive) {
      try {
        await new Promise<void>((finish, reject) => this.liveInProgress.set(id, { finish, abort: () => reject(new MigrationAborted(id)) }));
      } finally { this.liveInProgress.delete(id); }
    }
    g.spec.host = dest;
    this.log(g, `[stratus] ${opts.live ? 'live-migrated' : 'migrated'} from ${host} to ${dest}`);
    if (!opts.live && g.powerState === POWER_STATE.RUNNING) this.boot(g);
  }

  private inProgress(op: string, host: string, id: string): { finish: () => void; abort: () => void } {
    this.enter(op, host, id);
    const m = this.liveInProgress.get(id);
    if (!m || this.guest(host, id).spec.host !== host) throw new HypervisorError(`No live migration of instance ${id} is in progress on ${host}.`);
    return m;
  }

  async forceCompleteMigration(host: string, id: string): Promise<void> { this.inProgress('forceCompleteMigration', host, id).finish(); }

  async abortMigration(host: string, id: string): Promise<void> { this.inProgress('abortMigration', host, id).abort(); }

  /**
   * NOTE: the fake keeps no disk content (its guests read nothing), so nothing is copied: the
   * device only names the new source from now on, as it would once a real copy had finished.
   */
  async swapVolume(host: string, id: string, device: string, newSource: string): Promise<void> {
    this.enter('swapVolume', host, id);
    const g = this.guest(host, id);
    if (!g.volumes.has(device)) throw new HypervisorError(`Guest ${id} has no volume at ${device}.`);
    g.volumes.set(device, newSource);
  }

  /** The spec a guest was spawned with, for tests. */
  specOf(id: string): GuestSpec | undefined { return this.guests.get(id)?.spec; }

  /** The NICs a guest has (those it was spawned with and those attached since), for tests. */
  nicsOf(id: string): GuestNic[] { return structuredClone(this.guests.get(id)?.spec.nics ?? []); }

  /** The volumes attached to a guest (device → source), for tests. */
  volumesOf(id: string): Record<string, string> { return Object.fromEntries(this.guests.get(id)?.volumes ?? []); }
  /** The I/O limits the guest's attached volumes were given (device → limits), for tests. */
  volumeQosOf(id: string): Record<string, VolumeQos> { return Object.fromEntries(this.guests.get(id)?.qos ?? []); }

  async close(): Promise<void> {}
}
