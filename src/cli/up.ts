// `stratus up`: start the cloud in the foreground until SIGTERM or SIGINT.
import { chmodSync, writeFileSync, writeSync } from 'node:fs';
import inspector from 'node:inspector';
import { join } from 'node:path';
import pino from 'pino';
import { startCloud, type RunningCloud } from '../cloud.js';
import { ConfigError, seedSettings, type CloudConfig } from '../config.js';
import { keystonerc, openrc, openrcFile } from './credentials.js';
import { prettyStream } from './log-format.js';

export async function up(config: CloudConfig, warnings: string[]): Promise<void> {
  const started = performance.now();
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
  const ms = Math.round(performance.now() - started);
  const admin = config.adminUsername ?? 'admin';
  process.stdout.write(`Stratus ready: ${cloud.authUrl}/v3 (${ms} ms)\n\n${openrc(cloud.authUrl, config.adminPassword, admin, 'admin', config.region)}\n\n`);
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
