// Network Topology: networks, routers and instances of the project, and their links (router
// gateways and interfaces, instance ports), drawn in layers; a node opens its panel.
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { PageSection, Title } from '@patternfly/react-core';
import { call } from '../api/client';
import type { Session } from '../api/session';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../components/resource-page';

export interface TopoNode { id: string; kind: 'external' | 'network' | 'router' | 'instance'; name: string; layer: number }
export interface TopoLink { from: string; to: string }

/** The picture's graph from the APIs' lists (exported for the component test). */
export function graph(networks: any[], routers: any[], ports: any[], servers: any[]): { nodes: TopoNode[]; links: TopoLink[] } {
  const nodes: TopoNode[] = [];
  const links: TopoLink[] = [];
  const seen = new Set<string>();
  const add = (n: TopoNode) => { if (!seen.has(n.id)) { seen.add(n.id); nodes.push(n); } };
  for (const n of networks) add({ id: n.id, kind: n['router:external'] ? 'external' : 'network', name: n.name || n.id.slice(0, 8), layer: n['router:external'] ? 0 : 2 });
  for (const r of routers) {
    add({ id: r.id, kind: 'router', name: r.name || r.id.slice(0, 8), layer: 1 });
    const gw = r.external_gateway_info?.network_id;
    if (gw && seen.has(gw)) links.push({ from: r.id, to: gw });
  }
  for (const s of servers) add({ id: s.id, kind: 'instance', name: s.name, layer: 3 });
  for (const p of ports) {
    if (!seen.has(p.network_id) || !seen.has(p.device_id)) continue;
    if (p.device_owner === 'network:router_interface' || p.device_owner === 'network:router_interface_distributed' || String(p.device_owner).startsWith('compute:')) {
      if (!links.some((l) => l.from === p.device_id && l.to === p.network_id)) links.push({ from: p.device_id, to: p.network_id });
    }
  }
  return { nodes, links };
}

async function load(s: Session) {
  const [n, r, p, v] = await Promise.all([
    call(s, 'network', 'GET', '/v2.0/networks'), call(s, 'network', 'GET', '/v2.0/routers'),
    call(s, 'network', 'GET', '/v2.0/ports'), call(s, 'compute', 'GET', '/servers'),
  ]);
  return graph(n.networks, r.routers, p.ports, v.servers);
}

const W = 170;
const H = 44;
const GAP_X = 30;
const GAP_Y = 90;
const COLORS: Record<TopoNode['kind'], string> = { external: '#3e8635', network: '#0066cc', router: '#f0ab00', instance: '#6a6e73' };
const PANEL: Record<TopoNode['kind'], string> = { external: '/project/networks', network: '/project/networks', router: '/project/routers', instance: '/project/instances' };

export function Topology({ session }: { session: Session }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const q = useQuery({ queryKey: ['topology', session.project.id], queryFn: () => load(session), refetchInterval: 5000 });
  const nodes = q.data?.nodes ?? [];
  const layers = [0, 1, 2, 3].map((l) => nodes.filter((n) => n.layer === l));
  const pos = new Map<string, { x: number; y: number }>();
  layers.forEach((row, l) => row.forEach((n, i) => pos.set(n.id, { x: 20 + i * (W + GAP_X), y: 20 + l * (H + GAP_Y) })));
  const width = Math.max(400, ...layers.map((row) => 40 + row.length * (W + GAP_X)));
  const height = 40 + 4 * (H + GAP_Y) - GAP_Y;
  return (
    <PageSection>
      <Title headingLevel="h1">{t('nav.topology')}</Title>
      <ErrorAlert error={q.error} />
      <svg width={width} height={height} role="img" aria-label={t('nav.topology')} data-testid="topology">
        {(q.data?.links ?? []).map((l) => {
          const a = pos.get(l.from)!;
          const b = pos.get(l.to)!;
          return <line key={`${l.from}-${l.to}`} data-testid={`link-${l.from}-${l.to}`} x1={a.x + W / 2} y1={a.y + H / 2} x2={b.x + W / 2} y2={b.y + H / 2} stroke="#8a8d90" strokeWidth={2} />;
        })}
        {nodes.map((n) => {
          const p = pos.get(n.id)!;
          return (
            <g key={n.id} data-testid={`node-${n.kind}-${n.name}`} data-id={n.id} transform={`translate(${p.x},${p.y})`} style={{ cursor: 'pointer' }}
              onClick={() => navigate(PANEL[n.kind])} role="link">
              <title>{`${t(`topology.${n.kind}` as 'topology.router')} ${n.name}`}</title>
              <rect width={W} height={H} rx={6} fill="#fff" stroke={COLORS[n.kind]} strokeWidth={2} />
              <text x={10} y={18} fontSize={11} fill="#4d5258">{t(`topology.${n.kind}` as 'topology.router')}</text>
              <text x={10} y={35} fontSize={14} fill="#151515">{n.name.length > 20 ? `${n.name.slice(0, 19)}…` : n.name}</text>
            </g>
          );
        })}
      </svg>
    </PageSection>
  );
}
