// The qemu-system-x86_64 command line of a guest, from its saved definition: one process per
// guest, daemonised, with its QMP socket, serial console (logged to console.log) and VNC socket in
// the guest's directory.
import { join } from 'node:path';
import type { GuestNic } from '../hypervisor-driver.js';
import type { DiskFormat } from './disks.js';
import { HypervisorError, type VolumeQos, type VolumeQosKey } from '../hypervisor-driver.js';

export type Accel = 'kvm' | 'tcg';
export type NicMode = 'tap' | 'user';

/** What a guest is, as saved in its directory (guest.json): enough to start it again. */
export interface GuestDefinition {
  id: string;
  name: string;
  vcpus: number;
  memoryMb: number;
  /** The root disk: the overlay in the guest's directory, or a volume's file (boot from volume). */
  root: { path: string; format: DiskFormat };
  extraDisks: { path: string; format: DiskFormat }[];
  configDrive: string | null;
  nics: GuestNic[];
  /** Volumes attached by device name (/dev/vdb → its file); `node` names the block node when a swap chose another. */
  volumes: GuestVolume[];
  /** While rescued: the rescue disk, booted first, with the root disk behind it. */
  rescue?: { path: string; format: DiskFormat } | null;
}

/** Nova's tap name for a port (nova.network.model.VIF devname): "tap" + the port id, 14 characters. */
export const tapName = (portId: string) => `tap${portId}`.slice(0, 14);

/**
 * The netdev (host side) of a NIC, as -netdev and QMP netdev_add take it: the port's tap, or
 * QEMU's user NAT. Its id and the device's are the port's, so a NIC is found again by its port
 * whether it came at the start or was hot-plugged.
 */
export const nicNetdev = (n: GuestNic, mode: NicMode): Record<string, string> =>
  (mode === 'tap' ? { type: 'tap', id: `net-${n.portId}`, ifname: tapName(n.portId), script: 'no', downscript: 'no' } : { type: 'user', id: `net-${n.portId}` });

/** The virtio-net-pci device of a NIC, as -device and QMP device_add take it. */
export const nicDevice = (n: GuestNic, mode: NicMode) => ({ driver: 'virtio-net-pci', id: `nic-${n.portId}`, netdev: nicNetdev(n, mode).id!, mac: n.macAddress });

const optionString = (o: Record<string, string>, first: string) => [o[first], ...Object.entries(o).filter(([k]) => k !== first).map(([k, v]) => `${k}=${v}`)].join(',');

/** The QMP id of the device and block node of a volume at /dev/vdX. */
export const volumeDeviceId = (device: string) => `volume-${device.replace(/^\/dev\//, '')}`;

export const volumeNodeName = (device: string) => `${volumeDeviceId(device)}-node`;

export interface GuestVolume {
  device: string; path: string; format: DiskFormat; node?: string;
  /** I/O limits (Nova's <iotune> keys), set on the device with block_set_io_throttle after every start. */
  qos?: VolumeQos;
}

/**
 * block_set_io_throttle's arguments for a volume's limits (libvirt's iotune → QEMU: total_bytes_sec
 * → bps, read_iops_sec → iops_rd, ..._max → bps_max ..., size_iops_sec → iops_size); QEMU's rules
 * checked first (HypervisorError): a total and a per-direction limit of the same kind exclude each
 * other, and a burst needs its base limit.
 */
export function throttleArgs(device: string, qos: VolumeQos): Record<string, unknown> {
  const n = (k: VolumeQosKey) => qos[k] ?? 0;
  for (const kind of ['bytes', 'iops'] as const) {
    if (n(`total_${kind}_sec`) && (n(`read_${kind}_sec`) || n(`write_${kind}_sec`))) {
      throw new HypervisorError(`Volume ${device}: total_${kind}_sec cannot be combined with read_${kind}_sec or write_${kind}_sec.`);
    }
    for (const dir of ['total', 'read', 'write'] as const) {
      if (n(`${dir}_${kind}_sec_max`) && !n(`${dir}_${kind}_sec`)) throw new HypervisorError(`Volume ${device}: ${dir}_${kind}_sec_max needs ${dir}_${kind}_sec.`);
    }
  }
  const args: Record<string, unknown> = {
    // NOTE: the virtio-blk-pci proxy has no block backend; its virtio-backend child has (query-block's qdev).
    id: `${volumeDeviceId(device)}/virtio-backend`,
    bps: n('total_bytes_sec'), bps_rd: n('read_bytes_sec'), bps_wr: n('write_bytes_sec'),
    iops: n('total_iops_sec'), iops_rd: n('read_iops_sec'), iops_wr: n('write_iops_sec'),
  };
  const optional: [VolumeQosKey, string][] = [
    ['total_bytes_sec_max', 'bps_max'], ['read_bytes_sec_max', 'bps_rd_max'], ['write_bytes_sec_max', 'bps_wr_max'],
    ['total_iops_sec_max', 'iops_max'], ['read_iops_sec_max', 'iops_rd_max'], ['write_iops_sec_max', 'iops_wr_max'], ['size_iops_sec', 'iops_size'],
  ];
  for (const [k, arg] of optional) if (n(k)) args[arg] = n(k);
  return args;
}

/** The block node a volume's device reads: its own name after a swap (blockdev-mirror's target), else the device's. */
export const volumeNode = (v: GuestVolume) => v.node ?? volumeNodeName(v.device);

/** The blockdev-add arguments of a volume. */
export const volumeBlockdev = (v: GuestVolume) =>
  ({ driver: v.format, 'node-name': volumeNode(v), file: { driver: 'file', filename: v.path } });

export function qemuArgs(def: GuestDefinition, dir: string, opts: { accel: Accel; nicMode: NicMode; incoming?: string }): string[] {
  const args: string[] = [
    '-name', `guest=${def.id},debug-threads=on`, '-uuid', def.id,
    '-machine', 'pc', '-accel', opts.accel, ...(opts.accel === 'kvm' ? ['-cpu', 'host'] : []),
    '-m', String(def.memoryMb), '-smp', String(def.vcpus),
    '-nodefaults', '-no-user-config', '-vga', 'std', '-display', 'none',
    '-vnc', `unix:${join(dir, 'vnc.sock')}`,
    '-chardev', `socket,id=serial0,path=${join(dir, 'serial.sock')},server=on,wait=off,logfile=${join(dir, 'console.log')},logappend=on`,
    '-serial', 'chardev:serial0',
    '-qmp', `unix:${join(dir, 'qmp.sock')},server=on,wait=off`,
    '-pidfile', join(dir, 'pid'), '-daemonize',
  ];
  // NOTE: rescued, as Nova's libvirt driver lays it out: the rescue disk is vda and boots, the
  // guest's own root disk is vdb.
  if (def.rescue) args.push('-drive', `file=${def.rescue.path},if=none,id=rescue,format=${def.rescue.format}`, '-device', 'virtio-blk-pci,drive=rescue,id=virtio-rescue,bootindex=1');
  args.push(
    '-drive', `file=${def.root.path},if=none,id=disk0,format=${def.root.format},cache=writeback,discard=unmap`,
    '-device', `virtio-blk-pci,drive=disk0,id=virtio-disk0${def.rescue ? '' : ',bootindex=1'}`,
  );
  def.extraDisks.forEach((d, i) => args.push(
    '-drive', `file=${d.path},if=none,id=disk${i + 1},format=${d.format}`, '-device', `virtio-blk-pci,drive=disk${i + 1},id=virtio-disk${i + 1}`,
  ));
  // NOTE: the config drive is a CD-ROM on the IDE bus, as Nova attaches it on i440fx, so that the
  // first volume a user attaches is still /dev/vdb.
  if (def.configDrive) args.push('-drive', `file=${def.configDrive},if=none,id=config,format=raw,readonly=on,media=cdrom`, '-device', 'ide-cd,drive=config,bus=ide.1');
  // NOTE: volumes are -blockdev nodes, as hot-plugged ones are (blockdev-add), so a detach is the
  // same device_del + blockdev-del whether the volume came at boot or later.
  def.volumes.forEach((v) => args.push(
    '-blockdev', JSON.stringify(volumeBlockdev(v)),
    '-device', `virtio-blk-pci,drive=${volumeNode(v)},id=${volumeDeviceId(v.device)}`,
  ));
  for (const n of def.nics) args.push('-netdev', optionString(nicNetdev(n, opts.nicMode), 'type'), '-device', optionString(nicDevice(n, opts.nicMode), 'driver'));
  if (opts.incoming) args.push('-incoming', opts.incoming);
  return args;
}
