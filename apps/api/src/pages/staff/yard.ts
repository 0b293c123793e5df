/** Between lane and yard: the trucks a lane completed that the yard has not confirmed (GET /ports/:code/yard, yard:update). */
import type { YardUpdate } from '../../../../../libs/realtime/src/live-events';
import { el } from '../shared/dom';
import { hhmm } from '../shared/time';
import { call, emit, lane, S, t } from './console';

/** The yard's view of a direction (GET /ports/:code/yard, then each yard:update): who is between lane and yard. */
export function applyYard(v: YardUpdate): void {
  if (!v || v.port !== S.port) return;
  const seen = S.yard[v.direction];
  if (seen && Date.parse(seen.at) > Date.parse(v.at)) return; // an older read overtaken by a newer one
  S.yard[v.direction] = v;
  emit('redraw', v.direction);
}

export async function loadYard(dir: string): Promise<void> {
  try {
    applyYard(await call('GET', '/ports/' + S.port + '/yard?direction=' + dir));
  } catch {
    /* shown */
  }
}

/**
 * Trucks the far side announced as left towards us that have not checked in here (the import yard view's
 * `onTheWay`): plate, firm, cargo and when they left.
 */
export function onTheWayList(dir: string): HTMLElement[] {
  const coming = S.yard[dir]?.onTheWay ?? [];
  if (!coming.length) return [];
  return [
    el('h3', { text: t('onTheWay', { n: coming.length }) }),
    el(
      'ul',
      { class: 'on-the-way' },
      coming.map(function (a) {
        return el('li', { 'data-plate': a.plate }, [
          el('span', { class: 'plate', text: a.plate }),
          ' ',
          el('span', {
            class: 'muted',
            text: t('departedFrom', {
              firm: a.firmName || '—',
              cargo: a.cargo || '—',
              at: hhmm(a.departedAt),
            }),
          }),
        ]);
      }),
    ),
  ];
}

/** Trucks the lane completed that the yard has not confirmed: a truck that stays here long went astray. */
export function toYardList(dir: string, laneName: Record<string, string>): HTMLElement[] {
  const v = S.yard[dir];
  const gone = v
    ? v.called.filter(function (c) {
        return c.status === 'completed';
      })
    : [];
  if (!gone.length) return [];
  return [
    el('h3', { text: t('toYard', { n: gone.length }) }),
    el(
      'ul',
      { class: 'to-yard' },
      gone.map(function (c) {
        return el('li', { 'data-booking': c.bookingId }, [
          el('span', { class: 'plate', text: c.plate }),
          ' ',
          el('span', {
            class: 'muted',
            text: t('leftLane', {
              lane: laneName[c.lane.id] || lane(c.lane),
              at: hhmm(c.completedAt),
              m: t('min', { n: c.minutesSinceCall }),
            }),
          }),
        ]);
      }),
    ),
  ];
}
