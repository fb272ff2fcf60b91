// Container quotas (X-Container-Meta-Quota-Bytes / -Count) and account quotas
// (X-Account-Meta-Quota-Bytes, set by a reseller admin), as swift's container_quotas and
// account_quotas middlewares check them: before an upload's bytes are read, against the counts.
import type { ObjectStoreTables } from '../store/tables.js';
import type { PutGuard } from './objects.service.js';
import { badRequest, tooLarge } from './errors.js';

const exceeded = () => tooLarge('Upload exceeds quota.');

/** The quota headers of a container PUT or POST must be whole numbers. */
export function checkContainerQuotas(headers: Record<string, string>): void {
  const bytes = headers['x-container-meta-quota-bytes'];
  if (bytes && !/^\d+$/.test(bytes)) throw badRequest('Invalid bytes quota.');
  const count = headers['x-container-meta-quota-count'];
  if (count && !/^\d+$/.test(count)) throw badRequest('Invalid count quota.');
}

export function quotaGuard(tables: ObjectStoreTables): PutGuard {
  return async (p, size, caller, container) => {
    const c = container ?? await tables.container(p.account, p.container);
    if (!c) return;
    const length = size ?? 0;
    const qb = c.metadata['x-container-meta-quota-bytes'];
    if (qb && /^\d+$/.test(qb) && Number(qb) < c.bytes_used + length) throw exceeded();
    const qc = c.metadata['x-container-meta-quota-count'];
    if (qc && /^\d+$/.test(qc) && Number(qc) < c.object_count + 1) throw exceeded();
    if (caller.resellerAdmin) return;
    const a = await tables.account(p.account);
    const aq = a?.metadata['x-account-meta-quota-bytes'];
    if (a && aq && /^\d+$/.test(aq) && Number(aq) < a.bytes_used + length) throw exceeded();
  };
}
