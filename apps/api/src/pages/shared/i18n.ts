/** The pages' words: a table per language (JSON under pages/i18n/), the browser's language, {name} arguments. */
import { $, message } from './dom';
import type { ApiError } from './api';

/** A page's words in one language, by key. */
export type Words = Record<string, string>;

/**
 * The first of the browser's languages that `words` (a page's word tables, by language) has; English otherwise.
 */
export function browserLang(words: Record<string, unknown>): string {
  const langs = navigator.languages || [navigator.language || 'en'];
  for (let i = 0; i < langs.length; i++) {
    const l = String(langs[i]).slice(0, 2).toLowerCase();
    if (words[l]) return l;
  }
  return 'en';
}

/** An argument of a word: a value, or a word of the page too (a function), worded when the text is. */
export type Args = Record<string, unknown> | null | undefined;

/**
 * `text` with each {name} filled from `args`; an argument that is a function is a word of the page too, worded
 * when the text is. A name without an argument stays as it is.
 */
export function format(text: string, args?: Args): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    let v = args && args[name];
    if (typeof v === 'function') v = (v as () => unknown)();
    return v !== undefined && v !== null ? String(v) : m;
  });
}

/**
 * A zh/en console in `lang`: the page's language, every word the HTML names (data-i18n, worded by `t`), and the
 * #lang button, which offers the other language in that language (`words[other].langName`).
 */
export function relabel(words: Record<string, Words>, lang: string, t: (key: string) => string): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach((n) => {
    n.textContent = t(n.getAttribute('data-i18n') || '');
  });
  const other = lang === 'zh' ? 'en' : 'zh';
  const button = $('lang');
  button.textContent = words[other].langName;
  button.setAttribute('lang', other === 'zh' ? 'zh-CN' : 'en');
  button.setAttribute('aria-label', t('langLabel') + ': ' + words[other].langName);
}

/**
 * A console's message line (`node`): `say` shows the API's words as they are, `note` the page's own (`t(key,
 * args)`), which `again` says anew after a change of language; `fail` says why a call failed, in the page's words
 * (noNetwork, noServer) when the server was never reached.
 */
export function messages(node: HTMLElement, t: (key: string, args?: Args) => string) {
  let last: { key?: string; args?: Args; text?: string; kind?: string | null } | null = null;
  function say(text: string, kind?: string | null): void {
    last = { text, kind };
    message(node, text, kind);
  }
  function note(key: string, args?: Args, kind?: string | null): void {
    last = { key, args, kind };
    message(node, t(key, args), kind);
  }
  return {
    say,
    note,
    again(): void {
      if (last) message(node, last.key ? t(last.key, last.args) : last.text, last.kind);
    },
    fail(e: ApiError): void {
      if (e.status === 0) note(navigator.onLine === false ? 'noNetwork' : 'noServer', null, 'error');
      else say(e.message, 'error');
    },
  };
}
