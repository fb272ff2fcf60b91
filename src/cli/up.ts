// `stratus up`: start the cloud in the foreground until SIGTERM or SIGINT.
import inspector from 'node:inspector';
import pino from 'pino';
import { startCloud } from '../cloud.js';
import { ConfigError, type CloudConfig } from '../config.js';
import { openrc } from './credentials.js';

export async function up(config: CloudConfig, warnings: string[]): Promise<void> {
  const started = performance.now();
  const logger = pino({ level: config.logLevel, base: undefined });
  for (const w of warnings) logger.warn(w);
  if (config.debug) openInspector(config.debug);

  const cloud = await startCloud(config, logger);
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`Stratus ready: ${cloud.authUrl}/v3 (${ms} ms)\n\n${openrc(cloud.authUrl, config.adminPassword)}\n\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await cloud.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** `[host:]port`; the host defaults to loopback, as node --inspect does. */
function openInspector(spec: string): void {
  const match = /^(?:(.+):)?(\d+)$/.exec(spec);
  if (!match || Number(match[2]) > 65535) throw new ConfigError(`--debug: expected [host:]port, got '${spec}'`);
  const host = (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  inspector.open(Number(match[2]), host);
  process.stderr.write(`Node inspector listening on ${host}:${match[2]} (${inspector.url()})\n`);
}
