// GET /os-migrations (os-migrations.inc): every migration, newest first, with Nova's filters;
// migration_type from 2.23, uuid and paging from 2.59, changes-before from 2.66, user and project
// from 2.80.
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { queryInt, queryStr, mvCheck } from './common.js';
import { migrationView } from './migrations.view.js';
import { pageAfter } from '../../../core/pagination/pagination.js';
import { changesSinceAfterBefore, markerCouldNotBeFound, notADateTime } from '../domain/errors.js';

function isoParam(q: Record<string, unknown>, field: string): string | undefined {
  const v = queryStr(q, field);
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw notADateTime(field, v);
  return new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function migrationRoutes(d: ComputeDomain): RouteSpec[] {
  return [{
    method: 'GET', url: '/v2.1/os-migrations',
    handler: async (req) => {
      req.ctx.authorize('os_compute_api:os-migrations:index', {});
      const mv = mvCheck(req);
      const q = req.query as Record<string, unknown>;
      const changesSince = mv('2.59') ? isoParam(q, 'changes-since') : undefined;
      const changesBefore = mv('2.66') ? isoParam(q, 'changes-before') : undefined;
      if (changesSince && changesBefore && changesBefore < changesSince) throw changesSinceAfterBefore();
      let list = await d.migrations.list({
        status: queryStr(q, 'status'), host: queryStr(q, 'host'), instanceUuid: queryStr(q, 'instance_uuid'),
        sourceCompute: queryStr(q, 'source_compute'), migrationType: mv('2.23') ? queryStr(q, 'migration_type') : undefined,
        projectId: mv('2.80') ? queryStr(q, 'project_id') : undefined, userId: mv('2.80') ? queryStr(q, 'user_id') : undefined,
        changesSince, changesBefore,
      });
      const body: Record<string, unknown> = {};
      if (mv('2.59')) {
        list = pageAfter(list, { marker: queryStr(q, 'marker') }, (m) => m.uuid, markerCouldNotBeFound);
        const limit = queryInt(q, 'limit');
        if (limit !== undefined) {
          list = list.slice(0, limit);
          if (limit > 0 && list.length === limit) body.migrations_links = [{ rel: 'next', href: `${d.computeUrl()}/v2.1/os-migrations?limit=${limit}&marker=${list[list.length - 1]!.uuid}` }];
        }
      }
      return { migrations: list.map((m) => migrationView(req, d, m)), ...body };
    },
  }];
}
