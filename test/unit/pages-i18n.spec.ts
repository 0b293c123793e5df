import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The pages' words (apps/api/src/pages/i18n/<page>/<lang>.json, plus console/<lang>.json shared by the signed-in
 * consoles and outlook/<lang>.json by the lane console's outlook card and /admin's capacity suggestion): every
 * language of a page says every word English does, and nothing English does not, so no page shows a key or falls
 * back to English by accident.
 */
const I18N = join(__dirname, '..', '..', 'apps', 'api', 'src', 'pages', 'i18n');
const CONSOLES = ['admin', 'firm', 'staff', 'yard'];
/** Tables more than one page shares. */
const SHARED = ['console', 'outlook'];
const SIX = ['en', 'lo', 'my', 'th', 'vi', 'zh'];

const words = (dir: string, lang: string): Record<string, string> =>
  JSON.parse(readFileSync(join(I18N, dir, `${lang}.json`), 'utf8')) as Record<string, string>;
const langs = (dir: string) =>
  readdirSync(join(I18N, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();

describe('page words', () => {
  const pages = readdirSync(I18N).filter((d) => !SHARED.includes(d));

  it('has a table for each page, in English and Chinese at least', () => {
    expect(pages.sort()).toEqual(['admin', 'board', 'driver', 'firm', 'staff', 'yard']);
    for (const page of pages) expect(langs(page)).toEqual(expect.arrayContaining(['en', 'zh']));
  });

  it.each(['admin', 'board', 'driver', 'firm', 'staff', 'yard'])(
    '%s: every language has the same keys as English',
    (page) => {
      const table = (lang: string) => ({
        ...(CONSOLES.includes(page) ? words('console', lang) : {}),
        ...words(page, lang),
      });
      const english = Object.keys(table('en')).sort();
      expect(english.length).toBeGreaterThan(10);
      for (const lang of langs(page)) {
        expect({ lang, keys: Object.keys(table(lang)).sort() }).toEqual({ lang, keys: english });
        for (const [key, text] of Object.entries(table(lang)))
          expect({ lang, key, text }).toEqual({ lang, key, text: expect.stringMatching(/\S/) });
      }
    },
  );

  it("the outlook's words (the lane console's card, /admin's suggestion) are in all six languages, with English's keys and {names}", () => {
    expect(langs('outlook')).toEqual(SIX);
    expect(langs('board')).toEqual(SIX);
    const english = words('outlook', 'en');
    const names = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const lang of SIX) {
      const table = words('outlook', lang);
      expect({ lang, keys: Object.keys(table).sort() }).toEqual({ lang, keys: Object.keys(english).sort() });
      for (const [key, text] of Object.entries(table)) {
        expect({ lang, key, text }).toEqual({ lang, key, text: expect.stringMatching(/\S/) });
        expect({ lang, key, names: names(text) }).toEqual({ lang, key, names: names(english[key]) });
      }
    }
    // The pages that show them have none of them in their own tables.
    for (const page of ['staff', 'admin'])
      for (const lang of langs(page))
        expect(Object.keys(words(page, lang)).filter((k) => /^(outlook|capacity[A-Z])/.test(k))).toEqual([]);
  });

  it('the consoles share their sign-in and session words, in the languages they speak', () => {
    expect(langs('console')).toEqual(['en', 'zh']);
    for (const page of CONSOLES) expect(langs(page)).toEqual(langs('console'));
    for (const page of CONSOLES)
      for (const lang of langs(page))
        expect(Object.keys(words(page, lang)).filter((k) => k in words('console', lang))).toEqual([]);
  });
});
