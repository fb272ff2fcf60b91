import { Type, type TSchema } from '@sinclair/typebox';
import { BoolLike, IntLike, Name, OneOf, strict, Tags, Uuid, versioned } from './schemas.js';

// nova/api/openstack/compute/schemas/servers.py: create and update per microversion. What Nova's
// handler words itself (a network's uuid or fixed IP, the image reference's uuid, access IPs) stays
// with the handler.

type Has = (v: string) => boolean;

const Nullable = (schema: Record<string, unknown> = {}) => Type.Unsafe<string | null>({ type: ['string', 'null'], ...schema });
const DiskConfig = OneOf(['AUTO', 'MANUAL']);
const FlavorRef = Type.Unsafe<string | number>({ type: ['string', 'number'], minLength: 1 });
/** Server metadata at create: keys of 1-255 characters, string values up to 255. */
const Metadata = Type.Unsafe<Record<string, string>>({
  type: 'object', propertyNames: { pattern: '^[\\s\\S]{1,255}$' }, additionalProperties: { type: 'string', maxLength: 255 },
});
const Network = strict({
  uuid: Type.Unknown(), port: Type.Unsafe<string | null>({ type: ['string', 'null'], pattern: Uuid.pattern }), fixed_ip: Type.Unknown(), tag: Type.Unknown(),
});
/** 'auto', 'none' or a list of networks. */
const Networks = Type.Unsafe<'auto' | 'none' | { uuid?: unknown; port?: string | null; fixed_ip?: unknown; tag?: unknown }[]>({
  type: ['string', 'array'], pattern: '^(auto|none)$', items: Network,
});

function createProps(has: Has): Record<string, TSchema> {
  return {
    name: Name, imageRef: Nullable(), flavorRef: FlavorRef, adminPass: Type.String(), metadata: Metadata, networks: Networks,
    'OS-DCF:diskConfig': DiskConfig, accessIPv4: Type.Unknown(), accessIPv6: Type.Unknown(), key_name: Nullable({ minLength: 1 }),
    availability_zone: Nullable({ minLength: 1, maxLength: 255 }), block_device_mapping: Type.Unknown(), block_device_mapping_v2: Type.Array(Type.Unknown()),
    config_drive: BoolLike, min_count: IntLike(1), max_count: IntLike(1), return_reservation_id: BoolLike,
    security_groups: Type.Array(Type.Object({ name: Type.String() })), user_data: Nullable(),
    ...(has('2.57') ? {} : { personality: Type.Unknown() }),
    ...(has('2.19') ? { description: Nullable({ maxLength: 255 }) } : {}),
    ...(has('2.52') ? { tags: Tags } : {}),
    ...(has('2.63') ? { trusted_image_certificates: Type.Unknown() } : {}),
    ...(has('2.74') ? { host: Type.String(), hypervisor_hostname: Type.String() } : {}),
    ...(has('2.90') ? { hostname: Type.String() } : {}),
  };
}

const createBody = (has: Has, required: string[]) => Type.Object({
  server: strict(createProps(has), required),
  'os:scheduler_hints': Type.Optional(Type.Unknown()), 'OS-SCH-HNT:scheduler_hints': Type.Optional(Type.Unknown()),
}, { additionalProperties: false });

/** The create body as the handler reads it (every attribute some microversion accepts). */
interface ServerCreateBody {
  server: {
    name: string; flavorRef: string | number; imageRef?: string | null; adminPass?: string; metadata?: Record<string, string>;
    networks?: 'auto' | 'none' | { uuid?: unknown; port?: string | null; fixed_ip?: unknown; tag?: unknown }[];
    'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL'; accessIPv4?: unknown; accessIPv6?: unknown; key_name?: string | null;
    availability_zone?: string | null; block_device_mapping?: unknown; block_device_mapping_v2?: unknown[];
    config_drive?: boolean | string | number; min_count?: number | string; max_count?: number | string;
    return_reservation_id?: boolean | string | number; security_groups?: { name: string }[]; user_data?: string | null;
    personality?: unknown; description?: string | null; tags?: string[]; trusted_image_certificates?: unknown;
    host?: string; hypervisor_hostname?: string; hostname?: string;
  };
  'os:scheduler_hints'?: unknown; 'OS-SCH-HNT:scheduler_hints'?: unknown;
}

export const ServerCreate = versioned(
  // NOTE: the loosest: every attribute some microversion accepts (personality went in 2.57).
  Type.Unsafe<ServerCreateBody>(createBody((v) => v !== '2.57', ['name', 'flavorRef'])),
  ['2.19', '2.37', '2.52', '2.57', '2.63', '2.74', '2.90'],
  (has) => createBody(has, ['name', 'flavorRef', ...(has('2.37') ? ['networks'] : [])]),
);

const updateProps = (has: Has) => ({
  name: Name, accessIPv4: Type.Unknown(), accessIPv6: Type.Unknown(), 'OS-DCF:diskConfig': DiskConfig,
  ...(has('2.19') ? { description: Nullable({ maxLength: 255 }) } : {}),
  ...(has('2.90') ? { hostname: Type.String() } : {}),
});
const updateBody = (has: Has) => Type.Object({ server: strict(updateProps(has)) }, { additionalProperties: false });

export const ServerUpdate = versioned(
  Type.Object({ server: Type.Partial(Type.Object({ ...updateProps(() => true) }), { additionalProperties: false }) }, { additionalProperties: false }),
  ['2.19', '2.90'],
  updateBody,
);
