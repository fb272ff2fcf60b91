// One panel: the table of a resource (polling while a row is busy), its create form, its row
// actions and delete — each form with the API drawer showing what it will send.
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import {
  Alert, AlertActionCloseButton, Button, Checkbox, Drawer, DrawerContent, DrawerContentBody, EmptyState, FileUpload, Form as PfForm, FormGroup,
  FormSelect, FormSelectOption, Modal, ModalBody, ModalFooter, ModalHeader, PageSection, Progress, TextArea, TextInput, Title, Toolbar, ToolbarContent, ToolbarItem,
} from '@patternfly/react-core';
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { ApiFailure } from '../api/client';
import type { Session } from '../api/session';
import { useI18n } from '../i18n';
import { en } from '../i18n/en';
import { ApiDrawerPanel } from './api-drawer';
import { canChange, type Field, type Form, type Option, type ResourceSpec, type Values } from './resource';

export function ErrorAlert({ error, onClose }: { error: unknown; onClose?(): void }) {
  const { t } = useI18n();
  if (!error) return null;
  const e = error as ApiFailure;
  // NOTE: a check made in the browser throws the catalogue key of its words.
  const title = e.message && e.message in en ? t(e.message as keyof typeof en) : e.message ?? String(error);
  return (
    <Alert variant="danger" isInline title={title} data-testid="error"
      actionClose={onClose ? <AlertActionCloseButton onClose={onClose} /> : undefined}>
      {e.status ? <p>{t('error.status', { status: e.status })}{e.requestId ? ` · ${t('error.request', { id: e.requestId })}` : ''}</p> : null}
    </Alert>
  );
}

function FieldInput({ field, value, set, session }: { field: Field; value: Values[string]; set(v: Values[string]): void; session: Session }) {
  const { t } = useI18n();
  const options = useQuery({ queryKey: ['options', field.name, field.label], queryFn: () => field.options!(session), enabled: !!field.options });
  const id = `field-${field.name}`;
  const label = t(field.label);
  if (field.service && !session.catalog.some((c) => c.type === field.service)) return null;
  if (field.kind === 'checkbox') return <Checkbox id={id} label={label} isChecked={value === true} onChange={(_e, c) => set(c)} />;
  let input;
  if (field.kind === 'select') {
    const opts: Option[] = options.data ?? [];
    input = (
      <FormSelect id={id} value={typeof value === 'string' ? value : ''} onChange={(_e, v) => set(v)} aria-label={label}>
        <FormSelectOption value="" label={options.isLoading ? t('common.loading') : t('common.choose')} isPlaceholder />
        {opts.map((o) => <FormSelectOption key={o.value} value={o.value} label={o.label} />)}
      </FormSelect>
    );
  } else if (field.kind === 'file') {
    const f = value instanceof File ? value : undefined;
    input = <FileUpload id={id} filename={f?.name ?? ''} browseButtonText={t('common.browse')} clearButtonText={t('common.clear')} hideDefaultPreview
      onFileInputChange={(_e, file) => set(file)} onClearClick={() => set(undefined)} />;
  } else if (field.kind === 'textarea') {
    input = <TextArea id={id} value={typeof value === 'string' ? value : ''} onChange={(_e, v) => set(v)} aria-label={label} resizeOrientation="vertical" />;
  } else {
    input = <TextInput id={id} type={field.kind} value={typeof value === 'string' ? value : ''} onChange={(_e, v) => set(v)} aria-label={label} isRequired={field.required} />;
  }
  return <FormGroup label={label} isRequired={field.required} fieldId={id}>{input}{field.help && <small>{t(field.help)}</small>}</FormGroup>;
}

/** A form in a modal: its fields, the API drawer with the calls it plans, and its errors. */
export function FormModal<R>({ form, row, session, onDone, onCancel }: { form: Form<R>; row?: R; session: Session; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const [values, setValues] = useState<Values>(() => Object.fromEntries(form.fields.map((f) => [f.name, f.kind === 'checkbox' ? f.initial === 'true' : f.initial ?? ''])));
  const [showApi, setShowApi] = useState(false);
  const [progress, setProgress] = useState<number | undefined>();
  const m = useMutation({ mutationFn: () => form.run(session, values, row, setProgress), onSuccess: onDone });
  const missing = form.fields.some((f) => f.required && (values[f.name] === '' || values[f.name] === undefined));
  const view = useQuery({ queryKey: ['view', form.label, row], queryFn: () => form.view!(session, row as R), enabled: !!form.view, refetchInterval: 3000 });
  // NOTE: each fetch makes a new one-time console token: once, never refetched.
  const link = useQuery({ queryKey: ['link', form.label, row], queryFn: () => form.link!(session, row as R), enabled: !!form.link, staleTime: Infinity, refetchOnWindowFocus: false });
  const loaded = useQuery({ queryKey: ['load', form.label, row], queryFn: () => form.load!(session, row), enabled: !!form.load, staleTime: 0, gcTime: 0 });
  useEffect(() => { if (loaded.data) setValues((old) => ({ ...old, ...loaded.data })); }, [loaded.data]);
  const plan = useMemo(() => { try { return form.plan(values, row); } catch { return []; } }, [form, values, row]);
  return (
    <Modal isOpen onClose={onCancel} variant={showApi ? 'large' : 'medium'} aria-labelledby="form-title">
      <ModalHeader title={t(form.label)} labelId="form-title" />
      <ModalBody>
        <Drawer isExpanded={showApi} isInline>
          <DrawerContent panelContent={<ApiDrawerPanel calls={plan} session={session} onClose={() => setShowApi(false)} />}>
            <DrawerContentBody>
              {form.view && <pre className="console-log" data-testid="view">{view.data ?? ''}</pre>}
              <ErrorAlert error={view.error} />
              {form.link && link.data && <Button component="a" href={link.data} target="_blank" rel="noopener" data-testid="link">{t('common.open')}</Button>}
              <ErrorAlert error={link.error} />
              <ErrorAlert error={loaded.error} />
              <PfForm onSubmit={(e) => { e.preventDefault(); if (!missing) m.mutate(); }} id="resource-form">
                {form.fields.map((f) => <FieldInput key={f.name} field={f} value={values[f.name]} session={session} set={(v) => setValues((old) => ({ ...old, [f.name]: v }))} />)}
              </PfForm>
              {progress !== undefined && m.isPending && <Progress value={Math.round(progress * 100)} title={t('common.uploading')} />}
              <ErrorAlert error={m.error} />
            </DrawerContentBody>
          </DrawerContent>
        </Drawer>
      </ModalBody>
      <ModalFooter>
        {!form.view && !form.link && <Button type="submit" form="resource-form" variant={form.danger ? 'danger' : 'primary'} isDisabled={missing || m.isPending} isLoading={m.isPending}>{t(form.label)}</Button>}
        <Button variant="secondary" onClick={() => setShowApi(!showApi)} data-testid="show-api">{t('api.show')}</Button>
        <Button variant="link" onClick={onCancel}>{t('common.cancel')}</Button>
      </ModalFooter>
    </Modal>
  );
}

export function ResourcePage<R>({ spec, session }: { spec: ResourceSpec<R>; session: Session }) {
  const i18n = useI18n();
  const { t } = i18n;
  const qc = useQueryClient();
  const key = ['list', spec.id, session.project.id];
  const list = useQuery({
    queryKey: key, queryFn: () => spec.list(session),
    refetchInterval: (q) => ((q.state.data as R[] | undefined)?.some((r) => spec.busy?.(r)) ? 1500 : false),
  });
  const [open, setOpen] = useState<{ form: Form<R> | Form; row?: R } | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => setError(undefined), [spec.id]);
  const done = () => { setOpen(undefined); void qc.invalidateQueries({ queryKey: ['list'] }); void qc.invalidateQueries({ queryKey: ['options'] }); };
  const rows = list.data ?? [];
  const writable = canChange(session, spec);
  return (
    <PageSection>
      <Title headingLevel="h1">{t(spec.title)}{spec.heading ? `: ${spec.heading}` : ''}</Title>
      <Toolbar><ToolbarContent>
        {spec.create && writable && <ToolbarItem><Button onClick={() => setOpen({ form: spec.create! })} data-testid="create">{t(spec.create.label)}</Button></ToolbarItem>}
        <ToolbarItem><Button variant="secondary" onClick={() => list.refetch()}>{t('common.refresh')}</Button></ToolbarItem>
      </ToolbarContent></Toolbar>
      <ErrorAlert error={list.error ?? error} onClose={error ? () => setError(undefined) : undefined} />
      {list.isSuccess && rows.length === 0 ? <EmptyState titleText={t('common.empty')} headingLevel="h2" /> : (
        <Table aria-label={t(spec.title)} variant="compact" data-testid="table">
          <Thead><Tr>{spec.columns.map((c) => <Th key={c.label}>{t(c.label)}</Th>)}<Th screenReaderText={t('common.actions')} /></Tr></Thead>
          <Tbody>
            {rows.map((r) => {
              const items = !writable ? [] : [
                ...(spec.actions ?? []).filter((a) => !a.when || a.when(r)).map((a) => ({ title: t(a.label), onClick: () => setOpen({ form: a as Form<R>, row: r }) })),
                ...(spec.remove ? [{ title: t(spec.remove.label), onClick: () => setOpen({ form: spec.remove!, row: r }) }] : []),
              ];
              return (
                <Tr key={spec.key(r)} data-testid={`row-${spec.name(r)}`}>
                  {spec.columns.map((c, i) => (
                    <Td key={c.label} dataLabel={t(c.label)}>{i === 0 && spec.link ? <Link to={spec.link(r)}>{c.value(r, i18n)}</Link> : c.value(r, i18n)}</Td>
                  ))}
                  <Td isActionCell>{items.length > 0 && <ActionsColumn items={items} />}</Td>
                </Tr>
              );
            })}
          </Tbody>
        </Table>
      )}
      {open && <FormModal form={open.form as Form<R>} row={open.row} session={session} onDone={done} onCancel={() => setOpen(undefined)} />}
    </PageSection>
  );
}
