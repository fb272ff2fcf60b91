// The CirrOS-like guest image (scripts/build-guest-image.sh): built once from Debian packages and
// cached, for `stratus image build-cirros`, the first start with --hypervisor qemu, and the tests.
import { createReadStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './drivers/host/run-command.js';
import type { ImageFacade } from './services/image/facade.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'build-guest-image.sh');

/** $XDG_CACHE_HOME/stratus, else ~/.cache/stratus. */
export function defaultCacheDir(env = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'stratus');
}

/** The cached image's path, building it first when it is not there (about 10 s). */
export async function ensureGuestImage(cacheDir = defaultCacheDir()): Promise<string> {
  const dir = join(cacheDir, 'guest');
  const image = join(dir, 'cirros.qcow2');
  if (existsSync(image)) return image;
  await mkdir(dir, { recursive: true });
  await runCommand('/bin/bash', [SCRIPT, dir], { timeoutMs: 300_000 });
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
