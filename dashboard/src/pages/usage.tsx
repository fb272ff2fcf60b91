// Admin → Overview: every project's usage over a period (Nova's os-simple-tenant-usage), as
// Horizon's admin overview shows it, with the CSV summary to download.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, FlexItem, Form, FormGroup, PageSection, TextInput, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { call } from '../api/client';
import type { Session } from '../api/session';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../components/resource-page';

interface Usage { project: string; name: string; instances: number; vcpus: number; ram: number; disk: number; vcpuHours: number; diskHours: number; ramHours: number }

const day = (d: Date) => d.toISOString().slice(0, 10);
/** The end of the period's last day, or now when that is later (Nova counts running servers up to the end given). */
export const periodEnd = (end: string, now = new Date()) => (`${end}T23:59:59` > now.toISOString() ? now.toISOString().slice(0, 19) : `${end}T23:59:59`);

export async function usages(s: Session, start: string, end: string): Promise<Usage[]> {
  const [u, p] = await Promise.all([
    call(s, 'compute', 'GET', `/os-simple-tenant-usage?start=${start}T00:00:00&end=${periodEnd(end)}&detailed=1`),
    call(s, 'identity', 'GET', '/v3/projects').catch(() => ({ projects: [] })),
  ]);
  const names = new Map<string, string>(p.projects.map((x: { id: string; name: string }) => [x.id, x.name]));
  return (u.tenant_usages as any[]).map((t) => {
    const live = (t.server_usages ?? []).filter((x: any) => !x.ended_at);
    return {
      project: t.tenant_id, name: names.get(t.tenant_id) ?? t.tenant_id, instances: live.length,
      vcpus: live.reduce((n: number, x: any) => n + x.vcpus, 0), ram: live.reduce((n: number, x: any) => n + x.memory_mb, 0), disk: live.reduce((n: number, x: any) => n + x.local_gb, 0),
      vcpuHours: t.total_vcpus_usage, diskHours: t.total_local_gb_usage, ramHours: t.total_memory_mb_usage,
    };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

export function AdminOverview({ session }: { session: Session }) {
  const { t, num } = useI18n();
  const now = new Date();
  const [start, setStart] = useState(day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))));
  const [end, setEnd] = useState(day(now));
  const [period, setPeriod] = useState({ start, end });
  const q = useQuery({ queryKey: ['usage', period.start, period.end], queryFn: () => usages(session, period.start, period.end) });
  const rows = q.data ?? [];
  const h = (n: number) => num(Math.round(n * 100) / 100);
  const csv = () => {
    const lines = [['Project Name', 'VCPUs', 'RAM (MB)', 'Disk (GB)', 'VCPU Hours', 'Disk GB Hours', 'Memory MB Hours'].join(','),
      ...rows.map((r) => [JSON.stringify(r.name), r.vcpus, r.ram, r.disk, r.vcpuHours.toFixed(2), r.diskHours.toFixed(2), r.ramHours.toFixed(2)].join(','))];
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }));
    a.download = `usage-${period.start}-${period.end}.csv`;
    a.click();
  };
  return (
    <PageSection>
      <Title headingLevel="h1">{t('nav.usage')}</Title>
      <Form className="usage-period" onSubmit={(e) => { e.preventDefault(); setPeriod({ start, end }); }}>
        <Flex alignItems={{ default: 'alignItemsFlexEnd' }}>
          <FlexItem><FormGroup label={t('usage.from')} fieldId="usage-start"><TextInput id="usage-start" type="date" value={start} onChange={(_e, v) => setStart(v)} /></FormGroup></FlexItem>
          <FlexItem><FormGroup label={t('usage.to')} fieldId="usage-end"><TextInput id="usage-end" type="date" value={end} onChange={(_e, v) => setEnd(v)} /></FormGroup></FlexItem>
          <FlexItem><Button type="submit" data-testid="usage-submit">{t('usage.submit')}</Button></FlexItem>
          <FlexItem><Button variant="secondary" onClick={csv} isDisabled={rows.length === 0}>{t('usage.csv')}</Button></FlexItem>
        </Flex>
      </Form>
      <p className="usage-summary">{t('usage.summary', { instances: num(rows.reduce((n, r) => n + r.instances, 0)), vcpuHours: h(rows.reduce((n, r) => n + r.vcpuHours, 0)), diskHours: h(rows.reduce((n, r) => n + r.diskHours, 0)) })}</p>
      <ErrorAlert error={q.error} />
      <Table aria-label={t('nav.usage')} variant="compact" data-testid="table">
        <Thead><Tr>
          <Th>{t('field.projectId')}</Th><Th>{t('nav.instances')}</Th><Th>{t('field.vcpus')}</Th><Th>{t('field.ram')}</Th><Th>{t('field.disk')}</Th>
          <Th>{t('usage.vcpuHours')}</Th><Th>{t('usage.diskHours')}</Th><Th>{t('usage.ramHours')}</Th>
        </Tr></Thead>
        <Tbody>
          {rows.map((r) => (
            <Tr key={r.project} data-testid={`row-${r.name}`}>
              <Td dataLabel={t('field.projectId')}>{r.name}</Td><Td>{num(r.instances)}</Td><Td>{num(r.vcpus)}</Td><Td>{num(r.ram)}</Td><Td>{num(r.disk)}</Td>
              <Td>{h(r.vcpuHours)}</Td><Td>{h(r.diskHours)}</Td><Td>{h(r.ramHours)}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </PageSection>
  );
}
