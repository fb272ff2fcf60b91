// `stratus up`: start the cloud in the foreground until SIGTERM or SIGINT.
import inspector from 'node:inspector';
import pino from 'pino';
import { startCloud, type RunningCloud } from '../cloud.js';
import { ConfigError, type CloudConfig } from '../config.js';
import { openrc } from './credentials.js';

export async function up(config: CloudConfig, warnings: string[]): Promise<void> {
  const started = performance.now();
  const logger = pino({ level: config.logLevel, base: undefined });
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
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`Stratus ready: ${cloud.authUrl}/v3 (${ms} ms)\n\n${openrc(cloud.authUrl, config.adminPassword)}\n\n`);
}

/** `[host:]port`; the host defaults to loopback, as node --inspect does. */
function openInspector(spec: string): void {
  const match = /^(?:(.+):)?(\d+)$/.exec(spec);
  if (!match || Number(match[2]) > 65535) throw new ConfigError(`--debug: expected [host:]port, got '${spec}'`);
  const host = (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  inspector.open(Number(match[2]), host);
  process.stderr.write(`Node inspector listening on ${host}:${match[2]} (${inspector.url()})\n`);
}
