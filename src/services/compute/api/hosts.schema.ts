import { gated, OneOf, strict } from './schemas.js';

// nova/api/openstack/compute/schemas/hosts.py; os-hosts is gone from 2.43.

const MODE = OneOf(['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE']);
/** PUT /os-hosts/{host}: status and/or maintenance_mode. */
export const HostUpdate = gated(strict({ status: MODE, maintenance_mode: MODE }, [], { minProperties: 1 }));
