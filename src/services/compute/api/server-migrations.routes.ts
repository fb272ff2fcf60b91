// Moving servers (servers-admin-action.inc: migrate, os-migrateLive, evacuate) and a server's live
// migrations in progress (server-migrations.inc: list and show from 2.23, force_complete from 2.22,
// abort from 2.24, queued ones too from 2.65).
import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../core/auth/caller.js';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { newPassword } from '../domain/servers.service.js';
import { adminPassOnSharedStorage, forceWithoutHost, resourceNotFound } from '../domain/errors.js';
import { mvCheck } from './common.js';
import { serverMigrationView } from './server-migrations.view.js';
import { asBool, gated } from './schemas.js';
import { loadServer, ServerParams } from './servers.routes.js';

type ActionHandler = (d: ComputeDomain, req: ApiRequest, arg: any) => Promise<unknown>;
const P = 'os_compute_api:os-migrate-server:';

/** The server actions that move a server (their bodies are checked by server-actions.schema.ts). */
export const MIGRATION_ACTIONS: Record<string, ActionHandler> = {
  async migrate(d, req, arg) {
    const host: string | null | undefined = mvCheck(req)('2.56') && arg ? arg.host : undefined;
    const s = await loadServer(d, req, host ? `${P}migrate:host` : `${P}migrate`);
    await d.serverMigrations.migrate(callerOf(req.ctx), s.id, host);
    req.reply.code(202);
    return undefined;
  },
  async 'os-migrateLive'(d, req, arg) {
    const mv = mvCheck(req);
    const host: string | null = arg.host ?? null;
    const s = await loadServer(d, req, host ? `${P}migrate_live:host` : `${P}migrate_live`);
    if (mv('2.30') && !mv('2.68') && arg.force !== undefined && asBool(arg.force) && !host) throw forceWithoutHost();
    // NOTE: block_migration and disk_over_commit choose how a real driver copies disks; the fake's hosts share none.
    await d.serverMigrations.liveMigrate(callerOf(req.ctx), s.id, { host, async: mv('2.34') });
    req.reply.code(202);
    return undefined;
  },
  async evacuate(d, req, arg) {
    const mv = mvCheck(req);
    const s = await loadServer(d, req, 'os_compute_api:os-evacuate');
    const host: string | undefined = arg.host;
    let password: string | null = null;
    if (!mv('2.14')) {
      const shared = asBool(arg.onSharedStorage);
      if (arg.adminPass !== undefined && shared) throw adminPassOnSharedStorage();
      password = arg.adminPass ?? (shared ? null : newPassword());
    }
    if (mv('2.29') && !mv('2.68') && arg.force !== undefined && asBool(arg.force) && !host) throw forceWithoutHost();
    await d.serverMigrations.evacuate(callerOf(req.ctx), s.id, { host, targetStopped: mv('2.95') });
    // NOTE: Nova answers 200 (not 202), with the password only before 2.14 (enable_instance_password).
    return mv('2.14') ? undefined : { adminPass: password };
  },
};

const MigrationParams = Type.Object({ server_id: Type.String(), migration_id: Type.String() });
const ForceComplete = gated(Type.Object({ force_complete: Type.Null() }, { required: ['force_complete'], additionalProperties: false }));
const SM = 'os_compute_api:servers:migrations:';

export function serverMigrationRoutes(d: ComputeDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2.1/servers/:server_id/migrations', schema: { params: ServerParams },
      handler: async (req) => {
        if (!mvCheck(req)('2.23')) throw resourceNotFound();
        const s = await loadServer(d, req, `${SM}index`);
        return { migrations: (await d.serverMigrations.inProgress(s.id)).map((m) => serverMigrationView(req, m)) };
      },
    },
    {
      method: 'GET', url: '/v2.1/servers/:server_id/migrations/:migration_id', schema: { params: MigrationParams },
      handler: async (req) => {
        if (!mvCheck(req)('2.23')) throw resourceNotFound();
        const s = await loadServer(d, req, `${SM}show`);
        return { migration: serverMigrationView(req, await d.serverMigrations.show(s.id, req.params.migration_id)) };
      },
    },
    {
      method: 'POST', url: '/v2.1/servers/:server_id/migrations/:migration_id/action', schema: { params: MigrationParams, body: ForceComplete.loosest },
      handler: async (req) => {
        const mv = mvCheck(req);
        if (!mv('2.22')) throw resourceNotFound();
        ForceComplete.check(mv, req.body);
        const s = await loadServer(d, req, `${SM}force_complete`);
        await d.serverMigrations.forceComplete(callerOf(req.ctx), s.id, req.params.migration_id);
        req.reply.code(202);
        return undefined;
      },
    },
    {
      method: 'DELETE', url: '/v2.1/servers/:server_id/migrations/:migration_id', schema: { params: MigrationParams },
      handler: async (req) => {
        const mv = mvCheck(req);
        if (!mv('2.24')) throw resourceNotFound();
        const s = await loadServer(d, req, `${SM}delete`);
        await d.serverMigrations.abort(callerOf(req.ctx), s.id, req.params.migration_id, mv('2.65'));
        req.reply.code(202);
        return undefined;
      },
    },
  ];
}
