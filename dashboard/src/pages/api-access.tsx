// API Access: the catalog's endpoints, and an openrc to download, as Horizon offers them.
import { Button, PageSection, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { Session } from '../api/session';
import { useI18n } from '../i18n';

export function openrc(s: Session): string {
  return [
    `export OS_AUTH_URL=${location.origin}/identity`, `export OS_PROJECT_ID=${s.project.id}`, `export OS_PROJECT_NAME="${s.project.name}"`,
    `export OS_USER_DOMAIN_NAME="${s.user.domain}"`, 'export OS_PROJECT_DOMAIN_ID="default"', `export OS_USERNAME="${s.user.name}"`,
    'echo "Please enter your OpenStack Password for project $OS_PROJECT_NAME as user $OS_USERNAME: "', 'read -sr OS_PASSWORD_INPUT', 'export OS_PASSWORD=$OS_PASSWORD_INPUT',
    'export OS_REGION_NAME="RegionOne"', 'export OS_INTERFACE=public', 'export OS_IDENTITY_API_VERSION=3', '',
  ].join('\n');
}

export function ApiAccess({ session }: { session: Session }) {
  const { t } = useI18n();
  const save = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([openrc(session)], { type: 'text/plain' }));
    a.download = `${session.project.name}-openrc.sh`;
    a.click();
  };
  return (
    <PageSection>
      <Title headingLevel="h1">{t('nav.apiAccess')}</Title>
      <Button onClick={save}>{t('api.downloadOpenrc')}</Button>
      <Table aria-label={t('nav.apiAccess')} variant="compact">
        <Thead><Tr><Th>{t('field.service')}</Th><Th>{t('field.endpoint')}</Th></Tr></Thead>
        <Tbody>
          {session.catalog.map((c) => (
            <Tr key={c.type}><Td>{c.type}</Td><Td>{c.endpoints.find((e) => e.interface === 'public')?.url}</Td></Tr>
          ))}
        </Tbody>
      </Table>
    </PageSection>
  );
}
