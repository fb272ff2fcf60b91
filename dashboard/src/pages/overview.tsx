// The project's overview: quota usage (instances, vCPUs, RAM, volumes, floating IPs, security groups).
import { useQuery } from '@tanstack/react-query';
import { Card, CardBody, CardTitle, Gallery, PageSection, Title } from '@patternfly/react-core';
import { call } from '../api/client';
import type { Session } from '../api/session';
import { useI18n } from '../i18n';
import type { Key } from '../components/resource';
import { ErrorAlert } from '../components/resource-page';

interface Usage { label: Key; used: number; limit: number }

async function usage(s: Session): Promise<Usage[]> {
  const out: Usage[] = [];
  const c = (await call(s, 'compute', 'GET', '/limits')).limits.absolute;
  out.push({ label: 'quota.instances', used: c.totalInstancesUsed, limit: c.maxTotalInstances },
    { label: 'quota.vcpus', used: c.totalCoresUsed, limit: c.maxTotalCores }, { label: 'quota.ram', used: c.totalRAMUsed, limit: c.maxTotalRAMSize });
  try {
    const v = (await call(s, 'block-storage', 'GET', '/limits')).limits.absolute;
    out.push({ label: 'quota.volumes', used: v.totalVolumesUsed, limit: v.maxTotalVolumes }, { label: 'quota.gigabytes', used: v.totalGigabytesUsed, limit: v.maxTotalVolumeGigabytes });
  } catch { /* no block storage */ }
  try {
    const n = (await call(s, 'network', 'GET', `/v2.0/quotas/${s.project.id}/details.json`)).quota;
    out.push({ label: 'quota.floatingips', used: n.floatingip.used, limit: n.floatingip.limit }, { label: 'quota.secgroups', used: n.security_group.used, limit: n.security_group.limit });
  } catch { /* no networking */ }
  return out;
}

/** A quota as Horizon draws it: a ring filled by the share used (amber from 70 %, red from 90 %). */
function Donut({ used, limit, label, caption }: { used: number; limit: number; label: string; caption: string }) {
  const share = limit > 0 ? Math.min(1, used / limit) : 0;
  const r = 40;
  const c = 2 * Math.PI * r;
  const color = share >= 0.9 ? 'var(--pf-t--global--color--status--danger--default)' : share >= 0.7 ? 'var(--pf-t--global--color--status--warning--default)' : 'var(--pf-t--global--color--brand--default)';
  return (
    <figure className="quota-donut" data-testid="quota-chart">
      <svg viewBox="0 0 100 100" width="120" height="120" role="img" aria-label={`${label}: ${caption}`}>
        <circle cx="50" cy="50" r={r} fill="none" stroke="var(--pf-t--global--border--color--default)" strokeWidth="12" />
        <circle cx="50" cy="50" r={r} fill="none" stroke={color} strokeWidth="12" strokeDasharray={`${share * c} ${c}`} transform="rotate(-90 50 50)" />
        <text x="50" y="55" textAnchor="middle" fontSize="16" fill="currentColor">{limit < 0 ? '∞' : `${Math.round(share * 100)}%`}</text>
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

export function Overview({ session }: { session: Session }) {
  const { t, num } = useI18n();
  const q = useQuery({ queryKey: ['overview', session.project.id], queryFn: () => usage(session) });
  return (
    <PageSection>
      <Title headingLevel="h1">{t('nav.overview')}</Title>
      <ErrorAlert error={q.error} />
      <Gallery hasGutter minWidths={{ default: '200px' }}>
        {(q.data ?? []).map((u) => (
          <Card key={u.label} isCompact>
            <CardTitle>{t(u.label)}</CardTitle>
            <CardBody>
              <Donut used={u.used} limit={u.limit} label={t(u.label)} caption={t('quota.usedOf', { used: num(u.used), limit: u.limit < 0 ? '∞' : num(u.limit) })} />
            </CardBody>
          </Card>
        ))}
      </Gallery>
    </PageSection>
  );
}
