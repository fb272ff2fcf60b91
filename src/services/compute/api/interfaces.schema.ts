import { Type } from '@sinclair/typebox';
import { strict, Tag, Uuid, versioned } from './schemas.js';

// nova/api/openstack/compute/schemas/attach_interfaces.py: port_id or net_id, one fixed IP, a
// device tag from 2.49; no body at all attaches to the project's network.

const FixedIps = Type.Array(strict({ ip_address: Type.String() }, ['ip_address']), { minItems: 1, maxItems: 1 });
const attachment = (tag: boolean) => strict({ port_id: Uuid, net_id: Uuid, fixed_ips: FixedIps, ...(tag ? { tag: Tag } : {}) });
interface Attachment { port_id: string; net_id: string; fixed_ips: { ip_address: string }[]; tag: string }
const body = (tag: boolean) => Type.Unsafe<{ interfaceAttachment?: Partial<Attachment> } | null>({
  type: ['object', 'null'], properties: { interfaceAttachment: attachment(tag) }, additionalProperties: false,
});

export const InterfaceAttach = versioned(body(true), ['2.49'], (has) => body(has('2.49')));
