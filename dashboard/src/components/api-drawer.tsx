// The API drawer: the exact REST requests a form is about to send, the equivalent `openstack` CLI
// line and a curl line for each, copyable — from the dashboard lab to the CLI and curl labs.
import { Button, ClipboardCopy, DrawerActions, DrawerCloseButton, DrawerHead, DrawerPanelBody, DrawerPanelContent, Title } from '@patternfly/react-core';
import type { Planned } from './resource';
import { useI18n } from '../i18n';
import { urlOf } from '../api/client';
import type { Session } from '../api/session';

/** The full path of a planned call (its service's endpoint and its path). */
export function pathOf(s: Session, p: Planned): string {
  try { return urlOf(s, p.service, p.path); } catch { return p.path; }
}

export function curlLine(s: Session, p: Planned): string {
  const url = `${location.origin}${pathOf(s, p)}`;
  const body = p.body !== undefined ? ` -H 'Content-Type: application/json' -d '${JSON.stringify(p.body)}'` : '';
  return `curl -X ${p.method} -H "X-Auth-Token: $OS_TOKEN"${body} '${url}'`;
}

export function ApiDrawerPanel({ calls, session, onClose }: { calls: Planned[]; session: Session; onClose(): void }) {
  const { t } = useI18n();
  return (
    <DrawerPanelContent widths={{ default: 'width_50' }}>
      <DrawerHead>
        <Title headingLevel="h2" size="lg">{t('api.title')}</Title>
        <DrawerActions><DrawerCloseButton onClick={onClose} aria-label={t('common.close')} /></DrawerActions>
      </DrawerHead>
      <DrawerPanelBody>
        {calls.length === 0 && <p>{t('api.none')}</p>}
        {calls.map((c, i) => (
          <section key={i} className="api-call" data-testid="api-call">
            <Title headingLevel="h3" size="md">{c.method} {pathOf(session, c)}</Title>
            {c.body !== undefined && <pre className="api-body">{JSON.stringify(c.body, null, 2)}</pre>}
            {c.cli && <><p className="api-label">{t('api.cli')}</p><ClipboardCopy isReadOnly hoverTip={t('api.copy')} clickTip={t('api.copied')} data-testid="api-cli">{c.cli}</ClipboardCopy></>}
            <p className="api-label">curl</p>
            <ClipboardCopy isReadOnly hoverTip={t('api.copy')} clickTip={t('api.copied')}>{curlLine(session, c)}</ClipboardCopy>
          </section>
        ))}
        <Button variant="link" onClick={onClose}>{t('common.close')}</Button>
      </DrawerPanelBody>
    </DrawerPanelContent>
  );
}
