// Configuration: flags > env (STRATUS_*) > config file (JSON or DevStack local.conf) > defaults.

export interface SecurityCompliance {
  /** Failed logins before the account locks (0 = never), as keystone [security_compliance]. */
  lockoutFailureAttempts: number;
  /** Seconds an account stays locked. */
  lockoutDurationSeconds: number;
  /** How many previous passwords a new one may not repeat (Keystone counts the current one). */
  uniqueLastPasswordCount: number;
  /** Days a password must be kept before the user may change it again (0 = any time). */
  minimumPasswordAgeDays: number;
}

export interface CloudConfig {
  port: number;
  /** Listen address. */
  bind: string;
  /** The address written into every catalog URL (DevStack's HOST_IP). */
  hostIp: string;
  dataDir: string;
  adminPassword: string;
  servicePassword: string;
  /** Services that run and appear in the catalog. */
  services: string[];
  /** `[host:]port` for the Node inspector, when set. */
  debug?: string;
  logLevel: string;
  tokenExpirationSeconds: number;
  bcryptCost: number;
  security: SecurityCompliance;
}

export const ALL_SERVICES = ['identity'];

export function defaultConfig(): CloudConfig {
  return {
    port: 8080,
    bind: '0.0.0.0',
    hostIp: '127.0.0.1',
    dataDir: './data',
    adminPassword: 'secret',
    servicePassword: 'secret',
    services: [...ALL_SERVICES],
    logLevel: 'info',
    tokenExpirationSeconds: 3600,
    bcryptCost: 12,
    // NOTE: the numbers Tempest's interop run expects (see conformance/run-tempest.sh).
    security: { lockoutFailureAttempts: 2, lockoutDurationSeconds: 5, uniqueLastPasswordCount: 2, minimumPasswordAgeDays: 0 },
  };
}
