/**
 * The outlook's words (the lane console's card, /admin's capacity suggestion) in the six languages of the pages
 * (i18n/outlook/<lang>.json). The consoles speak Chinese and English; these parts speak the officer's own language
 * as well: the console's, or, while the console is in English, the browser's first language that the console lacks
 * and these words have (an officer at a Lao, Vietnamese, Burmese or Thai border reads the outlook in theirs).
 */
import { browserLang, format, type Args, type Words } from './i18n';
import en from '../i18n/outlook/en.json';
import zh from '../i18n/outlook/zh.json';
import lo from '../i18n/outlook/lo.json';
import vi from '../i18n/outlook/vi.json';
import my from '../i18n/outlook/my.json';
import th from '../i18n/outlook/th.json';

export const OUTLOOK_WORDS: Record<string, Words> = { en, zh, lo, vi, my, th };

/** The outlook's language and words for a console in `lang` whose own tables are `console`. */
export function outlookWords(lang: string, console: Record<string, Words>) {
  const own = browserLang(OUTLOOK_WORDS);
  const l = lang === 'en' && !console[own] ? own : lang;
  return {
    lang: l,
    /** For the `lang` attribute of what these words fill. */
    tag: l === 'zh' ? 'zh-CN' : l,
    t: (key: string, args?: Args) => format(OUTLOOK_WORDS[l][key] || OUTLOOK_WORDS.en[key] || key, args),
  };
}
