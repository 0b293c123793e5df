/** Times as the pages show them. */

/** "45 s", "3 min", "2 h" */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min';
  return Math.floor(s / 3600) + ' h';
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
