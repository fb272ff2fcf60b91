// Accounts (AUTH_<project_id>): created on first use (account_autocreate), metadata by POST.
import type { AccountRecord, ObjectStoreTables } from '../store/tables.js';
import { timestamp } from './clock.js';
import { PROJECT_DOMAIN_SYSMETA, UNKNOWN_DOMAIN_ID, type Grant } from './access.js';
import type { Caller } from './objects.service.js';
import { listing, type ListQuery } from './listing.js';
import { updatedMeta } from './metadata.js';
import { badRequest, forbidden } from './errors.js';
import { pyRepr } from './constraints.js';

export class AccountsService {
  constructor(private readonly tables: ObjectStoreTables) {}

  /** The account, or the empty one Swift's autocreate shows before the first container exists. */
  async get(account: string): Promise<AccountRecord> {
    return (await this.tables.account(account)) ?? emptyAccount(account);
  }

  /** The account when it exists (Swift's account_really_exists). */
  find(account: string): Promise<AccountRecord | undefined> {
    return this.tables.account(account);
  }

  async update(account: string, headers: Record<string, string>, grant: Grant, caller: Caller): Promise<void> {
    if (grant !== 'owner') throw forbidden();
    for (const quota of ['x-account-meta-quota-bytes', 'x-remove-account-meta-quota-bytes']) {
      if (quota in headers && !caller.resellerAdmin) throw forbidden();
    }
    const q = headers['x-account-meta-quota-bytes'];
    if (q !== undefined && q !== '' && !/^\d+$/.test(q)) throw badRequest();
    if ('x-account-access-control' in headers) validateAccountAcl(headers['x-account-access-control']!);
    const ts = timestamp();
    await this.tables.transaction(async (tx) => {
      const current = (await this.tables.account(account, tx)) ?? await this.create(account, tx, caller.accountDomainId);
      const metadata = updatedMeta(current.metadata, headers, 'account', true);
      // NOTE: an account of unknown domain learns it from its own project's caller, as keystoneauth does.
      const known = caller.accountDomainId;
      if (current.metadata[PROJECT_DOMAIN_SYSMETA] === UNKNOWN_DOMAIN_ID && known && known !== UNKNOWN_DOMAIN_ID) metadata[PROJECT_DOMAIN_SYSMETA] = known;
      await this.tables.setAccountMeta(account, metadata, ts, tx);
    });
  }

  /** Creates the account row when absent (the first container PUT or POST). */
  async create(account: string, tx: Parameters<ObjectStoreTables['insertAccount']>[1], domainId?: string): Promise<AccountRecord> {
    const a = emptyAccount(account);
    if (domainId !== undefined) a.metadata[PROJECT_DOMAIN_SYSMETA] = domainId;
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

/**
 * X-Account-Access-Control: a JSON object of admin / read-write / read-only lists of strings, or
 * 400 in tempauth's words (extract_acl_and_report_errors).
 */
function validateAccountAcl(value: string): void {
  if (value === '') return;
  const refuse = (why: string) => badRequest(`X-Account-Access-Control invalid: ${why}\n\nInput: ${value}\n`);
  let acl: unknown;
  try { acl = JSON.parse(value); } catch { acl = undefined; }
  if (typeof acl !== 'object' || acl === null || Array.isArray(acl)) throw refuse(`Syntax error in input (${pyRepr(value)})`);
  for (const k of Object.keys(acl)) if (!['admin', 'read-write', 'read-only'].includes(k)) throw refuse(`Key ${JSON.stringify(k)} not recognized`);
  for (const [k, v] of Object.entries(acl)) {
    if (!Array.isArray(v)) throw refuse(`Value for key ${JSON.stringify(k)} must be a list`);
    if (v.some((e) => typeof e !== 'string')) throw refuse(`Elements of ${JSON.stringify(k)} list must be strings`);
  }
}
