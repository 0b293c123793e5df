/** Lanes as the pages name them. */
import type { Args } from './i18n';

/** A lane as the API gives it: `name` (a code such as export-1, or what the port calls it), names by language if any. */
export interface NamedLane {
  name: string;
  names?: Record<string, string> | null;
}

/**
 * A lane in `lang`: its display name in that language where the API gives one (`names`); else, for a lane named by
 * code (export-1), its direction and number in the page's words (`say('laneOf', {dir, n})`: "Export lane 1",
 * "出口 1号车道"); else its name as the port wrote it.
 */
export function laneLabel(
  l: NamedLane | null | undefined,
  lang: string,
  say: (key: string, args?: Args) => string,
): string {
  if (!l) return '';
  if (l.names && l.names[lang]) return l.names[lang];
  const m = /^(export|import)-(\d+)$/i.exec(l.name);
  return m ? say('laneOf', { dir: say(m[1].toLowerCase()), n: m[2] }) : l.name;
}
