/** Spaces, dashes and the middle dot (· and its look-alikes) are decoration, not part of a plate. */
const DECORATION = /[\s\-‐‑‒–—·•・．.]/gu;
const PLATE = /^[\p{L}\p{M}\p{N}]{2,15}$/u;

/** Upper-cased plate without decoration, or null when what remains is not 2–15 letters, marks or digits. */
export function normalisePlate(input: string): string | null {
  const plate = input.normalize('NFC').replace(DECORATION, '').toLocaleUpperCase('en-US');
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
