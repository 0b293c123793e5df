/**
 * The admin console's shared state and services: its words, the signed-in session, the port shown, the message line,
 * the API calls and its events. The section modules (people.ts, port-setup.ts, watch.ts) import this and nothing
 * else of the page; main.ts wires them.
 */
import { $, el } from '../shared/dom';
import { load } from '../shared/storage';
import type { ApiError } from '../shared/api';
import { caller } from '../shared/caller';
import { events } from '../shared/events';
import { session } from '../shared/session';
import { browserLang, format, messages, type Args, type Words } from '../shared/i18n';
import en from '../i18n/admin/en.json';
import zh from '../i18n/admin/zh.json';
import console_en from '../i18n/console/en.json';
import console_zh from '../i18n/console/zh.json';

export const SESSION = 'kouan.admin.session';
export const LANG = 'kouan.admin.lang';
export const PORT = 'kouan.admin.port';

export const T: Record<string, Words> = {
  en: { ...console_en, ...en },
  zh: { ...console_zh, ...zh },
};

export const S = {
  lang: (T[load(LANG)] ? load(LANG) : browserLang(T)) as string,
  port: null as string | null,
  loginNote: null as string | null,
};

export function t(key: string, args?: Args): string {
  return format(T[S.lang][key] || T.en[key] || key, args);
}

interface AdminEvents {
  /** The session has really ended: sign in again. */
  ended: [];
}
export const { on, emit } = events<AdminEvents>();

export const sess = session(SESSION);
export const msg = messages($('msg'), t);

/** An API call as the admin: a 401 renews or ends the session, any other error is said on the message line. */
export const call = caller(
  sess,
  () => emit('ended'),
  (e: ApiError) => msg.fail(e),
);

/** A labelled input for the generated forms: `key` names its label's word, `attrs` the input's attributes. */
export function field(id: string, key: string, attrs: Record<string, unknown> = {}): HTMLElement {
  return el('div', {}, [el('label', { for: id, text: t(key) }), el('input', { id, ...attrs })]);
}

/** A table of `rows` under headers named by `keys`. */
export function table(keys: string[], rows: Array<Array<Node | string>>): HTMLElement {
  return el('table', {}, [
    el('thead', {}, [
      el(
        'tr',
        {},
        keys.map((k) => el('th', { scope: 'col', text: t(k) })),
      ),
    ]),
    el(
      'tbody',
      {},
      rows.map((r) =>
        el(
          'tr',
          {},
          r.map((c) => el('td', {}, [c])),
        ),
      ),
    ),
  ]);
}

/** A small button in a table row; its label says what it does to whom (`label` for screen readers). */
export function rowButton(key: string, label: string, act: () => Promise<unknown>): HTMLButtonElement {
  const b = el('button', { type: 'button', class: 'secondary', 'aria-label': label, text: t(key) });
  b.addEventListener('click', () => {
    b.disabled = true;
    act()
      .catch(() => undefined)
      .finally(() => (b.disabled = false));
  });
  return b;
}

/** The value of an input by id, trimmed. */
export const val = (id: string): string => String($(id).value).trim();
export const num = (id: string): number => Number($(id).value);

/** The languages the product speaks to drivers (the API's LANGUAGES): lanes, holding areas and fees are named in each. */
export const LANGS = ['zh', 'en', 'lo', 'vi', 'my', 'th'] as const;

/** One labelled input per language, `<prefix>-<lang>`, labelled "`key` (language)"; `values` fills them. */
export function langFields(
  prefix: string,
  key: string,
  attrs: Record<string, unknown> = {},
  values: Record<string, string> = {},
  required: readonly string[] = [],
): HTMLElement[] {
  return LANGS.map((l) =>
    el('div', {}, [
      el('label', { for: prefix + '-' + l, text: t('inLang', { what: t(key), lang: t('lang_' + l) }) }),
      el('input', {
        id: prefix + '-' + l,
        lang: l,
        ...attrs,
        required: required.includes(l) ? '' : null,
        value: values[l] || null,
      }),
    ]),
  );
}

/** The texts typed into `langFields(prefix, …)`, by language; empty ones left out. */
export function langValues(prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of LANGS) {
    const v = val(prefix + '-' + l);
    if (v) out[l] = v;
  }
  return out;
}
