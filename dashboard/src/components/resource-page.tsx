// One panel: the table of a resource (polling while a row is busy), its create form, its row
// actions and delete — each form with the API drawer showing what it will send.
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import {
  Alert, AlertActionCloseButton, Button, Checkbox, Drawer, DrawerContent, DrawerContentBody, EmptyState, FileUpload, Form as PfForm, FormGroup,
  FormHelperText, FormSection, HelperText, HelperTextItem, FormSelect, FormSelectOption, Modal, ModalBody, ModalFooter, ModalHeader, PageSection, Progress, TextArea, TextInput, Title, Toolbar, ToolbarContent, ToolbarItem,
} from '@patternfly/react-core';
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { ApiFailure } from '../api/client';
import type { Session } from '../api/session';
import { useI18n } from '../i18n';
import { ApiDrawerPanel } from './api-drawer';
import type { Field, Form, Key, Option, ResourceSpec, Values } from './resource';

export function ErrorAlert({ error, onClose }: { error: unknown; onClose?(): void }) {
  const { t } = useI18n();
  if (!error) return null;
  const e = error as ApiFailure;
  return (
    <Alert variant="danger" isInline title={e.message ?? String(error)} data-testid="error"
      actionClose={onClose ? <AlertActionCloseButton onClose={onClose} /> : undefined}>
      {e.status ? <p>{t('error.status', { status: e.status })}{e.requestId ? ` · ${t('error.request', { id: e.requestId })}` : ''}</p> : null}
    </Alert>
  );
}

function FieldInput({ field, value, set, session, row, error }: { field: Field; value: Values[string]; set(v: Values[string]): void; session: Session; row?: unknown; error?: Key }) {
  const { t } = useI18n();
  const rowKey = row && typeof row === 'object' ? (row as { id?: string; name?: string }).id ?? (row as { name?: string }).name : undefined;
  const options = useQuery({ queryKey: ['options', field.name, field.label, rowKey], queryFn: () => field.options!(session, row), enabled: !!field.options });
  // A set of checkboxes starts with the options the API marks as chosen (the groups a server has).
  // NOTE: not from a cached answer being refetched (the groups as they were before the last change).
  useEffect(() => { if (field.kind === 'multi' && value === undefined && options.data && !options.isFetching) set(options.data.filter((o) => o.selected).map((o) => o.value)); }, [options.data, options.isFetching]);
  const id = `field-${field.name}`;
  const label = t(field.label);
  const helper = (error || field.help) && (
    <FormHelperText><HelperText><HelperTextItem variant={error ? 'error' : 'default'} id={`${id}-helper`}>{t(error ?? field.help!)}</HelperTextItem></HelperText></FormHelperText>
  );
  if (field.kind === 'checkbox') return <><Checkbox id={id} label={label} isChecked={value === true} onChange={(_e, c) => set(c)} />{helper}</>;
  const invalid = error ? 'error' : 'default';
  const described = error || field.help ? `${id}-helper` : undefined;
  const text = (o: Option) => `${o.labelKey ? t(o.labelKey) : o.label}${o.notes?.length ? ` — ✗ ${o.notes.map((n) => t(n)).join(', ')}` : ''}`;
  let input;
  if (field.kind === 'select') {
    const opts: Option[] = options.data ?? [];
    input = (
      <FormSelect id={id} value={typeof value === 'string' ? value : ''} onChange={(_e, v) => set(v)} aria-label={label} validated={invalid} aria-describedby={described}>
        <FormSelectOption value="" label={options.isLoading ? t('common.loading') : t('common.choose')} isPlaceholder />
        {opts.map((o) => <FormSelectOption key={o.value} value={o.value} label={text(o)} isDisabled={o.disabled} />)}
      </FormSelect>
    );
  } else if (field.kind === 'multi') {
    const chosen = Array.isArray(value) ? value : [];
    const opts: Option[] = options.data ?? [];
    input = (
      <div id={id} role="group" aria-label={label} className="multi-field">
        {options.isLoading && <small>{t('common.loading')}</small>}
        {options.isSuccess && opts.length === 0 && <small>{t('common.none')}</small>}
        {opts.map((o) => (
          <Checkbox key={o.value} id={`${id}-${o.value}`} label={text(o)} isDisabled={o.disabled} isChecked={chosen.includes(o.value)}
            onChange={(_e, c) => set(c ? [...chosen, o.value] : chosen.filter((x) => x !== o.value))} />
        ))}
      </div>
    );
  } else if (field.kind === 'file') {
    const f = value instanceof File ? value : undefined;
    input = <FileUpload id={id} filename={f?.name ?? ''} browseButtonText={t('common.browse')} clearButtonText={t('common.clear')} hideDefaultPreview
      onFileInputChange={(_e, file) => set(file)} onClearClick={() => set(undefined)} />;
  } else if (field.kind === 'textarea') {
    input = <TextArea id={id} value={typeof value === 'string' ? value : ''} onChange={(_e, v) => set(v)} aria-label={label} resizeOrientation="vertical" validated={invalid} aria-describedby={described} />;
  } else {
    input = <TextInput id={id} type={field.kind} value={typeof value === 'string' ? value : ''} onChange={(_e, v) => set(v)} aria-label={label} isRequired={field.required} validated={invalid} aria-describedby={described} />;
  }
  return <FormGroup label={label} isRequired={field.required} fieldId={field.kind === 'multi' ? undefined : id} role={field.kind === 'multi' ? 'group' : undefined}>{input}{helper}</FormGroup>;
}

/** The values a form starts with: its fields' initial values, or the row's. */
function initialValues<R>(form: Form<R>, row?: R): Values {
  return Object.fromEntries(form.fields.map((f) => [f.name, f.initialOf && row ? f.initialOf(row) : f.kind === 'checkbox' ? f.initial === 'true' : f.kind === 'multi' ? undefined : f.initial ?? '']));
}

/** The fields shown for these values, and whether a required one among them is empty. */
export function shownFields(fields: Field[], values: Values): { shown: Field[]; missing: boolean } {
  const shown = fields.filter((f) => !f.show || f.show(values));
  const missing = shown.some((f) => f.required && (values[f.name] === '' || values[f.name] === undefined || (Array.isArray(values[f.name]) && (values[f.name] as string[]).length === 0)));
  return { shown, missing };
}

/** A form in a modal: its fields, the API drawer with the calls it plans, and its errors. */
export function FormModal<R>({ form, row, session, onDone, onCancel }: { form: Form<R>; row?: R; session: Session; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const [values, setValues] = useState<Values>(() => initialValues(form, row));
  const [showApi, setShowApi] = useState(false);
  const [progress, setProgress] = useState<number | undefined>();
  const m = useMutation({ mutationFn: () => form.run(session, values, row, setProgress), onSuccess: onDone });
  const { shown, missing: empty } = shownFields(form.fields, values);
  const errors = useMemo(() => { try { return form.validate?.(values, row) ?? {}; } catch { return {}; } }, [form, values, row]);
  const missing = empty || shown.some((f) => errors[f.name]);
  const steps = sections(shown).filter(([title]) => title);
  // NOTE: each fetch makes a new one-time console token: once, never refetched.
  const link = useQuery({ queryKey: ['link', form.label, row], queryFn: () => form.link!(session, row as R), enabled: !!form.link, staleTime: Infinity, refetchOnWindowFocus: false, retry: false });
  // A form with both shows its view only where the link cannot be had (the console log where there is no graphical console).
  const showView = !!form.view && (!form.link || link.isError);
  const view = useQuery({ queryKey: ['view', form.label, row], queryFn: () => form.view!(session, row as R), enabled: showView, refetchInterval: 3000 });
  const plan = useMemo(() => { try { return form.plan(values, row); } catch { return []; } }, [form, values, row]);
  return (
    <Modal isOpen onClose={onCancel} variant={showApi ? 'large' : 'medium'} aria-labelledby="form-title">
      <ModalHeader title={t(form.label)} labelId="form-title" />
      <ModalBody>
        <Drawer isExpanded={showApi} isInline>
          <DrawerContent panelContent={<ApiDrawerPanel calls={plan} session={session} onClose={() => setShowApi(false)} />}>
            <DrawerContentBody>
              {form.link && link.data && <Button component="a" href={link.data} target="_blank" rel="noopener" data-testid="link">{t('common.open')}</Button>}
              {form.link && form.view && link.isError && <p data-testid="view-fallback">{t('server.consoleFallback')}</p>}
              <ErrorAlert error={form.view ? undefined : link.error} />
              {showView && <pre className="console-log" data-testid="view">{view.data ?? ''}</pre>}
              <ErrorAlert error={view.error} />
              <PfForm onSubmit={(e) => { e.preventDefault(); if (!missing) m.mutate(); }} id="resource-form">
                {form.description && <p data-testid="form-description">{t(form.description)}</p>}
                {steps.length > 2 && (
                  <nav aria-label={t(form.label)} className="form-steps">
                    {steps.map(([title], i) => <Button key={title} variant="link" isInline onClick={() => document.getElementById(`section-${title}`)?.scrollIntoView({ behavior: 'smooth' })}>{`${i + 1}. ${t(title!)}`}</Button>)}
                  </nav>
                )}
                {sections(shown).map(([title, fields], i) => {
                  const inputs = fields.map((f) => <FieldInput key={f.name} field={f} value={values[f.name]} session={session} row={row} error={errors[f.name]} set={(v) => setValues((old) => ({ ...old, [f.name]: v }))} />);
                  return title ? <FormSection key={title} id={`section-${title}`} title={t(title)} titleElement="h3">{inputs}</FormSection> : <div key={`s${i}`} className="form-fields">{inputs}</div>;
                })}
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

/** Consecutive fields under the section heading the first of them opens. */
function sections(fields: Field[]): [Key | undefined, Field[]][] {
  const out: [Key | undefined, Field[]][] = [];
  for (const f of fields) {
    if (f.section || out.length === 0) out.push([f.section, [f]]);
    else out[out.length - 1]![1].push(f);
  }
  return out;
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
  const canChange = spec.canChange?.(session) ?? true;
  return (
    <PageSection>
      <Title headingLevel="h1">{t(spec.title)}</Title>
      {spec.subtitle && <p className="subtitle" data-testid="subtitle">{spec.subtitle}</p>}
      <Toolbar><ToolbarContent>
        {spec.create && canChange && <ToolbarItem><Button onClick={() => setOpen({ form: spec.create! })} data-testid="create">{t(spec.create.label)}</Button></ToolbarItem>}
        {canChange && spec.more?.map((f) => <ToolbarItem key={f.label}><Button variant="secondary" onClick={() => setOpen({ form: f })} data-testid={`more-${f.label}`}>{t(f.label)}</Button></ToolbarItem>)}
        <ToolbarItem><Button variant="secondary" onClick={() => list.refetch()}>{t('common.refresh')}</Button></ToolbarItem>
      </ToolbarContent></Toolbar>
      <ErrorAlert error={list.error ?? error} onClose={error ? () => setError(undefined) : undefined} />
      {list.isSuccess && rows.length === 0 ? <EmptyState titleText={t('common.empty')} headingLevel="h2" /> : (
        <Table aria-label={t(spec.title)} variant="compact" data-testid="table">
          <Thead><Tr>{spec.columns.map((c) => <Th key={c.label}>{t(c.label)}</Th>)}<Th screenReaderText={t('common.actions')} /></Tr></Thead>
          <Tbody>
            {rows.map((r) => {
              const items = !canChange ? [] : [
                ...(spec.actions ?? []).filter((a) => !a.when || a.when(r, session)).map((a) => ({ title: t(a.label), onClick: () => setOpen({ form: a as Form<R>, row: r }) })),
                ...(spec.remove && (!spec.remove.when || spec.remove.when(r, session)) ? [{ title: t(spec.remove.label), onClick: () => setOpen({ form: spec.remove!, row: r }) }] : []),
              ];
              return (
                <Tr key={spec.key(r)} data-testid={`row-${spec.name(r)}`}>
                  {spec.columns.map((c, i) => (
                    <Td key={c.label} dataLabel={t(c.label)}>{i === 0 && spec.link?.(r) ? <Link to={spec.link(r)!}>{c.value(r, i18n)}</Link> : c.value(r, i18n)}</Td>
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
