import { Type, type TSchema } from '@sinclair/typebox';
import { MV } from '../microversions.js';
import { BoolLike, IntLike, Metadata, Name, NoBody, OneOf, strict, versioned } from './schemas.js';

// POST /servers/{id}/action: one key names the action, its value is checked with that action's
// own schema (nova/api/openstack/compute/schemas: servers.py reboot, resize, rebuild,
// create_image; create_backup.py, reset_server_state.py, lock_server.py, rescue.py, shelve.py,
// console_output.py, remote_consoles.py, floating_ips.py, admin_password.py). An action no schema
// names reaches the handler, which answers Nova's "There is no such action".

type Has = (v: string) => boolean;

const Nullable = (type: string, extra: Record<string, unknown> = {}) => Type.Unsafe<string | null>({ type: [type, 'null'], ...extra });
/** An object or null with these attributes. */
const objectOrNull = (props: Record<string, TSchema>) =>
  Type.Unsafe<Record<string, unknown> | null>({ type: ['object', 'null'], properties: props, additionalProperties: false });
const DiskConfig = OneOf(['AUTO', 'MANUAL']);

const NO_BODY = ['os-start', 'os-stop', 'pause', 'unpause', 'suspend', 'resume', 'shelve', 'shelveOffload', 'unrescue', 'revertResize',
  'forceDelete', 'confirmResize', 'injectNetworkInfo', 'unlock', 'restore'];

function rebuild(has: Has): TSchema {
  return strict({
    imageRef: Type.String(), name: Name, adminPass: Type.String(), metadata: Metadata, preserve_ephemeral: Type.Unknown(),
    'OS-DCF:diskConfig': DiskConfig, accessIPv4: Type.Unknown(), accessIPv6: Type.Unknown(),
    ...(has(MV.quotaNoInjected) ? {} : { personality: Type.Unknown() }),
    ...(has('2.19') ? { description: Nullable('string', { maxLength: 255 }) } : {}),
    ...(has('2.54') ? { key_name: Nullable('string') } : {}),
    ...(has('2.57') ? { user_data: Nullable('string') } : {}),
    ...(has('2.63') ? { trusted_image_certificates: Type.Unknown() } : {}),
    ...(has('2.90') ? { hostname: Type.String() } : {}),
  }, ['imageRef']);
}

/** nova's parameter_types.fqdn as the migrate_server and evacuate schemas take a host (null allowed where said). */
const Host = Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' });
const HostOrNull = Nullable('string', { minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' });

/** os-migrateLive (schemas/migrate_server.py): disk_over_commit until 2.25, 'auto' from 2.25, force 2.30–2.67. */
function migrateLive(has: Has): TSchema {
  if (!has('2.25')) return strict({ block_migration: BoolLike, disk_over_commit: BoolLike, host: HostOrNull }, ['block_migration', 'disk_over_commit', 'host']);
  const block = Type.Unsafe<boolean | string | number>({ anyOf: [BoolLike, { type: 'string', enum: ['auto'] }] });
  return strict({ block_migration: block, host: HostOrNull, ...(has('2.30') && !has('2.68') ? { force: BoolLike } : {}) }, ['block_migration', 'host']);
}

/** evacuate (schemas/evacuate.py): onSharedStorage required until 2.14, force 2.29–2.67. */
function evacuate(has: Has): TSchema {
  const base = { host: Host, adminPass: Type.String() };
  if (!has('2.14')) return strict({ ...base, onSharedStorage: BoolLike }, ['onSharedStorage']);
  return strict({ ...base, ...(has('2.29') && !has('2.68') ? { force: BoolLike } : {}) });
}

/** Each known action's body schema at a microversion (`has(v)`: at least v). */
function actions(has: Has): Record<string, TSchema> {
  const out: Record<string, TSchema> = Object.fromEntries(NO_BODY.map((a) => [a, NoBody]));
  Object.assign(out, {
    reboot: strict({ type: OneOf(['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']) }, ['type']),
    unshelve: has('2.91') ? objectOrNull({ availability_zone: Nullable('string'), host: Type.String() })
      : has('2.77') ? objectOrNull({ availability_zone: Type.String() }) : Type.Null(),
    'os-resetState': strict({ state: OneOf(['active', 'error']) }, ['state']),
    // NOTE: before 2.73 Nova's lock takes no schema: whatever comes is ignored.
    lock: has('2.73') ? objectOrNull({ locked_reason: Type.String({ maxLength: 255 }) }) : Type.Unknown(),
    rescue: objectOrNull({ adminPass: Type.String(), rescue_image_ref: Type.String() }),
    resize: strict({ flavorRef: Type.Unsafe<string | number>({ type: ['string', 'number'], minLength: 1 }), 'OS-DCF:diskConfig': DiskConfig }, ['flavorRef']),
    rebuild: rebuild(has),
    createImage: strict({ name: Name, metadata: Metadata }, ['name']),
    createBackup: strict({ name: Name, backup_type: Type.String(), rotation: IntLike(0), metadata: Metadata }, ['name', 'backup_type', 'rotation']),
    'os-getConsoleOutput': objectOrNull({
      length: Type.Unsafe<number | string | null>({ type: ['integer', 'string', 'null'], pattern: '^(-1|[0-9]+)$', minimum: -1 }),
    }),
    'os-getVNCConsole': strict({ type: OneOf(['novnc', 'xvpvnc']) }, ['type']),
    // NOTE: Nova's handler words a missing name itself ("Security group name cannot be empty").
    addSecurityGroup: Type.Unsafe<{ name?: unknown } | null>({ type: ['object', 'null'] }),
    removeSecurityGroup: Type.Unsafe<{ name?: unknown } | null>({ type: ['object', 'null'] }),
    changePassword: strict({ adminPass: Type.String() }, ['adminPass']),
    // NOTE: before 2.56 Nova's migrate takes no schema: whatever comes is ignored.
    migrate: has('2.56') ? objectOrNull({ host: HostOrNull }) : Type.Unknown(),
    'os-migrateLive': migrateLive(has),
    evacuate: evacuate(has),
  });
  // NOTE: gone from 2.44: the handler answers "There is no such action".
  if (!has(MV.floatingIpActionsRemoved)) {
    out.addFloatingIp = strict({ address: Type.String(), fixed_address: Type.String() }, ['address']);
    out.removeFloatingIp = strict({ address: Type.String() }, ['address']);
  }
  return out;
}

const body = (has: Has) => Type.Object(
  Object.fromEntries(Object.entries(actions(has)).map(([k, v]) => [k, Type.Optional(v)])),
  { additionalProperties: true, minProperties: 1, maxProperties: 1 },
);

// NOTE: the loosest of each action is the newest, plus what older versions alone accept.
const newest = (v: string) => v !== MV.floatingIpActionsRemoved && v !== MV.quotaNoInjected;
const loosest = Type.Object({
  ...body(newest).properties,
  rebuild: Type.Optional(Type.Object({ imageRef: Type.String() }, { additionalProperties: true })),
  unshelve: Type.Optional(Type.Unknown()), lock: Type.Optional(Type.Unknown()),
  migrate: Type.Optional(Type.Unknown()), 'os-migrateLive': Type.Optional(Type.Unknown()), evacuate: Type.Optional(Type.Unknown()),
}, { additionalProperties: true, minProperties: 1, maxProperties: 1 });

export const ServerAction = versioned(loosest, ['2.14', '2.19', '2.25', '2.29', '2.30', MV.floatingIpActionsRemoved, '2.54', '2.56', MV.quotaNoInjected, '2.63', '2.68', '2.73', '2.77', '2.90', '2.91'], body);

/** POST /servers/{id}/remote-consoles (2.6): the protocol and type pairs are checked by the handler. */
export const RemoteConsoleCreate = Type.Object({
  remote_console: Type.Object({ protocol: Type.String(), type: Type.String() }, { additionalProperties: false }),
}, { additionalProperties: false });
