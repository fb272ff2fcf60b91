// /os-instance_usage_audit_log (os-instance-usage-audit-log.inc): the state of the compute hosts'
// usage audit for the last completed period, now or before a given time.
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { Type } from '@sinclair/typebox';
import { strTime } from './times.js';

const P = 'os_compute_api:os-instance-usage-audit-log:';
const BeforeParams = Type.Object({ before: Type.String() });

/** Nova's strptime formats: '%Y-%m-%d %H:%M:%S' or with '.%f'. */
function parseBefore(text: string): Date {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?$/.exec(text);
  const bad = () => new BadRequest(`Invalid timestamp for date ${text}`);
  if (!m) throw bad();
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s, Number((m[7] ?? '0').padEnd(6, '0').slice(0, 3))));
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw bad();
  return t;
}

/** The audit log as Nova prints it: its period as str(datetime). */
async function auditLog(d: ComputeDomain, before?: Date): Promise<Record<string, unknown>> {
  const log = await d.hosts.usageAuditLog(before);
  return { ...log, period_beginning: strTime(log.period_beginning), period_ending: strTime(log.period_ending) };
}

export function instanceUsageAuditLogRoutes(d: ComputeDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2.1/os-instance_usage_audit_log',
      handler: async (req) => {
        req.ctx.authorize(`${P}list`, {});
        return { instance_usage_audit_logs: await auditLog(d) };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-instance_usage_audit_log/:before', schema: { params: BeforeParams },
      handler: async (req) => {
        req.ctx.authorize(`${P}show`, {});
        return { instance_usage_audit_log: await auditLog(d, parseBefore(req.params.before)) };
      },
    },
  ];
}
