// Accounts (AUTH_<project_id>): created on first use (account_autocreate), metadata by POST.
import type { AccountRecord, ObjectStoreTables } from '../store/tables.js';
import { timestamp } from './clock.js';
import type { Grant } from './access.js';
import { listing, type ListQuery } from './listing.js';
import { updatedMeta } from './metadata.js';
import { badRequest, forbidden } from './errors.js';

export class AccountsService {
  constructor(private readonly tables: ObjectStoreTables) {}

  /** The account, or the empty one Swift's autocreate shows before the first container exists. */
  async get(account: string): Promise<AccountRecord> {
    return (await this.tables.account(account)) ?? emptyAccount(account);
  }

  async update(account: string, headers: Record<string, string>, grant: Grant, resellerAdmin: boolean): Promise<void> {
    if (grant !== 'owner') throw forbidden();
    for (const quota of ['x-account-meta-quota-bytes', 'x-remove-account-meta-quota-bytes']) {
      if (quota in headers && !resellerAdmin) throw forbidden();
    }
    const q = headers['x-account-meta-quota-bytes'];
    if (q !== undefined && q !== '' && !/^\d+$/.test(q)) throw badRequest();
    if ('x-account-access-control' in headers) validateAccountAcl(headers['x-account-access-control']!);
    const ts = timestamp();
    await this.tables.transaction(async (tx) => {
      const current = (await this.tables.account(account, tx)) ?? await this.create(account, tx);
      await this.tables.setAccountMeta(account, updatedMeta(current.metadata, headers, 'account', true), ts, tx);
    });
  }

  /** Creates the account row when absent (the first container PUT or POST). */
  async create(account: string, tx: Parameters<ObjectStoreTables['insertAccount']>[1]): Promise<AccountRecord> {
    const a = emptyAccount(account);
    await this.tables.insertAccount(a, tx);
    return a;
  }

  list(account: string, q: ListQuery) {
    return listing((w) => this.tables.listContainers(account, w), q);
  }
}

export function emptyAccount(account: string): AccountRecord {
  const ts = timestamp();
  return { account, metadata: {}, created_at: ts, put_timestamp: ts, container_count: 0, object_count: 0, bytes_used: 0 };
}

/** X-Account-Access-Control: a JSON object of admin / read-write / read-only lists of strings. */
function validateAccountAcl(value: string): void {
  if (value === '') return;
  let acl: unknown;
  try { acl = JSON.parse(value); } catch { throw badRequest('Syntax error in input (not JSON)'); }
  if (typeof acl !== 'object' || acl === null || Array.isArray(acl)) throw badRequest('Syntax error in input (not a JSON object)');
  for (const [k, v] of Object.entries(acl)) {
    if (!['admin', 'read-write', 'read-only'].includes(k)) throw badRequest(`Key '${k}' not recognized`);
    if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) throw badRequest(`Value for key '${k}' must be a list`);
  }
}
