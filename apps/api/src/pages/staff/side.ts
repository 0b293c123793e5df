/**
 * The far side of the port's border and its incidents, on the lane console: the far side's status (open, slowed,
 * closed until when and why) and what it accepts of our export trucks (GET /ports/:code `counterpart`), and the
 * port's open incidents; kept by counterpart:update and incident:update. A closed far side or a closure refuses
 * call-next (409): the console asks before calling anyway with {force: true} (audited as forced).
 */
import type { AcceptanceDto } from '../../../../../libs/ports/src/dto/counterpart.dto';
import type { CounterpartUpdate, IncidentUpdate } from '../../../../../libs/realtime/src/live-events';
import { $, el, fill } from '../shared/dom';
import {
  applyNotice,
  noticeBanner,
  noticeLines,
  noticesOf,
  type PortNotices,
  type PortWithNotices,
} from '../shared/notices';
import { S, t } from './console';

let notices: PortNotices | null = null;
let acceptance: AcceptanceDto | null = null;

/** The port as read (GET /ports/:code). */
export function readSide(p: PortWithNotices & { counterpart: { acceptance: AcceptanceDto | null } }): void {
  notices = noticesOf(p);
  acceptance = p.counterpart.acceptance;
  renderSide();
}

export function applySide(event: 'counterpart' | 'incident', u: CounterpartUpdate | IncidentUpdate): void {
  if (u.port === S.port && applyNotice(notices, event, u)) renderSide();
}

export function renderSide(): void {
  const box = $('side');
  const lines = noticeLines(notices, S.lang, t);
  const side = notices && notices.side;
  box.hidden = !side && !lines.length;
  if (!notices || box.hidden) return fill(box, []);
  const windows = acceptance
    ? acceptance.windows
        .map(function (w) {
          return w.from + '–' + w.to + ' ' + w.trucks;
        })
        .join(', ')
    : '';
  fill(box, [
    el('h2', { text: t('sideTitle') }),
    side && notices.status === 'open' ? el('p', { class: 'side-status', text: t('sideOpen', { side: side }) }) : null,
    noticeBanner(lines),
    side
      ? el('p', {
          class: 'side-acceptance',
          text: acceptance
            ? t('sideAccepts', { side: side, date: acceptance.date, windows: windows }) +
              (acceptance.reason ? ' (' + acceptance.reason + ')' : '')
            : t('sideAcceptsNone', { side: side }),
        })
      : null,
  ]);
}

/** Whether a refused call may be forced, asking the officer first (the refusal's words, then the question). */
export function forceAfter(code: string | null | undefined, message: string): boolean {
  return (code === 'counterpart_closed' || code === 'port_incident') && confirm(t('forceAsk', { message: message }));
}
