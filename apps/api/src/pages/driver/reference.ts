/**
 * A booking reference as a driver types it, read as the firm wrote it (PORT-YYYYMMDD-XXXX): any case, spaces or
 * other dashes for its hyphens ("mohan 20261205 qg36"), full-width letters of a Chinese keyboard, or none at all
 * ("MOHAN20261205QG36"). Null when what is left cannot be a reference.
 */
export function cleanReference(typed: string): string | null {
  let s = typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s_./\u2010-\u2015\u2212]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  const bare = /^([A-Z][A-Z0-9]*?)(\d{8})([A-Z0-9]{4})$/.exec(s);
  if (bare) s = bare[1] + '-' + bare[2] + '-' + bare[3];
  return /^[A-Z0-9-]{5,60}$/.test(s) ? s : null;
}
