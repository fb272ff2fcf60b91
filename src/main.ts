// The `stratus` command: flags and config → startCloud(), plus the helpers DevStack users know.
import { Command, Option } from 'commander';
import { ACCELS, ConfigError, HYPERVISORS, LOG_FORMATS, LOG_LEVELS, NETWORK_DRIVERS, mergeConfig, overridesFromEnv, parsePort, type ConfigOverrides, type LoadedConfig } from './config.js';
import { formatAnswerFile } from './answer-file.js';
import { readConfigFile } from './config-file.js';
import { cloudsYaml, openrc } from './cli/credentials.js';
import { fetchHealth, formatHealth } from './cli/status.js';
import { up } from './cli/up.js';
import { listCommand, snapshotCommand } from './cli/snapshot-commands.js';
import { installService, ServiceError, uninstallService, type ServiceOptions } from './cli/service.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Flags {
  port?: string;
  bind?: string;
  hostIp?: string;
  dataDir?: string;
  adminPassword?: string;
  servicePassword?: string;
  config?: string;
  debug?: string;
  logLevel?: string;
  logFormat?: string;
  networkDriver?: string;
  hypervisor?: string;
  accel?: string;
  externalInterface?: string;
  flatNetworks?: string;
  bridgeMappings?: string;
}

/** `physnet:bridge,...` as the flag and STRATUS_BRIDGE_MAPPINGS give it. */
function parseMappings(value: string | undefined, source: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^:\s]+):([^:\s]+)$/.exec(item);
    if (!m) throw new ConfigError(`${source}: '${item}' is not physical_network:bridge`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** --flat-networks and --bridge-mappings (or their STRATUS_* variables) over the file's networking. */
function networkingFlags(flags: Flags, env: NodeJS.ProcessEnv): ConfigOverrides['networking'] {
  const flat = flags.flatNetworks ?? (env.STRATUS_FLAT_NETWORKS || undefined);
  const mappings = parseMappings(flags.bridgeMappings ?? (env.STRATUS_BRIDGE_MAPPINGS || undefined), flags.bridgeMappings !== undefined ? '--bridge-mappings' : 'STRATUS_BRIDGE_MAPPINGS');
  const out: NonNullable<ConfigOverrides['networking']> = {};
  if (flat !== undefined) out.flatNetworks = flat.split(',').map((s) => s.trim()).filter(Boolean);
  if (mappings) out.bridgeMappings = mappings;
  return Object.keys(out).length ? out : undefined;
}

function loadConfig(flags: Flags, env = process.env): LoadedConfig {
  const path = flags.config ?? env.STRATUS_CONFIG;
  const file = path ? readConfigFile(path) : { overrides: {}, warnings: [] };
  const fromFlags: ConfigOverrides = {
    port: flags.port === undefined ? undefined : parsePort(flags.port, '--port'),
    bind: flags.bind,
    hostIp: flags.hostIp,
    dataDir: flags.dataDir,
    adminPassword: flags.adminPassword,
    servicePassword: flags.servicePassword,
    debug: flags.debug,
    logLevel: flags.logLevel,
    logFormat: flags.logFormat as ConfigOverrides['logFormat'],
    networkDriver: flags.networkDriver as ConfigOverrides['networkDriver'],
    hypervisor: flags.hypervisor as ConfigOverrides['hypervisor'],
    accel: flags.accel as ConfigOverrides['accel'],
    externalInterface: flags.externalInterface,
    networking: networkingFlags(flags, env),
  };
  return { config: mergeConfig(file.overrides, overridesFromEnv(env), fromFlags), warnings: file.warnings };
}

/** Where this machine reaches a server configured so. */
function localUrl(flags: Flags): string {
  const { config } = loadConfig(flags);
  const host = config.bind === '0.0.0.0' || config.bind === '::' ? '127.0.0.1' : config.bind;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

function authUrl(flags: Flags): string {
  const { config } = loadConfig(flags);
  // NOTE: as the server writes its catalog: port 80 is left out (DevStack's http://HOST_IP/identity).
  return `http://${config.hostIp.includes(':') ? `[${config.hostIp}]` : config.hostIp}${config.port === 80 ? '' : `:${config.port}`}/identity`;
}

const withConfigOptions = (cmd: Command) =>
  cmd
    .option('--port <port>', 'listen port (STRATUS_PORT, default 8080)')
    .option('--bind <address>', 'listen address (STRATUS_BIND, default 0.0.0.0)')
    .option('--host-ip <ip>', "address written into the catalog, DevStack's HOST_IP (STRATUS_HOST_IP)")
    .option('--data-dir <dir>', 'where state lives (STRATUS_DATA_DIR, default ./data)')
    .option('--admin-password <password>', 'password of admin, demo and alt_demo (STRATUS_ADMIN_PASSWORD)')
    .option('--service-password <password>', 'password of the service users (STRATUS_SERVICE_PASSWORD)')
    .option('--config <file>', 'a JSON config file, a DevStack local.conf or a Packstack answer file (STRATUS_CONFIG)')
    .option('--flat-networks <list>', "physical networks flat networks may use, * for any (STRATUS_FLAT_NETWORKS, default public,provider,physnet1,external)")
    .option('--bridge-mappings <list>', 'physical_network:bridge pairs (STRATUS_BRIDGE_MAPPINGS, default public:br-ex)');

const program = new Command('stratus').description('An OpenStack-compatible cloud in one process.');

/** `up`'s own options, which `service install` also takes (and writes into the unit). */
const withUpOptions = (cmd: Command) => withConfigOptions(cmd)
  .option('--debug <[host:]port>', 'open the Node inspector for a remote debugger (STRATUS_DEBUG)')
  .addOption(new Option('--log-level <level>', 'log level (STRATUS_LOG_LEVEL)').choices(LOG_LEVELS))
  .addOption(new Option('--log-format <format>', 'json, or pretty lines (STRATUS_LOG_FORMAT, default pretty when stdout is a terminal)').choices(LOG_FORMATS))
  .addOption(new Option('--network-driver <driver>', 'network dataplane: fake, or linux as root (STRATUS_NETWORK_DRIVER)').choices(NETWORK_DRIVERS))
  .option('--external-interface <dev>', "host interface for external networks' bridges (STRATUS_EXTERNAL_INTERFACE, default none)")
  .addOption(new Option('--hypervisor <driver>', 'where guests run: fake, or qemu (real virtual machines) (STRATUS_HYPERVISOR, default fake)').choices(HYPERVISORS))
  .addOption(new Option('--accel <accel>', 'QEMU accelerator: auto tries KVM and falls back to TCG (STRATUS_ACCEL, default auto)').choices(ACCELS));

withUpOptions(program.command('up', { isDefault: true }).description('start the cloud in the foreground'))
  .action(async (flags: Flags) => {
    const { config, warnings } = loadConfig(flags);
    await up(config, warnings);
  });

withConfigOptions(program.command('openrc [user] [project]').description('print an openrc for `source` (default admin admin)'))
  .action((user: string | undefined, project: string | undefined, flags: Flags) => {
    const { config } = loadConfig(flags);
    const admin = config.adminUsername ?? 'admin';
    const username = user ?? admin;
    // NOTE: the seeded people have the admin password; the other seeded users are service users.
    const seeded = [admin, 'demo', 'alt_demo'].includes(username);
    const password = seeded ? config.adminPassword : config.servicePassword;
    const ownProject = username === admin ? 'admin' : username;
    process.stdout.write(`${openrc(authUrl(flags), password, username, project ?? (seeded ? ownProject : 'service'), config.region)}\n`);
  });

withConfigOptions(program.command('clouds-yaml').description('print a clouds.yaml with the devstack, devstack-admin and devstack-alt clouds'))
  .action((flags: Flags) => {
    const { config } = loadConfig(flags);
    process.stdout.write(`${cloudsYaml(authUrl(flags), config.adminPassword, config.region, config.adminUsername)}\n`);
  });

withConfigOptions(program.command('answer-file').description('print a Packstack answer file with every key Stratus reads and its current value'))
  .action((flags: Flags) => {
    process.stdout.write(formatAnswerFile(loadConfig(flags).config));
  });

program.command('image').description('guest images').command('build-cirros')
  .description('build the CirrOS-like guest image from Debian packages (as root; cached) and print its path')
  .option('--output <dir>', 'where cirros.qcow2 goes (default $XDG_CACHE_HOME/stratus, else ~/.cache/stratus)')
  .option('--rebuild', 'build even when the cached image is current (e.g. for a newer Debian kernel)')
  .action(async (flags: { output?: string; rebuild?: boolean }) => {
    const { defaultCacheDir, ensureGuestImage } = await import('./guest-image.js');
    try {
      const path = await ensureGuestImage(flags.output ?? defaultCacheDir(), {
        rebuild: flags.rebuild,
        onBuild: (dir) => process.stderr.write(`building the CirrOS-like guest image in ${dir} (about 10 s)...\n`),
      });
      process.stdout.write(`${path}\n`);
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });

const snapshot = program.command('snapshot').description('whole-cloud snapshots under DATA_DIR/snapshots (a running server stops its services meanwhile)');
withConfigOptions(snapshot.command('save <name>').description('save the whole state (database, keys, images, volumes, objects) as NAME'))
  .option('--force', 'replace a snapshot of that name')
  .action(async (name: string, flags: Flags & { force?: boolean }) => {
    process.exitCode = await snapshotCommand(loadConfig(flags).config.dataDir, { op: 'save', name, force: !!flags.force });
  });
withConfigOptions(snapshot.command('load <name>').description('replace the whole state with snapshot NAME'))
  .action(async (name: string, flags: Flags) => {
    process.exitCode = await snapshotCommand(loadConfig(flags).config.dataDir, { op: 'load', name });
  });
withConfigOptions(snapshot.command('list').description('the snapshots, oldest name first'))
  .action((flags: Flags) => { process.exitCode = listCommand(loadConfig(flags).config.dataDir); });
withConfigOptions(program.command('reset').description('empty the whole state (snapshots kept): the cloud is seeded afresh'))
  .action(async (flags: Flags) => {
    process.exitCode = await snapshotCommand(loadConfig(flags).config.dataDir, { op: 'reset' });
  });

const service = program.command('service').description('run Stratus at boot as a systemd service');
const serviceOptions = (cmd: Command) => cmd
  .option('--unit-dir <dir>', 'where the unit goes (default /etc/systemd/system, or ~/.config/systemd/user with --user); systemctl is left alone')
  .option('--user', 'a user unit, managed with systemctl --user')
  .option('--name <name>', 'the unit is NAME.service (default stratus)');
const SERVICE_ONLY = ['unitDir', 'user', 'name'];
serviceOptions(withUpOptions(service.command('install').description('write a unit that runs `stratus up` with the flags given here, and enable it (systemctl enable --now)')))
  .action((flags: Flags & ServiceOptions, cmd: Command) => {
    // NOTE: checked first: a unit that could not start is never written.
    loadConfig(flags);
    const args: string[] = [];
    for (const o of cmd.options) {
      const key = o.attributeName();
      const value = (flags as Record<string, unknown>)[key];
      if (SERVICE_ONLY.includes(key) || value === undefined) continue;
      args.push(o.long!, String(value));
    }
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (k.startsWith('STRATUS_') && v) env[k] = v;
    const root = fileURLToPath(new URL('..', import.meta.url));
    const spec = { node: process.execPath, bin: join(root, 'bin', 'stratus.js'), args, workingDirectory: process.cwd(), env, user: !!flags.user };
    serviceCommand(() => installService(spec, flags));
  });
serviceOptions(service.command('uninstall').description('disable the unit (systemctl disable --now) and remove it'))
  .action((flags: ServiceOptions) => serviceCommand(() => uninstallService(flags)));

function serviceCommand(work: () => string[]): void {
  const started = performance.now();
  try {
    const done = work();
    process.stdout.write(`${done.map((d) => `${d[0]!.toUpperCase()}${d.slice(1)}.`).join('\n')}\nDone in ${Math.round(performance.now() - started)} ms.\n`);
  } catch (err) {
    process.stderr.write(`stratus: ${(err as Error).message}\n`);
    process.exitCode = err instanceof ServiceError ? 2 : 1;
  }
}

withConfigOptions(program.command('status').description("ask the running server's health endpoint"))
  .option('--url <url>', 'the server (default: this machine, at the configured port)')
  .action(async (flags: Flags & { url?: string }) => {
    const url = flags.url ?? localUrl(flags);
    try {
      const health = await fetchHealth(url);
      process.stdout.write(`${formatHealth(url, health)}\n`);
      process.exitCode = health.status === 'ok' ? 0 : 1;
    } catch (err) {
      process.stderr.write(`Stratus at ${url} is not answering: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });

program.parseAsync().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  // NOTE: a taken port is the user's to fix, not a crash: say so without a stack trace.
  if (e.syscall === 'listen') {
    process.stderr.write(`stratus: cannot listen on ${e.address}:${e.port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`stratus: ${err instanceof ConfigError ? err.message : e.stack ?? err}\n`);
  process.exit(2);
});
