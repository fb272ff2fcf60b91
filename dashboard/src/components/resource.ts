// A panel described as data: how to list a resource, its columns, and the forms that create,
// change or delete it — each with the REST request it will send and the CLI line that does the same.
import type { ReactNode } from 'react';
import type { Session } from '../api/session';
import type { Messages } from '../i18n/en';

export type Key = keyof Messages;

export interface Option { value: string; label: string }

export interface Field {
  name: string;
  label: Key;
  kind: 'text' | 'password' | 'number' | 'select' | 'checkbox' | 'file' | 'textarea';
  required?: boolean;
  initial?: string;
  /** Choices of a select, from the APIs. */
  options?: (s: Session) => Promise<Option[]>;
  help?: Key;
}

export type Values = Record<string, string | boolean | File | undefined>;

/** One REST call as the API drawer shows it (placeholders in <> for what earlier calls return). */
export interface Planned { service: string; method: string; path: string; body?: unknown; cli?: string }

export interface Form<R = never> {
  label: Key;
  fields: Field[];
  plan(values: Values, row?: R): Planned[];
  run(s: Session, values: Values, row?: R, progress?: (f: number) => void): Promise<unknown>;
  danger?: boolean;
  /** A view, not a change: what the modal shows (a console log); it has no submit. */
  view?(s: Session, row: R): Promise<string>;
  /** A link the form opens instead of a view (a console URL): fetched once, shown as a button. */
  link?(s: Session, row: R): Promise<string>;
  /** Shown for this row (row actions only). */
  when?(row: R): boolean;
}

export interface Column<R> { label: Key; value(row: R, fmt: { date(iso: string | null | undefined): string; num(n: number): string }): ReactNode }

export interface ResourceSpec<R> {
  id: string;
  title: Key;
  /** The catalog type the panel needs; without it the panel is not shown. */
  service: string;
  /** Admin panels show only to an admin. */
  admin?: boolean;
  list(s: Session): Promise<R[]>;
  key(row: R): string;
  name(row: R): string;
  columns: Column<R>[];
  create?: Form;
  actions?: Form<R>[];
  remove?: Form<R>;
  /** Rows in a state that changes by itself: the list polls while one is shown. */
  busy?(row: R): boolean;
  /** Where a row's name links to (a nested panel, such as a container's objects). */
  link?(row: R): string;
}

export const str = (v: Values[string]) => (typeof v === 'string' ? v : '');
export const q = (s: string) => (/^[\w.:/@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
