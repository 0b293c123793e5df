/** Spaces, dashes and the middle dot (· and its look-alikes) are decoration, not part of a plate. */
const DECORATION = /[\s\-‐‑‒–—·•・．.]/gu;
const PLATE = /^[\p{L}\p{M}\p{N}]{2,15}$/u;
/** A combining mark with no letter, digit or other mark before it: at the start, or after decoration. */
const BARE_MARK = /(?:^|[^\p{L}\p{M}\p{N}])\p{M}/u;

/**
 * Upper-case Greek and Cyrillic letters drawn like a Latin capital, written as that Latin capital: a plate
 * typed on a Russian or Greek keyboard (or read by a camera trained on one) must be the same plate.
 */
const LOOK_ALIKES: Record<string, string> = {
  // Cyrillic
  'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'У': 'Y',
  'Х': 'X', 'І': 'I', 'Ј': 'J', 'Ѕ': 'S', 'Ӏ': 'I', 'Ү': 'Y', 'Ԛ': 'Q', 'Ԝ': 'W',
  // Greek
  'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P',
  'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
};
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'gu');

/**
 * Upper-cased plate without decoration, or null when what remains is not 2–15 letters, marks or digits.
 * NFKC first, so full-width and other compatibility forms (`７`, `Ｋ`) are the plain character; then
 * look-alikes are folded on the decomposed form (so `Ё` becomes `Ë` as well) and the result recomposed.
 * A mark must follow a letter or digit (Thai, Lao and Burmese plates need them); a bare mark is refused.
 */
export function normalisePlate(input: string): string | null {
  const compatible = input.normalize('NFKC');
  if (BARE_MARK.test(compatible)) return null;
  const plate = compatible.replace(DECORATION, '').toLocaleUpperCase('en-US')
    .normalize('NFD').replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c]).normalize('NFC');
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
