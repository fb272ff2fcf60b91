// Korean and English: every string of the dashboard from a message catalogue, the language chosen
// from the browser's and switchable (and remembered); dates and numbers formatted per locale.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, type Messages } from './en';
import { ko } from './ko';

export type Lang = 'en' | 'ko';
const CATALOGUES: Record<Lang, Messages> = { en, ko };
const KEY = 'stratus.lang';

export function initialLang(): Lang {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'ko') return saved;
  return navigator.language.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

export type T = (key: keyof Messages, vars?: Record<string, string | number>) => string;

interface I18n { lang: Lang; setLang(l: Lang): void; t: T; date(iso: string | null | undefined): string; num(n: number): string }

const Ctx = createContext<I18n | undefined>(undefined);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const value = useMemo<I18n>(() => {
    const m = CATALOGUES[lang];
    const t: T = (key, vars) => (m[key] ?? en[key] ?? String(key)).replace(/\{(\w+)\}/g, (_, k: string) => String(vars?.[k] ?? `{${k}}`));
    const dates = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    const nums = new Intl.NumberFormat(lang);
    return {
      lang, t, num: (n) => nums.format(n),
      date: (iso) => (iso ? dates.format(new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`)) : ''),
      setLang: (l) => { localStorage.setItem(KEY, l); document.documentElement.lang = l; setLangState(l); },
    };
  }, [lang]);
  document.documentElement.lang = lang;
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
