/**
 * What stops or slows a port, as its pages show it: the far side's status ("Boten side closed until 14:00: <reason>")
 * and the port's open incidents. Read with the port (GET /ports/:code: `counterpart`, `incidents`), then kept by
 * counterpart:update and incident:update. The words are each page's own (keys below), in the page's language of the
 * moment; the far side's reason in that language where it gave one.
 */
import type { CounterpartUpdate, IncidentUpdate } from '../../../../../libs/realtime/src/live-events';
import { el } from './dom';
import type { Args } from './i18n';
import { hhmm } from './time';

export interface IncidentView {
  id: string;
  kind: string;
  message: string;
  until: string | null;
}

/** One port's notices. */
export interface PortNotices {
  port: string;
  /** The far side's name (Boten Road), null where the port has none. */
  side: string | null;
  status: string;
  reason: string | null;
  reasons: Record<string, string>;
  until: string | null;
  incidents: IncidentView[];
}

/** A port as GET /ports/:code gives it (the parts the notices need). */
export interface PortWithNotices {
  code: string;
  counterpart: {
    name: string | null;
    status: string;
    reason: string | null;
    reasons: Record<string, string>;
    until: string | null;
  };
  incidents: IncidentView[];
}

export function noticesOf(p: PortWithNotices): PortNotices {
  const c = p.counterpart;
  return {
    port: p.code,
    side: c.name,
    status: c.status,
    reason: c.reason,
    reasons: c.reasons || {},
    until: c.until,
    incidents: p.incidents || [],
  };
}

/** A counterpart:update or incident:update applied to the port's notices (an update of another port is ignored). */
export function applyNotice(
  n: PortNotices | null,
  event: 'counterpart' | 'incident',
  u: CounterpartUpdate | IncidentUpdate,
): boolean {
  if (!n || u.port !== n.port) return false;
  if (event === 'counterpart') {
    const c = u as CounterpartUpdate;
    n.status = c.status;
    n.reason = c.status === 'open' ? null : c.reason;
    n.reasons = c.status === 'open' ? {} : c.reasons || {};
    n.until = c.status === 'open' ? null : c.until;
    return true;
  }
  const i = u as IncidentUpdate;
  n.incidents = n.incidents.filter((x) => x.id !== i.id);
  if (i.open) n.incidents.push({ id: i.id, kind: i.kind || '', message: i.message || '', until: i.until });
  return true;
}

/**
 * The lines to show, in `lang` by the page's `t`: keys sideClosed, sideClosedUntil, sideSlowed, sideSlowedUntil,
 * incident, incidentUntil and kind_<kind>.
 */
export function noticeLines(n: PortNotices | null, lang: string, t: (key: string, args?: Args) => string): string[] {
  if (!n) return [];
  const lines: string[] = [];
  if (n.status === 'closed' || n.status === 'slowed') {
    const key = (n.status === 'closed' ? 'sideClosed' : 'sideSlowed') + (n.until ? 'Until' : '');
    lines.push(t(key, { side: n.side || '', until: hhmm(n.until), reason: n.reasons[lang] || n.reason || '' }));
  }
  n.incidents.forEach(function (i) {
    lines.push(
      t(i.until ? 'incidentUntil' : 'incident', {
        kind: t('kind_' + i.kind),
        until: hhmm(i.until),
        message: i.message,
      }),
    );
  });
  return lines;
}

/** The notices as a banner (role alert), or null when there is nothing to say. */
export function noticeBanner(lines: string[]): HTMLElement | null {
  return lines.length
    ? el(
        'div',
        { class: 'notices', role: 'alert' },
        lines.map(function (l) {
          return el('p', { class: 'notice', text: l });
        }),
      )
    : null;
}
