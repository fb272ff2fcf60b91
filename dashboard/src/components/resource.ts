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
  /** The catalog type the field needs; without it the field is not shown. */
  service?: string;
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
  /** The values the form starts with, from the APIs (an edit form shows what is there now). */
  load?(s: Session, row?: R): Promise<Values>;
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
  /** Shown after the title (the project whose members a nested panel lists). */
  heading?: string;
  /** Who may change things here (create, row actions, delete); by default the roles of OpenStack's
   *  default policies: admin for admin panels, member or admin for a project's resources. */
  writable?(s: Session): boolean;
}

/** Actions follow policy: what the user's roles cannot do is not offered (a reader only looks). */
export function canChange(s: Session, spec: { admin?: boolean; writable?(s: Session): boolean }): boolean {
  if (spec.writable) return spec.writable(s);
  if (spec.admin) return s.roles.includes('admin');
  return s.roles.includes('admin') || s.roles.includes('member');
}

export const str = (v: Values[string]) => (typeof v === 'string' ? v : '');
export const q = (s: string) => (/^[\w.:/@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
