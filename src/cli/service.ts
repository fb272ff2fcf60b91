// `stratus service install|uninstall`: a systemd unit that runs `stratus up` at boot with the flags
// given to install, enabled at once when systemd runs (systemctl daemon-reload, enable --now).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ServiceOptions {
  /** Where the unit goes; given, systemctl is left alone (tests, images built offline). */
  unitDir?: string;
  /** A user unit (~/.config/systemd/user, systemctl --user) rather than a system one. */
  user?: boolean;
  /** The unit's name without .service (default stratus). */
  name?: string;
}

export interface UnitSpec {
  /** The node binary and bin/stratus.js, as absolute paths. */
  node: string;
  bin: string;
  /** `up`'s flags, already split ([flag, value] or [flag]). */
  args: string[];
  /** The directory relative paths in the flags (--data-dir ./data, --config local.conf) mean. */
  workingDirectory: string;
  /** STRATUS_* variables to keep. */
  env: Record<string, string>;
  user: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9@._-]{0,63}$/;

export class ServiceError extends Error {}

export function unitPath(opts: ServiceOptions): string {
  const name = opts.name ?? 'stratus';
  if (!NAME.test(name)) throw new ServiceError(`'${name}' is not a valid unit name`);
  const dir = opts.unitDir ?? (opts.user ? join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'systemd', 'user') : '/etc/systemd/system');
  return join(resolve(dir), `${name}.service`);
}

/** A word as systemd's ExecStart= and Environment= read it: quoted when needed; % and $ doubled. */
export function systemdQuote(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /^[A-Za-z0-9_@+=:,./-]+$/.test(escaped) ? escaped : `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function formatUnit(spec: UnitSpec): string {
  return [
    '# Written by `stratus service install`; `stratus service uninstall` removes it.',
    '[Unit]',
    'Description=Stratus, an OpenStack-compatible cloud',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `WorkingDirectory=${systemdQuote(spec.workingDirectory)}`,
    ...Object.entries(spec.env).sort().map(([k, v]) => `Environment=${systemdQuote(`${k}=${v}`)}`),
    `ExecStart=${[spec.node, spec.bin, 'up', ...spec.args].map(systemdQuote).join(' ')}`,
    // NOTE: SIGTERM is `stratus up`'s clean stop (services closed, state on disk).
    'KillSignal=SIGTERM',
    'TimeoutStopSec=60',
    'Restart=on-failure',
    'RestartSec=2',
    '',
    '[Install]',
    `WantedBy=${spec.user ? 'default.target' : 'multi-user.target'}`,
    '',
  ].join('\n');
}

/** Whether this machine runs systemd (as sd_booted checks). */
const systemdRuns = () => existsSync('/run/systemd/system');

function systemctl(user: boolean, ...args: string[]): void {
  const r = spawnSync('systemctl', [...(user ? ['--user'] : []), ...args], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  if (r.status !== 0) throw new Error(`systemctl ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.trim()}`);
}

/** Writes (or rewrites) the unit; enables and starts it when systemd runs and no --unit-dir was given. Returns what it did. */
export function installService(spec: UnitSpec, opts: ServiceOptions): string[] {
  const path = unitPath(opts);
  const done: string[] = [];
  const existed = existsSync(path);
  mkdirSync(join(path, '..'), { recursive: true });
  // NOTE: a password in the flags makes the unit the owner's only (systemd reads it as root or the user).
  const secret = spec.args.some((a) => /^--(admin|service)-password$/.test(a)) || Object.keys(spec.env).some((k) => k.endsWith('PASSWORD'));
  writeFileSync(path, formatUnit(spec), { mode: secret ? 0o600 : 0o644 });
  chmodSync(path, secret ? 0o600 : 0o644);
  done.push(`${existed ? 'rewrote' : 'wrote'} ${path}${secret ? ' (mode 0600: it holds a password)' : ''}`);
  if (opts.unitDir) {
    done.push('left systemctl alone (--unit-dir given)');
  } else if (!systemdRuns()) {
    done.push('systemd is not running here: enable it later with `systemctl daemon-reload && systemctl enable --now`');
  } else {
    const unit = path.split('/').pop()!;
    systemctl(!!opts.user, 'daemon-reload');
    systemctl(!!opts.user, 'enable', '--now', unit);
    done.push(`systemctl${opts.user ? ' --user' : ''} daemon-reload && systemctl${opts.user ? ' --user' : ''} enable --now ${unit}`);
  }
  return done;
}

/** Disables (when systemd runs) and removes the unit; ServiceError when there is none. */
export function uninstallService(opts: ServiceOptions): string[] {
  const path = unitPath(opts);
  if (!existsSync(path)) throw new ServiceError(`no unit at ${path}; nothing changed`);
  const unit = path.split('/').pop()!;
  const done: string[] = [];
  const manage = !opts.unitDir && systemdRuns();
  if (manage) {
    systemctl(!!opts.user, 'disable', '--now', unit);
    done.push(`systemctl${opts.user ? ' --user' : ''} disable --now ${unit}`);
  }
  rmSync(path);
  done.push(`removed ${path}`);
  if (manage) {
    systemctl(!!opts.user, 'daemon-reload');
    done.push(`systemctl${opts.user ? ' --user' : ''} daemon-reload`);
  }
  return done;
}
