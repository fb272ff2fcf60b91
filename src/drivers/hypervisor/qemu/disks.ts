// A guest's disks, laid out as Nova's libvirt driver lays them out: one cached copy of each image
// (`_base/`), a qcow2 overlay per root disk sized to the flavor, blank ephemeral and swap disks,
// and a config drive (ISO 9660, label config-2) built from the files the service hands over.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runCommand } from '../../host/run-command.js';

const QEMU_IMG = '/usr/bin/qemu-img';

export type DiskFormat = 'qcow2' | 'raw';

/** qcow2 files start with "QFI\xfb"; anything else is taken as raw, as Nova does for images it has checked. */
export async function diskFormat(path: string): Promise<DiskFormat> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, 0);
    return buf.equals(Buffer.from([0x51, 0x46, 0x49, 0xfb])) ? 'qcow2' : 'raw';
  } finally { await fh.close(); }
}

export async function virtualSize(path: string): Promise<number> {
  const info = JSON.parse(await runCommand(QEMU_IMG, ['info', '-U', '--output=json', path])) as { 'virtual-size': number };
  return info['virtual-size'];
}

/**
 * The cached base of an image: a hard link to the image service's file (a copy across file
 * systems), so a guest keeps its backing file when the image is deleted. Keyed by image id.
 */
export async function cachedBase(baseDir: string, imageId: string | null, imagePath: string): Promise<string> {
  const key = createHash('sha1').update(imageId ?? imagePath).digest('hex');
  const base = join(baseDir, key);
  if (existsSync(base)) return base;
  await mkdir(baseDir, { recursive: true });
  const tmp = `${base}.part-${process.pid}-${Date.now()}`;
  await link(imagePath, tmp).catch(() => copyFile(imagePath, tmp));
  await rename(tmp, base);
  return base;
}

/** A qcow2 overlay on `backing`, at least `sizeGb` (never smaller than the image itself). */
export async function createOverlay(path: string, backing: string, sizeGb: number): Promise<void> {
  const fmt = await diskFormat(backing);
  const size = Math.max(sizeGb * 2 ** 30, await virtualSize(backing));
  await runCommand(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', backing, '-F', fmt, path, String(size)]);
}

/** Grows a qcow2 disk to `sizeGb` (never shrinks it: a smaller flavor keeps the disk's size). */
export async function growDisk(path: string, sizeGb: number): Promise<void> {
  if (sizeGb * 2 ** 30 > (await virtualSize(path))) await runCommand(QEMU_IMG, ['resize', '-q', path, String(sizeGb * 2 ** 30)]);
}

/** Copies the content of disk `from` into the existing disk `to` (its format and size kept; read shared). */
export async function copyInto(from: { path: string; format: DiskFormat }, to: { path: string; format: DiskFormat }): Promise<void> {
  await runCommand(QEMU_IMG, ['convert', '-U', '-n', '-f', from.format, '-O', to.format, from.path, to.path], { timeoutMs: 3_600_000 });
}

/** A blank qcow2 disk (ephemeral, swap, or a root disk with no image). */
export async function createBlank(path: string, bytes: number): Promise<void> {
  await runCommand(QEMU_IMG, ['create', '-q', '-f', 'qcow2', path, String(bytes)]);
}

/**
 * The config drive: an ISO 9660 image labelled config-2 (Nova's config_drive_format default),
 * made with genisoimage from the files given (path inside the drive → content).
 */
export async function createConfigDrive(path: string, files: Record<string, string | Buffer>): Promise<void> {
  const tree = await mkdtemp(join(dirname(path), 'config-drive-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      const file = join(tree, name);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    await runCommand('/usr/bin/genisoimage', ['-o', path, '-ldots', '-allow-lowercase', '-allow-multidot', '-l', '-publisher', 'Stratus', '-quiet', '-J', '-r', '-V', 'config-2', tree]);
  } finally { await rm(tree, { recursive: true, force: true }); }
}

/** The root disk flattened into one qcow2 at `path` (the guest's own file is read shared). */
export async function flatten(disk: string, path: string): Promise<number> {
  await runCommand(QEMU_IMG, ['convert', '-U', '-O', 'qcow2', disk, path], { timeoutMs: 600_000 });
  const fh = await open(path, 'r+');
  try { await fh.sync(); return (await fh.stat()).size; } finally { await fh.close(); }
}
