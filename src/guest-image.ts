// The CirrOS-like guest image (scripts/build-guest-image.sh): built once from Debian packages and
// cached, for `stratus image build-cirros`, the first start with --hypervisor qemu, and the tests.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandError, runCommand } from './drivers/host/run-command.js';
import type { ImageFacade } from './services/image/facade.js';

export const GUEST_IMAGE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'build-guest-image.sh');
const IMAGE = 'cirros.qcow2';
/** Beside the image: the hash of the script that built it. */
const RECIPE = `${IMAGE}.recipe`;

/** $XDG_CACHE_HOME/stratus, else ~/.cache/stratus. */
export function defaultCacheDir(env = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'stratus');
}

export interface EnsureGuestImageOptions {
  /** Build even when a current image is cached (to take a newer Debian kernel, say). */
  rebuild?: boolean;
  /** Told when a build starts (it takes about 10 s). */
  onBuild?: (dir: string) => void;
}

const recipe = () => createHash('sha256').update(readFileSync(GUEST_IMAGE_SCRIPT)).digest('hex');

// NOTE: callers in one process share a build; separate processes each build in their own temp
// dir and rename into place, so the last one wins and nobody ever reads a half image.
const building = new Map<string, Promise<string>>();

/**
 * `<cacheDir>/cirros.qcow2`, building it first when it is missing or was built by another version
 * of the script (its kernel and initramfs are kept beside it as vmlinuz and initrd.img). Throws
 * the script's own message when it fails, e.g. which apt package a missing tool comes from.
 */
export function ensureGuestImage(cacheDir: string = defaultCacheDir(), opts: EnsureGuestImageOptions = {}): Promise<string> {
  const dir = resolve(cacheDir);
  let pending = building.get(dir);
  if (!pending) {
    pending = build(dir, opts).finally(() => building.delete(dir));
    building.set(dir, pending);
  }
  return pending;
}

async function build(dir: string, opts: EnsureGuestImageOptions): Promise<string> {
  const image = join(dir, IMAGE);
  const want = recipe();
  if (!opts.rebuild && existsSync(image) && (await readFile(join(dir, RECIPE), 'utf8').catch(() => '')).trim() === want) return image;
  opts.onBuild?.(dir);
  await mkdir(dir, { recursive: true });
  const tmp = await mkdtemp(join(dir, '.build-'));
  try {
    await runCommand('/bin/bash', [GUEST_IMAGE_SCRIPT, tmp], { timeoutMs: 300_000 }).catch((err: unknown) => {
      throw err instanceof CommandError ? new Error(`building the guest image failed: ${err.stderr.trim()}`) : err;
    });
    // NOTE: the old recipe goes first and the new one last: a crash in between leaves an image
    // without one (rebuilt next time), never a half image that looks current.
    await rm(join(dir, RECIPE), { force: true });
    for (const f of ['vmlinuz', 'initrd.img', IMAGE]) await rename(join(tmp, f), join(dir, f));
    await writeFile(join(tmp, RECIPE), `${want}\n`);
    await rename(join(tmp, RECIPE), join(dir, RECIPE));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return image;
}

/**
 * DevStack's first image: a cloud with real guests that has no image yet gets `cirros` (public,
 * qcow2, owned by the admin project), so that `openstack server create --image cirros` works at once.
 */
export async function seedGuestImage(images: ImageFacade, adminProjectId: string, cacheDir?: string): Promise<string | undefined> {
  if ((await images.listImages({ projectId: adminProjectId, isAdmin: true }, { filters: {}, limit: 1 })).length) return undefined;
  const path = await ensureGuestImage(cacheDir);
  const { id } = await images.createImage({
    name: 'cirros', projectId: adminProjectId, diskFormat: 'qcow2', containerFormat: 'bare', visibility: 'public',
    properties: { os_distro: 'cirros', hw_disk_bus: 'virtio', hw_vif_model: 'virtio' },
  });
  await images.uploadImage(id, createReadStream(path));
  return id;
}
