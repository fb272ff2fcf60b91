// `stratus up`: start the cloud in the foreground until SIGTERM or SIGINT.
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync, writeSync } from 'node:fs';
import inspector from 'node:inspector';
import { join } from 'node:path';
import pino from 'pino';
import { startCloud, type RunningCloud } from '../cloud.js';
import { ConfigError, seedSettings, type CloudConfig } from '../config.js';
import { keystonerc, openrc, openrcFile } from './credentials.js';
import { prettyStream } from './log-format.js';
import { serveControl, type ControlRequest } from './control.js';
import { checkSave, loadSnapshot, readSnapshot, resetDataDir, saveSnapshot, SnapshotError, type Progress } from './data-snapshots.js';

export async function up(given: CloudConfig, warnings: string[]): Promise<void> {
  const started = performance.now();
  // NOTE: one metadata secret for the whole run, so proxies keep working across a snapshot load.
  const config: CloudConfig = { ...given, metadataSecret: given.metadataSecret ?? randomBytes(24).toString('hex') };
  const pretty = (config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
  // NOTE: pretty lines are written synchronously, as pino's default destination does, so none is lost on exit.
  const logger = pretty
    ? pino({ level: config.logLevel, base: undefined }, prettyStream({ write: (s: string) => writeSync(1, s) }, !!process.stdout.isTTY && !process.env.NO_COLOR))
    : pino({ level: config.logLevel, base: undefined });
  for (const w of warnings) logger.warn(w);
  if (config.debug) openInspector(config.debug);

  // NOTE: handlers first, so that a signal during start-up still ends in a clean close.
  let cloud: RunningCloud | undefined;
  let stopping: string | undefined;
  let control: { close(): void } | undefined;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the close');
      process.exit(1);
    }
    stopping = signal;
    logger.info({ signal }, 'stopping');
    if (cloud) await close(cloud);
  };
  const close = async (c: RunningCloud) => {
    control?.close();
    try {
      await c.close();
    } catch (err) {
      logger.error({ err }, 'error while stopping');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  cloud = await startCloud(config, logger);
  if (stopping) return close(cloud);
  writeCredentials(config, cloud.authUrl);
  control = await serveControl(config.dataDir, () => cloud!.port, async (req, progress) => {
    if (stopping) throw new Error('the server is stopping');
    checkControl(config, req);
    const restart = { ...config, port: cloud!.port };
    const t0 = performance.now();
    logger.info({ op: req.op }, 'stopping the services for a whole-cloud snapshot operation');
    const old = cloud!;
    // NOTE: while the work runs, there is no cloud to stop on a signal: the signal waits for the new one.
    cloud = undefined;
    await old.close();
    let result: Record<string, unknown>;
    try {
      result = await dataDirWork(config.dataDir, req, progress);
    } finally {
      // NOTE: started again whatever happened, on the same port; a failed start ends the process.
      try {
        cloud = await startCloud(restart, logger);
      } catch (err) {
        logger.fatal({ err }, 'could not start again after the snapshot operation');
        process.exit(1);
      }
      writeCredentials(config, cloud.authUrl);
      if (stopping) void close(cloud);
    }
    const downMs = Math.round(performance.now() - t0);
    logger.info({ op: req.op, downMs }, 'services started again');
    return { ...result, downMs, pid: process.pid };
  });
  const ms = Math.round(performance.now() - started);
  const admin = config.adminUsername ?? 'admin';
  process.stdout.write(`Stratus ready: ${cloud.authUrl}/v3 (${ms} ms)\n\n${openrc(cloud.authUrl, config.adminPassword, admin, 'admin', config.region)}\n\n`);
  // NOTE: for bin/stratus.js, which then saves the bundle's code cache and compacts the heap the start left.
  (process as NodeJS.EventEmitter).emit('stratus:ready');
}

/** Refused before anything stops: bad names, unknown snapshots, and a save while guests run (their disks change). */
function checkControl(config: CloudConfig, req: ControlRequest): void {
  if (req.op === 'save') checkSave(config.dataDir, req.name, !!req.force);
  if (req.op === 'load') readSnapshot(config.dataDir, req.name);
}

/** What the running server does with its services stopped. */
async function dataDirWork(dataDir: string, req: ControlRequest, progress: (p: Progress) => void): Promise<Record<string, unknown>> {
  if (req.op === 'save') return { ...(await saveSnapshot(dataDir, req.name, !!req.force, { onProgress: progress })) };
  if (req.op === 'load') return { ...(await loadSnapshot(dataDir, req.name, { onProgress: progress })) };
  return { ...(await resetDataDir(dataDir)) };
}

/** Packstack's keystonerc_admin and DevStack's openrc in the data dir; they hold passwords, so only the owner reads them. */
export function writeCredentials(config: CloudConfig, authUrl: string): void {
  const admin = config.adminUsername ?? 'admin';
  const demo = seedSettings(config).demo;
  const files: [string, string][] = [
    ['keystonerc_admin', keystonerc(authUrl, admin, config.adminPassword, config.region)],
    ['openrc', openrcFile({
      authUrl, adminPassword: config.adminPassword, servicePassword: config.servicePassword, region: config.region,
      people: demo ? [admin, 'demo', 'alt_demo'] : [admin], defaultUser: demo ? 'demo' : admin,
    })],
  ];
  for (const [name, text] of files) {
    const path = join(config.dataDir, name);
    writeFileSync(path, text, { mode: 0o600 });
    // NOTE: the mode given to writeFileSync applies only when it creates the file.
    chmodSync(path, 0o600);
  }
}

/** `[host:]port`; the host defaults to loopback, as node --inspect does. */
function openInspector(spec: string): void {
  const match = /^(?:(.+):)?(\d+)$/.exec(spec);
  if (!match || Number(match[2]) > 65535) throw new ConfigError(`--debug: expected [host:]port, got '${spec}'`);
  const host = (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  inspector.open(Number(match[2]), host);
  process.stderr.write(`Node inspector listening on ${host}:${match[2]} (${inspector.url()})\n`);
}
