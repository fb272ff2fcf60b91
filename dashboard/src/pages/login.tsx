// Horizon's login form: domain, user name and password.
import { useState } from 'react';
import { ActionGroup, Button, Form, FormGroup, FormSelect, FormSelectOption, ListItem, LoginPage, TextInput } from '@patternfly/react-core';
import { login, type Session } from '../api/session';
import { useI18n, type Lang } from '../i18n';
import { ErrorAlert } from '../components/resource-page';

export function Login({ onLogin }: { onLogin(s: Session): void }) {
  const { t, lang, setLang } = useI18n();
  const [domain, setDomain] = useState('Default');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try { onLogin(await login(domain, user, password)); } catch (e) { setError(e); } finally { setBusy(false); }
  };
  return (
    <LoginPage loginTitle={t('login.title')} loginSubtitle={t('login.subtitle')} brandImgSrc={undefined}
      footerListItems={<ListItem><FormSelect value={lang} onChange={(_e, v) => setLang(v as Lang)} aria-label={t('common.language')} id="login-lang">
        <FormSelectOption value="en" label="English" /><FormSelectOption value="ko" label="한국어" />
      </FormSelect></ListItem>}>
      <Form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <FormGroup label={t('login.domain')} fieldId="login-domain"><TextInput id="login-domain" value={domain} onChange={(_e, v) => setDomain(v)} /></FormGroup>
        <FormGroup label={t('login.user')} fieldId="login-user" isRequired><TextInput id="login-user" value={user} onChange={(_e, v) => setUser(v)} autoComplete="username" isRequired /></FormGroup>
        <FormGroup label={t('login.password')} fieldId="login-password" isRequired><TextInput id="login-password" type="password" value={password} onChange={(_e, v) => setPassword(v)} autoComplete="current-password" isRequired /></FormGroup>
        <ErrorAlert error={error} />
        <ActionGroup><Button type="submit" variant="primary" isBlock isLoading={busy} isDisabled={busy || !user || !password}>{t('login.submit')}</Button></ActionGroup>
      </Form>
    </LoginPage>
  );
}
