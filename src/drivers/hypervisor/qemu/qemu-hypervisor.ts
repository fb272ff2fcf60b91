// The QEMU hypervisor driver: one qemu-system-x86_64 process per guest, run directly (no
// libvirt), daemonised, controlled over QMP. A guest is a directory under the state dir named by
// its UUID: guest.json (its definition), disk (the root overlay), disk.eph0/disk.swap,
// disk.config, console.log, and the pid, qmp.sock, serial.sock and vnc.sock of its process. The
// directory is the guest: a stopped guest keeps it, destroy removes it, and guests keep running
// when Stratus stops (the next start finds them by their pid files).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, statfs, writeFile } from 'node:fs/promises';
import { cpus, hostname as osHostname, totalmem } from 'node:os';
import { join } from 'node:path';
import { CommandError, runCommand } from '../../host/run-command.js';
import {
  type GuestDiagnostics, type GuestFlavor, type GuestInfo, GuestNotFound, type GuestSpec, type HostInventory, HypervisorError, type HypervisorDriver,
  type GuestLifecycleEvent, type GuestNic, POWER_STATE, type PowerState, type VolumeQos,
} from '../hypervisor-driver.js';
import { type Accel, type GuestDefinition, type GuestVolume, type NicMode, nicDevice, nicNetdev, qemuArgs, tapName, throttleArgs, volumeBlockdev, volumeDeviceId, volumeNode } from './command-line.js';
import { cachedBase, copyInto, createBlank, createConfigDrive, createOverlay, diskFormat, flatten, growDisk, virtualSize } from './disks.js';
import { QmpClient } from './qmp.js';

export interface QemuHypervisorOptions {
  /** Where guests live (DATA_DIR/instances). */
  stateDir: string;
  /** kvm, tcg, or auto: KVM only when a probe start with -accel kvm works (see chooseAccel). */
  accel?: 'auto' | Accel;
  qemuBinary?: string;
  /** tap: each NIC opens the network driver's tap (tap + port id); user: QEMU's own NAT (no root). */
  nicMode?: NicMode;
  hostname?: string;
  hostIp?: string;
  /** How long a resize or rescue waits for a clean shutdown before pulling the plug (Nova's shutdown_timeout: 60 s). */
  shutdownTimeoutSeconds?: number;
  /** How long a soft reboot waits for the guest to power itself off before a hard one (Nova: 120 s). */
  softRebootSeconds?: number;
  /** How long a detach waits for the guest to release the device (Nova retries for about 40 s). */
  detachSeconds?: number;
  /** How long a volume swap may copy before it is given up (default an hour). */
  swapSeconds?: number;
  /** How often guests' processes are checked, for lifecycle events (ms). */
  watchIntervalMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

const STATUS_POWER: Record<string, PowerState> = {
  running: POWER_STATE.RUNNING, paused: POWER_STATE.PAUSED, suspended: POWER_STATE.PAUSED, shutdown: POWER_STATE.SHUTDOWN,
  'guest-panicked': POWER_STATE.CRASHED, 'internal-error': POWER_STATE.CRASHED, 'io-error': POWER_STATE.PAUSED,
  inmigrate: POWER_STATE.PAUSED, postmigrate: POWER_STATE.PAUSED, prelaunch: POWER_STATE.PAUSED, 'finish-migrate': POWER_STATE.PAUSED,
  'restore-vm': POWER_STATE.PAUSED, 'save-vm': POWER_STATE.PAUSED, debug: POWER_STATE.PAUSED, watchdog: POWER_STATE.PAUSED,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Which accelerator `auto` means: KVM only if /dev/kvm is there and QEMU really starts a guest with
 * it. /dev/kvm alone is not enough: under a nested kvm_pvm host QEMU aborts on `-cpu host` ("failed
 * to set MSR"), so a probe start of a few seconds decides.
 */
export async function chooseAccel(qemu: string, wanted: 'auto' | Accel = 'auto'): Promise<{ accel: Accel; why: string }> {
  if (wanted !== 'auto') return { accel: wanted, why: 'configured' };
  if (!existsSync('/dev/kvm')) return { accel: 'tcg', why: '/dev/kvm is absent' };
  try {
    await runCommand(qemu, ['-accel', 'kvm', '-cpu', 'host', '-machine', 'pc', '-m', '64', '-nodefaults', '-display', 'none', '-S',
      '-qmp', 'stdio'], { input: '{"execute":"qmp_capabilities"}\n{"execute":"cont"}\n', timeoutMs: 4000 });
    // NOTE: QEMU quit on its own with a zero status after reading stdin's end; a KVM that works
    // keeps running, so reaching here means it ran and exited cleanly.
    return { accel: 'kvm', why: 'a probe start with KVM worked' };
  } catch (err) {
    const e = err as CommandError;
    if (e.exitCode === null && !/abort|failed|error/i.test(e.stderr)) return { accel: 'kvm', why: 'a probe start with KVM kept running' };
    return { accel: 'tcg', why: `a probe start with KVM failed: ${e.stderr.trim().split('\n').slice(-1)[0] ?? e.message}` };
  }
}

/** QEMU's version as libvirt reports it to Nova: major * 1,000,000 + minor * 1,000 + micro. */
function qemuVersion(qemu: string): Promise<number> {
  return runCommand(qemu, ['--version']).then((out) => {
    const m = /version (\d+)\.(\d+)\.(\d+)/.exec(out);
    return m ? Number(m[1]) * 1_000_000 + Number(m[2]) * 1000 + Number(m[3]) : 0;
  });
}

export class QemuHypervisorDriver implements HypervisorDriver {
  readonly name = 'qemu';
  private readonly qemu: string;
  private readonly host: string;
  private readonly nicMode: NicMode;
  private readonly qmps = new Map<string, QmpClient>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<(e: GuestLifecycleEvent) => void>();
  private readonly known = new Map<string, PowerState>();
  private watcher: NodeJS.Timeout | undefined;
  private version = 0;

  private constructor(private readonly opts: QemuHypervisorOptions, readonly accel: Accel, readonly accelReason: string) {
    this.qemu = opts.qemuBinary ?? '/usr/bin/qemu-system-x86_64';
    this.host = opts.hostname ?? osHostname();
    this.nicMode = opts.nicMode ?? 'tap';
  }

  static async create(opts: QemuHypervisorOptions): Promise<QemuHypervisorDriver> {
    const qemu = opts.qemuBinary ?? '/usr/bin/qemu-system-x86_64';
    if (!existsSync(qemu)) throw new HypervisorError(`${qemu} is not installed (apt-get install qemu-system-x86)`);
    const { accel, why } = await chooseAccel(qemu, opts.accel);
    const d = new QemuHypervisorDriver(opts, accel, why);
    d.version = await qemuVersion(qemu);
    await mkdir(opts.stateDir, { recursive: true });
    opts.log?.(`QEMU guests run with ${accel} (${why})`, { accel });
    return d;
  }

  hosts(): string[] { return [this.host]; }

  async hostInventory(host: string): Promise<HostInventory> {
    this.checkHost(host);
    const fs = await statfs(this.opts.stateDir);
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
    const vendor = /^vendor_id\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
    const n = cpus().length;
    return {
      host, vcpus: n, memoryMb: Math.floor(totalmem() / 2 ** 20), diskGb: Math.floor((fs.blocks * fs.bsize) / 2 ** 30),
      hypervisorType: 'QEMU', hypervisorVersion: this.version, hostIp: this.opts.hostIp ?? '127.0.0.1',
      cpuInfo: { arch: 'x86_64', model, vendor, topology: { cores: n, threads: 1, sockets: 1 }, features: [] },
    };
  }

  async listGuests(host: string): Promise<GuestInfo[]> {
    this.checkHost(host);
    const out: GuestInfo[] = [];
    for (const id of await this.guestIds()) {
      const def = await this.definition(id).catch(() => undefined);
      if (!def) continue;
      out.push({ id, host, powerState: await this.state(id), vcpus: def.vcpus, memoryMb: def.memoryMb, nics: def.nics.map((n) => ({ ...n })) });
    }
    return out;
  }

  spawn(spec: GuestSpec): Promise<void> {
    this.checkHost(spec.host);
    return this.serial(spec.id, async () => {
      const dir = this.dir(spec.id);
      if (existsSync(join(dir, 'guest.json'))) throw new HypervisorError(`Guest ${spec.id} already exists on host ${spec.host}.`);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      try {
        const def = await this.prepareDisks(spec, dir);
        await this.writeDefinition(def);
        await this.start(def);
      } catch (err) {
        await this.kill(spec.id).catch(() => {});
        await rm(dir, { recursive: true, force: true });
        throw err instanceof HypervisorError ? err : new HypervisorError(`Guest ${spec.id} failed to start: ${(err as Error).message}`);
      }
    });
  }

  private async prepareDisks(spec: GuestSpec, dir: string): Promise<GuestDefinition> {
    let root: GuestDefinition['root'];
    if (spec.imagePath && spec.rootVolume) {
      root = { path: spec.imagePath, format: await diskFormat(spec.imagePath) };
    } else {
      const disk = join(dir, 'disk');
      if (spec.imagePath) await createOverlay(disk, await cachedBase(join(this.opts.stateDir, '_base'), spec.imageId, spec.imagePath), spec.rootGb);
      else await createBlank(disk, Math.max(1, spec.rootGb) * 2 ** 30);
      root = { path: disk, format: 'qcow2' };
    }
    const extraDisks: GuestDefinition['extraDisks'] = [];
    if (spec.ephemeralGb > 0) { await createBlank(join(dir, 'disk.eph0'), spec.ephemeralGb * 2 ** 30); extraDisks.push({ path: join(dir, 'disk.eph0'), format: 'qcow2' }); }
    if (spec.swapMb > 0) { await createBlank(join(dir, 'disk.swap'), spec.swapMb * 2 ** 20); extraDisks.push({ path: join(dir, 'disk.swap'), format: 'qcow2' }); }
    let configDrive: string | null = null;
    if (spec.configDrive && spec.configDriveFiles) {
      configDrive = join(dir, 'disk.config');
      await createConfigDrive(configDrive, spec.configDriveFiles);
    }
    return {
      id: spec.id, name: spec.name, vcpus: spec.vcpus, memoryMb: spec.memoryMb, root, extraDisks, configDrive,
      nics: spec.nics.map((n) => ({ portId: n.portId, macAddress: n.macAddress })), volumes: [],
    };
  }

  destroy(host: string, id: string): Promise<void> {
    this.checkHost(host);
    return this.serial(id, async () => {
      await this.kill(id);
      await rm(this.dir(id), { recursive: true, force: true });
      this.known.delete(id);
    });
  }

  powerOn(host: string, id: string): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      const s = await this.state(id);
      if (s === POWER_STATE.RUNNING) return;
      if (s === POWER_STATE.SUSPENDED) throw new HypervisorError(`Guest ${id} is suspended: resume it instead.`);
      if (s === POWER_STATE.SHUTDOWN || s === POWER_STATE.CRASHED) { await this.kill(id); await this.start(def); return; }
      throw new HypervisorError(`Guest ${id} cannot be powered on while it is ${stateName(s)}.`);
    });
  }

  powerOff(host: string, id: string, timeoutSeconds = 60): Promise<void> {
    return this.guestCall(host, id, () => this.shutdown(id, timeoutSeconds));
  }

  reboot(host: string, id: string, kind: 'SOFT' | 'HARD'): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      const s = await this.state(id);
      if (kind === 'SOFT' && s !== POWER_STATE.RUNNING) throw new HypervisorError(`Guest ${id} cannot be soft rebooted while it is ${stateName(s)}.`);
      // NOTE: Nova's libvirt driver: soft is an ACPI shutdown, then a fresh start; a guest that does
      // not shut down in time gets the hard one (the plug pulled) instead.
      await this.shutdown(id, kind === 'SOFT' ? (this.opts.softRebootSeconds ?? 120) : 0);
      await this.start(def);
    });
  }

  pause(host: string, id: string): Promise<void> {
    return this.guestCall(host, id, async () => {
      const s = await this.state(id);
      if (s === POWER_STATE.PAUSED) return;
      if (s !== POWER_STATE.RUNNING) throw new HypervisorError(`Guest ${id} cannot be paused while it is ${stateName(s)}.`);
      await (await this.qmp(id)).execute('stop');
    });
  }

  unpause(host: string, id: string): Promise<void> {
    return this.guestCall(host, id, async () => {
      const s = await this.state(id);
      if (s === POWER_STATE.RUNNING) return;
      if (s !== POWER_STATE.PAUSED) throw new HypervisorError(`Guest ${id} cannot be unpaused while it is ${stateName(s)}.`);
      await (await this.qmp(id)).execute('cont');
    });
  }

  /** Nova's libvirt managed save: the guest's memory and devices go to a file, the process ends. */
  suspend(host: string, id: string): Promise<void> {
    return this.guestCall(host, id, async () => {
      const s = await this.state(id);
      if (s === POWER_STATE.SUSPENDED) return;
      if (s !== POWER_STATE.RUNNING) throw new HypervisorError(`Guest ${id} cannot be suspended while it is ${stateName(s)}.`);
      const q = await this.qmp(id);
      const part = join(this.dir(id), 'state.part');
      await q.execute('stop');
      await q.execute('migrate', { uri: `exec:cat > ${shellQuote(part)}` });
      for (const end = Date.now() + 300_000; ;) {
        const m = await q.execute<{ status: string; 'error-desc'?: string }>('query-migrate');
        if (m.status === 'completed') break;
        if (m.status === 'failed' || m.status === 'cancelled') { await q.execute('cont'); throw new HypervisorError(`Guest ${id} could not be suspended: ${m['error-desc'] ?? m.status}`); }
        if (Date.now() > end) throw new HypervisorError(`Guest ${id} could not be suspended in time.`);
        await sleep(50);
      }
      await this.kill(id);
      await rename(part, join(this.dir(id), 'state'));
    });
  }

  resume(host: string, id: string): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      const saved = join(this.dir(id), 'state');
      if ((await this.state(id)) !== POWER_STATE.SUSPENDED) throw new HypervisorError(`Guest ${id} is not suspended.`);
      await this.start(def, `exec:cat ${shellQuote(saved)}`);
      const q = await this.qmp(id);
      for (const end = Date.now() + 300_000; ;) {
        const st = await q.execute<{ status: string }>('query-status');
        if (st.status === 'running') break;
        if (st.status === 'paused' || st.status === 'postmigrate') { await q.execute('cont').catch(() => {}); }
        if (Date.now() > end) throw new HypervisorError(`Guest ${id} could not be resumed in time.`);
        await sleep(50);
      }
      await rm(saved, { force: true });
    });
  }

  async powerState(host: string, id: string): Promise<PowerState> {
    this.checkHost(host);
    await this.definition(id);
    return this.state(id);
  }

  /**
   * Nova's cold resize on one host: a clean shutdown, the root disk kept (a copy of the overlay for
   * a revert) and grown to the new flavor's size, the guest started with the new CPUs and memory.
   */
  resize(host: string, id: string, flavor: GuestFlavor): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      const dir = this.dir(id);
      await this.shutdown(id, this.opts.shutdownTimeoutSeconds ?? 60);
      if (!existsSync(join(dir, 'resize-backup.json'))) {
        await writeFile(join(dir, 'resize-backup.json'), JSON.stringify(def));
        if (def.root.path === join(dir, 'disk')) await copyFile(def.root.path, join(dir, 'disk.resize-backup'));
      }
      if (def.root.path === join(dir, 'disk')) await growDisk(def.root.path, flavor.rootGb);
      const next = { ...def, vcpus: flavor.vcpus, memoryMb: flavor.memoryMb };
      await this.writeDefinition(next);
      await this.start(next);
    });
  }

  confirmResize(host: string, id: string): Promise<void> {
    return this.guestCall(host, id, async () => {
      await rm(join(this.dir(id), 'disk.resize-backup'), { force: true });
      await rm(join(this.dir(id), 'resize-backup.json'), { force: true });
    });
  }

  revertResize(host: string, id: string, flavor: GuestFlavor): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      const dir = this.dir(id);
      await this.shutdown(id, this.opts.shutdownTimeoutSeconds ?? 60);
      const saved = await readFile(join(dir, 'resize-backup.json'), 'utf8').then((t) => JSON.parse(t) as GuestDefinition).catch(() => undefined);
      if (saved && existsSync(join(dir, 'disk.resize-backup'))) await rename(join(dir, 'disk.resize-backup'), join(dir, 'disk'));
      // NOTE: volumes attached since the resize stay; the flavor is the one the service names.
      const next = { ...(saved ?? def), volumes: def.volumes, vcpus: flavor.vcpus, memoryMb: flavor.memoryMb };
      await this.writeDefinition(next);
      await rm(join(dir, 'resize-backup.json'), { force: true });
      await this.start(next);
    });
  }

  /** Boots the rescue image (the guest's own image when none is given) with the root disk as vdb. */
  rescue(host: string, id: string, rescueImagePath: string | null, rescueImageId: string | null): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      const dir = this.dir(id);
      await this.shutdown(id, this.opts.shutdownTimeoutSeconds ?? 60);
      const rescueDisk = join(dir, 'disk.rescue');
      await rm(rescueDisk, { force: true });
      if (rescueImagePath) await createOverlay(rescueDisk, await cachedBase(join(this.opts.stateDir, '_base'), rescueImageId, rescueImagePath), 0);
      else await createBlank(rescueDisk, 2 ** 30);
      const next = { ...def, rescue: { path: rescueDisk, format: 'qcow2' as const } };
      await this.writeDefinition(next);
      await this.start(next);
    });
  }

  unrescue(host: string, id: string): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      await this.shutdown(id, 0);
      const next = { ...def, rescue: null };
      await this.writeDefinition(next);
      await rm(join(this.dir(id), 'disk.rescue'), { force: true });
      await this.start(next);
    });
  }

  snapshot(host: string, id: string, path: string): Promise<{ size: number; diskFormat: 'qcow2' | 'raw' }> {
    return this.guestCall(host, id, async (def) => {
      // NOTE: a consistent copy: the guest is paused while its disk is read, as Nova's cold
      // snapshot does (about 2 s for a small guest).
      const running = (await this.state(id)) === POWER_STATE.RUNNING;
      if (running) await (await this.qmp(id)).execute('stop');
      try {
        return { size: await flatten(def.root.path, path), diskFormat: 'qcow2' as const };
      } finally {
        if (running) await (await this.qmp(id)).execute('cont').catch(() => {});
      }
    });
  }

  async getConsoleOutput(host: string, id: string, tailLines?: number): Promise<string> {
    this.checkHost(host);
    await this.definition(id);
    const text = await readFile(join(this.dir(id), 'console.log'), 'utf8').catch(() => '');
    if (tailLines === undefined) return text;
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return tailLines <= 0 ? '' : lines.slice(-tailLines).join('\n') + (lines.length ? '\n' : '');
  }

  async diagnostics(host: string, id: string): Promise<GuestDiagnostics> {
    const def = await this.definitionOn(host, id);
    const s = await this.state(id);
    const stateNames: Record<number, GuestDiagnostics['state']> = { 1: 'running', 3: 'paused', 4: 'shutdown', 6: 'crashed', 7: 'suspended' };
    const base: GuestDiagnostics = {
      state: stateNames[s] ?? 'pending', driver: 'qemu', hypervisor: 'qemu', hypervisorOs: 'linux', uptime: 0, configDrive: def.configDrive !== null,
      cpus: [], nics: [], disks: [], memory: { maximum: def.memoryMb, used: 0 },
    };
    if (!this.alive(id)) return base;
    const q = await this.qmp(id);
    base.uptime = this.startTime(id);
    const vcpus = await q.execute<{ 'cpu-index': number; 'thread-id': number }[]>('query-cpus-fast');
    base.cpus = vcpus.map((c) => ({ id: c['cpu-index'], time: threadCpuNs(this.pid(id)!, c['thread-id']), utilisation: null }));
    const blocks = await q.execute<{ device: string; qdev?: string; stats: Record<string, number> }[]>('query-blockstats');
    base.disks = blocks.filter((b) => b.stats).map((b) => ({
      readBytes: b.stats.rd_bytes ?? 0, readRequests: b.stats.rd_operations ?? 0, writeBytes: b.stats.wr_bytes ?? 0,
      writeRequests: b.stats.wr_operations ?? 0, errorsCount: (b.stats.failed_rd_operations ?? 0) + (b.stats.failed_wr_operations ?? 0),
    }));
    base.nics = await Promise.all(def.nics.map((n) => this.nicCounters(n)));
    const balloon = await q.execute<{ actual: number }>('query-balloon').catch(() => undefined);
    base.memory.used = balloon ? Math.round(balloon.actual / 2 ** 20) : def.memoryMb;
    return base;
  }

  /**
   * A NIC's counters as libvirt gives Nova's diagnostics: its tap's, seen from the guest (what the
   * tap received is what the guest sent). User NAT has no host device to count: zeros.
   */
  private async nicCounters(n: GuestNic): Promise<GuestDiagnostics['nics'][number]> {
    const stat = async (name: string) => {
      if (this.nicMode !== 'tap') return 0;
      return Number((await readFile(`/sys/class/net/${tapName(n.portId)}/statistics/${name}`, 'utf8').catch(() => '0')).trim()) || 0;
    };
    const [rxOctets, rxPackets, rxErrors, rxDrop, txOctets, txPackets, txErrors, txDrop] = await Promise.all(
      ['tx_bytes', 'tx_packets', 'tx_errors', 'tx_dropped', 'rx_bytes', 'rx_packets', 'rx_errors', 'rx_dropped'].map(stat));
    return { macAddress: n.macAddress, rxOctets: rxOctets!, rxErrors: rxErrors!, rxDrop: rxDrop!, rxPackets: rxPackets!, rxRate: null,
      txOctets: txOctets!, txErrors: txErrors!, txDrop: txDrop!, txPackets: txPackets!, txRate: null };
  }

  attachVolume(host: string, id: string, device: string, source: string, qos?: VolumeQos): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      if (def.volumes.some((v) => v.device === device)) {
        if (def.volumes.find((v) => v.device === device)!.path === source) return;
        throw new HypervisorError(`Guest ${id} already has a volume at ${device}.`);
      }
      const limits = qos && Object.keys(qos).length ? { ...qos } : undefined;
      // NOTE: checked before anything is plugged, so that limits QEMU refuses fail the attach cleanly.
      const throttle = limits ? throttleArgs(device, limits) : undefined;
      const vol: GuestVolume = { device, path: source, format: await diskFormat(source).catch(() => { throw new HypervisorError(`Volume file ${source} cannot be read.`); }), ...(limits ? { qos: limits } : {}) };
      if (this.alive(id)) {
        const q = await this.qmp(id);
        await q.execute('blockdev-add', volumeBlockdev(vol));
        try {
          await q.execute('device_add', { driver: 'virtio-blk-pci', id: volumeDeviceId(device), drive: volumeNode(vol) });
        } catch (err) {
          await q.execute('blockdev-del', { 'node-name': volumeNode(vol) }).catch(() => {});
          throw new HypervisorError(`Volume could not be attached to guest ${id}: ${(err as Error).message}`);
        }
        if (throttle) {
          try {
            await q.execute('block_set_io_throttle', throttle);
          } catch (err) {
            // NOTE: no volume without its limits: unplugged again (the guest may take a moment to release it).
            const deleted = q.waitEvent('DEVICE_DELETED', (this.opts.detachSeconds ?? 40) * 1000, (e) => e.data?.device === volumeDeviceId(device));
            await q.execute('device_del', { id: volumeDeviceId(device) }).then(() => deleted, () => deleted.catch(() => {})).catch(() => {});
            await q.execute('blockdev-del', { 'node-name': volumeNode(vol) }).catch(() => {});
            throw new HypervisorError(`Volume QoS limits could not be set on guest ${id}: ${(err as Error).message}`);
          }
        }
      }
      await this.writeDefinition({ ...def, volumes: [...def.volumes, vol] });
    });
  }

  detachVolume(host: string, id: string, device: string): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      const vol = def.volumes.find((v) => v.device === device);
      if (!vol) return;
      if (this.alive(id)) {
        const q = await this.qmp(id);
        await this.unplug(q, volumeDeviceId(device), device);
        await q.execute('blockdev-del', { 'node-name': volumeNode(vol) }).catch(() => {});
      }
      await this.writeDefinition({ ...def, volumes: def.volumes.filter((v) => v.device !== device) });
    });
  }

  /**
   * Nova's libvirt attach_interface: a virtio NIC with the port's MAC on the port's tap (or user
   * NAT), hot-plugged over QMP (netdev_add, then device_add) when the guest runs, and saved in
   * its definition for every later start.
   */
  attachInterface(host: string, id: string, nic: GuestNic): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      const same = def.nics.find((n) => n.portId === nic.portId);
      if (same && same.macAddress !== nic.macAddress) throw new HypervisorError(`Guest ${id} already has a NIC for port ${nic.portId} with MAC ${same.macAddress}.`);
      if (same) return;
      if (this.alive(id)) {
        const q = await this.qmp(id);
        const failed = (err: Error) => new HypervisorError(`Interface ${nic.portId} could not be attached to guest ${id}: ${err.message}`);
        // NOTE: a resumed attach may find the NIC plugged before a crash kept it from the definition.
        if (!(await this.pluggedNic(q, nic.portId))) {
          const netdev = nicNetdev(nic, this.nicMode);
          await q.execute('netdev_add', netdev).catch((err: Error) => { if (!/duplicate/i.test(err.message)) throw failed(err); });
          try {
            await q.execute('device_add', nicDevice(nic, this.nicMode));
          } catch (err) {
            await q.execute('netdev_del', { id: netdev.id }).catch(() => {});
            throw failed(err as Error);
          }
        }
      }
      await this.writeDefinition({ ...def, nics: [...def.nics, { portId: nic.portId, macAddress: nic.macAddress }] });
    });
  }

  /** Nova's libvirt detach_interface: device_del, the guest's release (DEVICE_DELETED) awaited, then netdev_del. */
  detachInterface(host: string, id: string, portId: string): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      const nic = def.nics.find((n) => n.portId === portId);
      if (!nic) return;
      if (this.alive(id)) {
        const q = await this.qmp(id);
        const plugged = await this.pluggedNic(q, portId, def.nics.indexOf(nic));
        if (plugged) {
          await this.unplug(q, plugged.device, `interface ${portId}`);
          await q.execute('netdev_del', { id: plugged.netdev }).catch(() => {});
        }
      }
      await this.writeDefinition({ ...def, nics: def.nics.filter((n) => n.portId !== portId) });
    });
  }

  /**
   * The QMP ids of a port's NIC in a running guest: nic-<port>/net-<port>, or, for a guest started
   * before NICs were named by port, nic<i>/net<i> by its place in the definition.
   */
  private async pluggedNic(q: QmpClient, portId: string, index = -1): Promise<{ device: string; netdev: string } | undefined> {
    const devices = new Set((await q.execute<{ name: string }[]>('qom-list', { path: '/machine/peripheral' })).map((p) => p.name));
    const mine = nicDevice({ portId, macAddress: '' }, this.nicMode);
    if (devices.has(mine.id)) return { device: mine.id, netdev: mine.netdev };
    if (index >= 0 && devices.has(`nic${index}`)) return { device: `nic${index}`, netdev: `net${index}` };
    return undefined;
  }

  /** device_del of a hot-pluggable device, waiting until the guest has released it (DEVICE_DELETED). */
  private async unplug(q: QmpClient, deviceId: string, what: string): Promise<void> {
    const deleted = q.waitEvent('DEVICE_DELETED', (this.opts.detachSeconds ?? 40) * 1000, (e) => e.data?.device === deviceId);
    try {
      await q.execute('device_del', { id: deviceId });
      await deleted;
    } catch (err) {
      deleted.catch(() => {});
      if (!/not found/i.test((err as Error).message)) throw new HypervisorError(`Device detach failed for ${what}: the guest did not release it (${(err as Error).message}).`);
    }
  }

  /**
   * A running guest's disk moves with QEMU's blockdev-mirror (what libvirt's blockCopy does for
   * Nova): the new file opened as a block node of its own, a full copy of the old node into it
   * while the guest keeps writing (writes go to both once the job is READY), then
   * block-job-complete pivots the device onto the new node and the old node is closed. A guest
   * that is not running gets a copy made with qemu-img and the new file at its next start.
   */
  swapVolume(host: string, id: string, device: string, newSource: string): Promise<void> {
    return this.guestCall(host, id, async (def) => {
      const old = def.volumes.find((v) => v.device === device);
      if (!old) throw new HypervisorError(`Guest ${id} has no volume at ${device}.`);
      if (old.path === newSource) return;
      const format = await diskFormat(newSource).catch(() => { throw new HypervisorError(`Volume file ${newSource} cannot be read.`); });
      // NOTE: a node name of its own: the old node is the mirror's source until the pivot.
      // NOTE: the limits stay with the device (QEMU keeps them on the device's BlockBackend across the pivot).
      const next: GuestVolume = { device, path: newSource, format, node: `${volumeDeviceId(device)}-${randomBytes(4).toString('hex')}`, ...(old.qos ? { qos: old.qos } : {}) };
      const failed = (err: Error) => new HypervisorError(`Volume swap failed for ${device} on guest ${id}: ${err.message}`);
      const newSize = await virtualSize(newSource).catch((err: Error) => { throw failed(err); });
      if (this.alive(id)) {
        const q = await this.qmp(id);
        const job = `swap-${next.node}`;
        const nodes = await q.execute<{ 'node-name': string; image: { 'virtual-size': number } }[]>('query-named-block-nodes', { flat: true });
        const oldSize = nodes.find((n) => n['node-name'] === volumeNode(old))?.image['virtual-size'];
        if (oldSize === undefined) throw new HypervisorError(`Guest ${id} has no block node for ${device}.`);
        if (newSize < oldSize) throw failed(new Error('the new volume is smaller than the old one'));
        // NOTE: the mirror wants a target of the source's size: a larger new volume is opened as a
        // raw window of the old size over it until the guest's next start opens it whole.
        const file = { driver: 'file', filename: newSource };
        const target = newSize === oldSize ? volumeBlockdev(next)
          : { driver: 'raw', 'node-name': next.node, size: oldSize, file: format === 'raw' ? file : { driver: format, file } };
        const timeoutMs = (this.opts.swapSeconds ?? 3600) * 1000;
        const ofJob = (e: { data?: Record<string, unknown> }) => e.data?.device === job || e.data?.id === job;
        await q.execute('blockdev-add', target).catch((err: Error) => { throw failed(err); });
        try {
          const ready = q.waitEvent(['BLOCK_JOB_READY', 'BLOCK_JOB_COMPLETED', 'BLOCK_JOB_CANCELLED'], timeoutMs, ofJob);
          await q.execute('blockdev-mirror', { 'job-id': job, device: volumeNode(old), target: next.node, sync: 'full', 'auto-dismiss': true }).catch((err) => { ready.catch(() => {}); throw err; });
          const r = await ready;
          if (r.event !== 'BLOCK_JOB_READY') throw new Error(String(r.data?.error ?? 'the copy stopped before it was ready'));
          const completed = q.waitEvent(['BLOCK_JOB_COMPLETED', 'BLOCK_JOB_CANCELLED'], timeoutMs, ofJob);
          await q.execute('block-job-complete', { device: job }).catch((err) => { completed.catch(() => {}); throw err; });
          const c = await completed;
          if (c.event !== 'BLOCK_JOB_COMPLETED' || c.data?.error) throw new Error(String(c.data?.error ?? 'the copy was cancelled'));
        } catch (err) {
          await q.execute('block-job-cancel', { device: job, force: true }).catch(() => {});
          await q.waitEvent(['BLOCK_JOB_CANCELLED', 'BLOCK_JOB_COMPLETED'], 5000, ofJob).catch(() => {});
          await q.execute('blockdev-del', { 'node-name': next.node }).catch(() => {});
          throw failed(err as Error);
        }
        await q.execute('blockdev-del', { 'node-name': volumeNode(old) }).catch(() => {});
      } else {
        if (newSize < (await virtualSize(old.path).catch(() => 0))) throw failed(new Error('the new volume is smaller than the old one'));
        await copyInto(old, next).catch((err: Error) => { throw failed(err); });
        delete next.node;
      }
      await this.writeDefinition({ ...def, volumes: def.volumes.map((v) => (v.device === device ? next : v)) });
    });
  }

  async consoleSocket(host: string, id: string, kind: 'vnc' | 'serial'): Promise<string> {
    await this.definitionOn(host, id);
    if (!this.alive(id)) throw new HypervisorError(`Guest ${id} is not running.`);
    return join(this.dir(id), kind === 'vnc' ? 'vnc.sock' : 'serial.sock');
  }

  /** Lifecycle events (a guest stopped or started behind the service's back), from a watch of the processes. */
  onLifecycle(listener: (e: GuestLifecycleEvent) => void): void {
    this.listeners.add(listener);
    if (this.watcher) return;
    this.watcher = setInterval(() => { void this.watch(); }, this.opts.watchIntervalMs ?? 2000);
    this.watcher.unref();
  }

  private async watch(): Promise<void> {
    for (const id of await this.guestIds()) {
      if (!existsSync(join(this.dir(id), 'guest.json')) || this.queues.has(id)) continue;
      const s = this.alive(id) ? POWER_STATE.RUNNING : await this.state(id);
      const before = this.known.get(id);
      this.known.set(id, s);
      if (before !== undefined && before !== s && (s === POWER_STATE.SHUTDOWN || s === POWER_STATE.CRASHED)) {
        for (const l of this.listeners) l({ host: this.host, id, powerState: s });
      }
    }
  }

  async close(): Promise<void> {
    if (this.watcher) clearInterval(this.watcher);
    for (const q of this.qmps.values()) q.close();
    this.qmps.clear();
  }

  // --- the process -------------------------------------------------------------------------

  /** A clean shutdown of a running guest (ACPI, up to `seconds`), then the process ended. */
  private async shutdown(id: string, seconds: number): Promise<void> {
    await rm(join(this.dir(id), 'state'), { force: true });
    if (seconds > 0 && (await this.state(id)) === POWER_STATE.RUNNING) {
      await this.qmp(id).then((q) => q.execute('system_powerdown')).catch(() => {});
      if (await this.exited(id, seconds * 1000)) return;
    }
    await this.kill(id);
  }

  private async start(def: GuestDefinition, incoming?: string): Promise<void> {
    const dir = this.dir(def.id);
    for (const f of ['qmp.sock', 'serial.sock', 'vnc.sock', 'pid']) await rm(join(dir, f), { force: true });
    try {
      await runCommand(this.qemu, qemuArgs(def, dir, { accel: this.accel, nicMode: this.nicMode, incoming }), { timeoutMs: 60_000 });
    } catch (err) {
      const e = err as CommandError;
      const last = (e.stderr ?? e.message).trim().split('\n').slice(-5).join('\n');
      throw new HypervisorError(`Guest ${def.id} failed to start: ${last}`);
    }
    this.qmps.get(def.id)?.close();
    this.qmps.delete(def.id);
    this.known.set(def.id, incoming ? POWER_STATE.PAUSED : POWER_STATE.RUNNING);
    const q = await this.qmp(def.id);
    // NOTE: as libvirt's <iotune>: the volumes' limits hold from the start (a command line has no place for them on -blockdev).
    for (const v of def.volumes) if (v.qos) await q.execute('block_set_io_throttle', throttleArgs(v.device, v.qos));
  }

  private async qmp(id: string): Promise<QmpClient> {
    const open = this.qmps.get(id);
    if (open && !open.closed) return open;
    const q = await QmpClient.connect(join(this.dir(id), 'qmp.sock'));
    this.qmps.set(id, q);
    return q;
  }

  private pid(id: string): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.dir(id), 'pid'), 'utf8').trim());
      if (!pid) return undefined;
      // NOTE: a pid is ours only while its command line names the guest (pids are reused).
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(id) ? pid : undefined;
    } catch { return undefined; }
  }

  private alive(id: string): boolean {
    const pid = this.pid(id);
    return pid !== undefined && !isZombie(pid);
  }

  private startTime(id: string): number {
    const pid = this.pid(id);
    if (!pid) return 0;
    const startTicks = Number(statFields(`/proc/${pid}/stat`)[19]);
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Math.max(0, Math.round(uptime - startTicks / 100));
  }

  private async exited(id: string, ms: number): Promise<boolean> {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (!this.alive(id)) return true;
    return !this.alive(id);
  }

  /** Ends the guest's process: QMP quit, then SIGKILL by its (checked) pid. */
  private async kill(id: string): Promise<void> {
    const pid = this.pid(id);
    this.qmps.get(id)?.close();
    this.qmps.delete(id);
    if (pid === undefined || isZombie(pid)) return;
    try {
      const q = await QmpClient.connect(join(this.dir(id), 'qmp.sock'), 2000);
      await q.execute('quit').catch(() => {});
      q.close();
    } catch { /* no QMP: the signal below */ }
    if (await this.exited(id, 5000)) return;
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    await this.exited(id, 5000);
  }

  private async state(id: string): Promise<PowerState> {
    if (!this.alive(id)) return existsSync(join(this.dir(id), 'state')) ? POWER_STATE.SUSPENDED : POWER_STATE.SHUTDOWN;
    try {
      const st = await (await this.qmp(id)).execute<{ status: string }>('query-status', undefined, 5000);
      return STATUS_POWER[st.status] ?? POWER_STATE.NOSTATE;
    } catch {
      return this.alive(id) ? POWER_STATE.NOSTATE : POWER_STATE.SHUTDOWN;
    }
  }

  // --- definitions and serialisation ---------------------------------------------------------

  /** The guests' directories (the state dir also holds _base/, the image cache). */
  private async guestIds(): Promise<string[]> {
    return (await readdir(this.opts.stateDir).catch(() => [] as string[])).filter((n) => UUID.test(n));
  }

  private dir(id: string): string {
    if (!UUID.test(id)) throw new GuestNotFound(id, this.host);
    return join(this.opts.stateDir, id);
  }

  private async definition(id: string): Promise<GuestDefinition> {
    const text = await readFile(join(this.dir(id), 'guest.json'), 'utf8').catch(() => undefined);
    if (text === undefined) throw new GuestNotFound(id, this.host);
    return JSON.parse(text) as GuestDefinition;
  }

  private async definitionOn(host: string, id: string): Promise<GuestDefinition> {
    this.checkHost(host);
    return this.definition(id);
  }

  private async writeDefinition(def: GuestDefinition): Promise<void> {
    const file = join(this.dir(def.id), 'guest.json');
    await writeFile(`${file}.part`, JSON.stringify(def, null, 2));
    await rename(`${file}.part`, file);
  }

  private checkHost(host: string): void {
    if (host !== this.host) throw new HypervisorError(`This driver serves host ${this.host}, not ${host}.`);
  }

  /** One call at a time per guest, with its definition read inside the queue. */
  private guestCall<T>(host: string, id: string, work: (def: GuestDefinition) => Promise<T>): Promise<T> {
    this.checkHost(host);
    return this.serial(id, async () => work(await this.definition(id)));
  }

  private serial<T>(id: string, work: () => Promise<T>): Promise<T> {
    const before = this.queues.get(id) ?? Promise.resolve();
    const run = before.catch(() => {}).then(work);
    const tail = run.catch(() => {});
    this.queues.set(id, tail);
    void tail.then(() => { if (this.queues.get(id) === tail) this.queues.delete(id); });
    return run;
  }
}

function stateName(s: PowerState): string {
  return ({ 0: 'in no state', 1: 'running', 3: 'paused', 4: 'shut down', 6: 'crashed', 7: 'suspended' } as Record<number, string>)[s] ?? String(s);
}

/** The fields of a /proc stat file after `(comm)`, which may itself hold spaces: [0] is the state. */
function statFields(path: string): string[] {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function isZombie(pid: number): boolean {
  try { return statFields(`/proc/${pid}/stat`)[0] === 'Z'; } catch { return true; }
}

function threadCpuNs(pid: number, tid: number): number {
  try {
    const f = statFields(`/proc/${pid}/task/${tid}/stat`);
    return (Number(f[11]) + Number(f[12])) * 10_000_000;
  } catch { return 0; }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
