// A panel described as data: how to list a resource, its columns, and the forms that create,
// change or delete it — each with the REST request it will send and the CLI line that does the same.
import type { ReactNode } from 'react';
import type { Session } from '../api/session';
import type { Messages } from '../i18n/en';
import type { Values } from '../logic/values';

export { list, q, str, type Values } from '../logic/values';

export type Key = keyof Messages;

export interface Option {
  value: string; label: string; disabled?: boolean; selected?: boolean;
  /** A label from the message catalogue instead of `label`, and notes after it (what the quota lacks). */
  labelKey?: Key; notes?: Key[];
}

export interface Field {
  name: string;
  label: Key;
  /** multi: a set of checkboxes (its value the chosen options' values; those `selected` at first). */
  kind: 'text' | 'password' | 'number' | 'select' | 'checkbox' | 'file' | 'textarea' | 'multi';
  required?: boolean;
  initial?: string;
  /** The initial value from the row the form acts on (the row's current name, size, groups...). */
  initialOf?(row: any): string | boolean;
  /** Choices of a select, from the APIs (for a row action, those that fit the row). */
  options?: (s: Session, row?: any) => Promise<Option[]>;
  help?: Key;
  /** The heading of the form section the field opens (the launch wizard's steps). */
  section?: Key;
  /** Shown only when the other values call for it (a volume size when booting from a volume). */
  show?(values: Values): boolean;
}


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
  /** Shown for this row (row actions only), for this user. */
  when?(row: R, s: Session): boolean;
  /** Field name → the message of what is wrong with its value; the form is not sent while any. */
  validate?(values: Values, row?: R): Partial<Record<string, Key>>;
  /** A sentence shown above the fields (what a confirmation does). */
  description?: Key;
}

export interface Column<R> { label: Key; value(row: R, fmt: { date(iso: string | null | undefined): string; num(n: number): string }): ReactNode }

export interface ResourceSpec<R> {
  id: string;
  title: Key;
  /** Where in the resource the panel is (a container and folder). */
  subtitle?: string;
  /** The catalog type the panel needs; without it the panel is not shown. */
  service: string;
  /** Admin panels show only to an admin. */
  admin?: boolean;
  list(s: Session): Promise<R[]>;
  key(row: R): string;
  name(row: R): string;
  columns: Column<R>[];
  create?: Form;
  /** Further forms beside create in the toolbar (a folder beside an upload). */
  more?: Form[];
  actions?: Form<R>[];
  remove?: Form<R>;
  /** Rows in a state that changes by itself: the list polls while one is shown. */
  busy?(row: R): boolean;
  /** Where a row's name links to (a nested panel, such as a container's objects). */
  link?(row: R): string | undefined;
  /** Whether the user's roles may change anything here (false: no create, actions or delete, as for a reader). */
  canChange?(s: Session): boolean;
}
