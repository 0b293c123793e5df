import unhomoglyph from 'unhomoglyph';

/** Spaces, dashes and the middle dot (· and its look-alikes) are decoration, not part of a plate. */
const DECORATION = /[\s\-‐‑‒–—·•・．.]/gu;
const PLATE = /^[\p{L}\p{M}\p{N}]{2,15}$/u;
/** A combining mark with no letter, digit or other mark before it: at the start, or after decoration. */
const BARE_MARK = /(?:^|[^\p{L}\p{M}\p{N}])\p{M}/u;
/**
 * Code points that render as nothing (variation selectors up to U+E01EF, the grapheme joiner, Mongolian
 * selectors, Khmer inherent vowels, zero-width joiners and spaces, the soft hyphen...): a plate with one
 * inside looks exactly like the plate without it, so it is that plate.
 */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * Letters of the modern scripts plates are written in (UTS #31 "recommended scripts", less Latin and the
 * Latin-twin alphabets Greek, Cyrillic and Armenian). They keep their own form even where the confusables
 * skeleton draws them like Latin: Burmese ဝ, Arabic ا and Lao ບ are letters of their plates, not spoofs of o, l
 * or Thai บ.
 */
const PLATE_SCRIPT = new RegExp(
  `[${[
    'Arabic',
    'Bengali',
    'Bopomofo',
    'Devanagari',
    'Ethiopic',
    'Georgian',
    'Gujarati',
    'Gurmukhi',
    'Han',
    'Hangul',
    'Hebrew',
    'Hiragana',
    'Kannada',
    'Katakana',
    'Khmer',
    'Lao',
    'Malayalam',
    'Myanmar',
    'Oriya',
    'Sinhala',
    'Tamil',
    'Telugu',
    'Thaana',
    'Thai',
    'Tibetan',
  ]
    .map((s) => `\\p{Script=${s}}`)
    .join('')}]`,
  'u',
);

/** UTS #39 skeleton of one character: NFD, Unicode's confusables.txt prototype, NFD again. */
const skeleton = (c: string): string => unhomoglyph(c.normalize('NFD')).normalize('NFD');

/**
 * The plate character (an upper-case Latin letter or an ASCII digit) each single-ASCII skeleton stands for. Where
 * a letter and a digit share one (I and 1 are both `l`, O and 0 both `O`), a look-alike letter is the letter.
 */
const LATIN_BY_SKELETON = new Map<string, string>();
for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') LATIN_BY_SKELETON.set(skeleton(c), c);
for (const c of 'abcdefghijklmnopqrstuvwxyz') {
  // A letter drawn like a small Latin letter that upper-casing left alone (Cherokee Ꮟ, Cyrillic Ь) is what a
  // person typing the small letter would get: its capital.
  if (!LATIN_BY_SKELETON.has(skeleton(c))) LATIN_BY_SKELETON.set(skeleton(c), c.toUpperCase());
}

/**
 * The Latin capital (or digit) a letter is drawn like, per the confusables skeleton, or the letter itself:
 * Greek Κ, Cyrillic К, Cherokee Ꮶ, Coptic Ⲕ and Lisu ꓗ are all K. Digits of other scripts stay (Bengali ৪ is
 * four, whatever it looks like), and so do letters of the plate scripts.
 */
function latinTwin(c: string): string {
  if (c <= '\u007f' || !/\p{L}/u.test(c) || PLATE_SCRIPT.test(c)) return c;
  return LATIN_BY_SKELETON.get(skeleton(c)) ?? c;
}

/**
 * Upper-cased plate without decoration, or null when what remains is not 2–15 letters, marks or digits.
 * Invisible code points go first, then NFKC, so full-width and other compatibility forms (`７`, `Ｋ`, `𝐊`) are
 * the plain character; then look-alikes are folded on the decomposed form (so `Ё` becomes `Ë` as well) and
 * the result recomposed. The stored plate stays readable: one canonical string that every comparison (the
 * firm's unique index, check-in by plate) matches exactly.
 * A mark must follow a letter or digit (Thai, Lao and Burmese plates need them); a bare mark is refused.
 */
export function normalisePlate(input: string): string | null {
  const compatible = input.replace(INVISIBLE, '').normalize('NFKC').replace(INVISIBLE, '');
  if (BARE_MARK.test(compatible)) return null;
  const plate = compatible
    .replace(DECORATION, '')
    .toLocaleUpperCase('en-US')
    .normalize('NFD')
    .replace(/./gsu, latinTwin)
    .normalize('NFC');
  return PLATE.test(plate) ? plate : null;
}

/**
 * Public form of a plate: the first two characters (province and city) and the last two, the rest hidden,
 * e.g. 云A12345 → 云A·***45.
 */
export function maskPlate(plate: string): string {
  const chars = [...plate];
  if (chars.length <= 4) return `${chars[0]}·***`;
  return `${chars.slice(0, 2).join('')}·***${chars.slice(-2).join('')}`;
}
