// The user's own password (the masthead's user menu): POST /v3/users/{id}/password with the
// original one, then the session logs in again with the new one, in the same project (Horizon
// logs out and asks for it; the dashboard knows it already).
import { useState } from 'react';
import { Alert, Button, Form, FormGroup, Modal, ModalBody, ModalFooter, ModalHeader, TextInput } from '@patternfly/react-core';
import { call } from '../api/client';
import { login, type Session } from '../api/session';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../components/resource-page';

export function ChangePassword({ session, onDone, onCancel }: { session: Session; onDone(s: Session): void; onCancel(): void }) {
  const { t } = useI18n();
  const [original, setOriginal] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const mismatch = confirm !== '' && password !== confirm;
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await call(session, 'identity', 'POST', `/v3/users/${session.user.id}/password`, { user: { original_password: original, password } });
      localStorage.setItem('stratus.lastProject', session.project.id);
      onDone(await login(session.user.domain, session.user.name, password));
    } catch (e) { setError(e); } finally { setBusy(false); }
  };
  return (
    <Modal isOpen onClose={onCancel} variant="small" aria-labelledby="password-title">
      <ModalHeader title={t('password.change')} labelId="password-title" />
      <ModalBody>
        <Form id="password-form" onSubmit={(e) => { e.preventDefault(); if (!mismatch) void submit(); }}>
          <FormGroup label={t('field.currentPassword')} fieldId="password-original" isRequired>
            <TextInput id="password-original" type="password" value={original} onChange={(_e, v) => setOriginal(v)} autoComplete="current-password" isRequired />
          </FormGroup>
          <FormGroup label={t('field.newPassword')} fieldId="password-new" isRequired>
            <TextInput id="password-new" type="password" value={password} onChange={(_e, v) => setPassword(v)} autoComplete="new-password" isRequired />
          </FormGroup>
          <FormGroup label={t('field.confirmPassword')} fieldId="password-confirm" isRequired>
            <TextInput id="password-confirm" type="password" value={confirm} onChange={(_e, v) => setConfirm(v)} autoComplete="new-password" isRequired validated={mismatch ? 'error' : 'default'} />
          </FormGroup>
          {mismatch && <Alert variant="warning" isInline isPlain title={t('password.mismatch')} />}
          <ErrorAlert error={error} />
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="password-form" isDisabled={!original || !password || mismatch || busy} isLoading={busy}>{t('password.change')}</Button>
        <Button variant="link" onClick={onCancel}>{t('common.cancel')}</Button>
      </ModalFooter>
    </Modal>
  );
}
