// GET /servers/{id}/diagnostics (servers-admin / diagnostics.inc): the driver's counters, in
// Nova's common format from 2.48 and as a libvirt-style flat dict before.
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { mv } from './common.js';
import { loadServer, ServerParams } from './servers.routes.js';
import { diagnosticsView, legacyDiagnosticsView } from './server-diagnostics.view.js';

export function serverDiagnosticsRoutes(d: ComputeDomain): RouteSpec[] {
  return [{
    method: 'GET', url: '/v2.1/servers/:server_id/diagnostics', schema: { params: ServerParams },
    handler: async (req) => {
      const s = await loadServer(d, req, 'os_compute_api:os-server-diagnostics');
      const g = await d.diagnostics(s);
      return mv(req, '2.48') ? diagnosticsView(g) : legacyDiagnosticsView(g);
    },
  }];
}
