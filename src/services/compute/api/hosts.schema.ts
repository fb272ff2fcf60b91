import { OneOf, strict } from './schemas.js';

// nova/api/openstack/compute/schemas/hosts.py.

const MODE = OneOf(['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE']);
/** PUT /os-hosts/{host}: status and/or maintenance_mode. */
export const HostUpdate = strict({ status: MODE, maintenance_mode: MODE }, [], { minProperties: 1 });
