// The project's overview: quota usage (instances, vCPUs, RAM, volumes, floating IPs, security groups).
import { useQuery } from '@tanstack/react-query';
import { Card, CardBody, CardTitle, Gallery, PageSection, Progress, Title } from '@patternfly/react-core';
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

export function Overview({ session }: { session: Session }) {
  const { t, num } = useI18n();
  const q = useQuery({ queryKey: ['overview', session.project.id], queryFn: () => usage(session) });
  return (
    <PageSection>
      <Title headingLevel="h1">{t('nav.overview')}</Title>
      <ErrorAlert error={q.error} />
      <Gallery hasGutter minWidths={{ default: '220px' }}>
        {(q.data ?? []).map((u) => (
          <Card key={u.label} isCompact>
            <CardTitle>{t(u.label)}</CardTitle>
            <CardBody>
              <Progress value={u.limit > 0 ? Math.min(100, (u.used / u.limit) * 100) : 0} title={t('quota.usedOf', { used: num(u.used), limit: u.limit < 0 ? '∞' : num(u.limit) })} aria-label={t(u.label)} />
            </CardBody>
          </Card>
        ))}
      </Gallery>
    </PageSection>
  );
}
