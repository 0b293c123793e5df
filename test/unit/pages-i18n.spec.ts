import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The pages' words (apps/api/src/pages/i18n/<page>/<lang>.json, plus console/<lang>.json shared by the signed-in
 * consoles): every language of a page says every word English does, and nothing English does not, so no page shows a
 * key or falls back to English by accident.
 */
const I18N = join(__dirname, '..', '..', 'apps', 'api', 'src', 'pages', 'i18n');
const CONSOLES = ['admin', 'firm', 'staff', 'yard'];

const words = (dir: string, lang: string): Record<string, string> =>
  JSON.parse(readFileSync(join(I18N, dir, `${lang}.json`), 'utf8')) as Record<string, string>;
const langs = (dir: string) =>
  readdirSync(join(I18N, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();

describe('page words', () => {
  const pages = readdirSync(I18N).filter((d) => d !== 'console');

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

  it('the consoles share their sign-in and session words, in the languages they speak', () => {
    expect(langs('console')).toEqual(['en', 'zh']);
    for (const page of CONSOLES) expect(langs(page)).toEqual(langs('console'));
    for (const page of CONSOLES)
      for (const lang of langs(page))
        expect(Object.keys(words(page, lang)).filter((k) => k in words('console', lang))).toEqual([]);
  });
});
