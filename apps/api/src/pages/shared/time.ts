/** Times as the pages show them. */

/**
 * "5 min ago" in the languages browsers often have no words for (Chromium builds without Lao or Burmese data), as
 * CLDR says it: the number, its unit and "ago" in the language's own order.
 */
const AGO: Record<string, Record<string, string>> = {
  lo: { second: '{n} ວິນາທີກ່ອນ', minute: '{n} ນາທີກ່ອນ', hour: '{n} ຊົ່ວໂມງກ່ອນ' },
  my: { second: 'ပြီးခဲ့သည့် {n} စက္ကန့်', minute: 'ပြီးခဲ့သည့် {n} မိနစ်', hour: 'ပြီးခဲ့သည့် {n} နာရီ' },
};

/**
 * How long ago, said whole in `lang` ("3 min. ago", "3分钟前", "3 ນາທີກ່ອນ"), never an English unit beside a word of
 * another language: the browser's words (Intl), else AGO's; for a language neither has, "3 min" and the page's `word`.
 */
export function ago(ms: number, lang: string, word: string): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [n, unit]: [number, 'second' | 'minute' | 'hour'] =
    s < 60 ? [s, 'second'] : s < 3600 ? [Math.floor(s / 60), 'minute'] : [Math.floor(s / 3600), 'hour'];
  const base = lang.slice(0, 2);
  if (Intl.RelativeTimeFormat && Intl.RelativeTimeFormat.supportedLocalesOf([lang]).length)
    return new Intl.RelativeTimeFormat(lang, { numeric: 'always', style: 'short' }).format(-n, unit);
  if (AGO[base]) return AGO[base][unit].replace('{n}', String(n));
  return n + ' ' + { second: 's', minute: 'min', hour: 'h' }[unit] + ' ' + word;
}

/** HH:MM of an ISO time as written at the port (the API writes port-local times with their offset). */
export function hhmm(iso: string | null | undefined): string {
  const m = /T(\d\d:\d\d)/.exec(iso || '');
  return m ? m[1] : '';
}

/** Today at a port, in its time zone (GET /ports/:code gives it; Yunnan's ports are all Asia/Shanghai). */
export function portToday(zone?: string | null): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone || 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}

/** The day after today at a port (the staff console's forecast). */
export function portTomorrow(zone?: string | null): string {
  const d = new Date(portToday(zone) + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
