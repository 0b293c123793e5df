/**
 * A direction's queue as the console draws it: its lanes and called trucks on one side, the waiting line on the other,
 * one tab per direction; kept by the live protocol (follow), read again on a gap.
 */
import type { StaffQueueUpdate, StaffQueueUpdateDelta } from '../../../../../libs/realtime/src/live-events';
import { $, el, fill } from '../shared/dom';
import { store } from '../shared/storage';
import { hhmm } from '../shared/time';
import { follow } from '../shared/live';
import { call, DIR, DIRS, lane, paint, S, t, type WaitingTruck } from './console';
import { calledRow } from './called';
import { greenBadge } from './green';
import { laneCard } from './lanes';
import { tick } from './time';
import { forgetGone } from './undo';
import { onTheWayList, toYardList } from './yard';

/** A whole view, or a change on top of the version shown (follow); a change that does not follow: read again. */
export function apply(u: StaffQueueUpdate | StaffQueueUpdateDelta): void {
  if (!u || u.port !== S.port) return;
  const kept = follow(S.state, u);
  if (kept === 'gap') return void reload(u.direction);
  if (!kept) return;
  S.lastAt = Date.now();
  render(u.direction);
  paint();
}

export async function reload(dir: string): Promise<void> {
  try {
    apply(await call('GET', '/ports/' + S.port + '/queue/staff?direction=' + dir));
  } catch {
    /* shown */
  }
}

function waitingTable(entries: WaitingTruck[]): HTMLElement {
  const heads = ['thPos', 'thPlate', 'thSlot', 'thWaited', 'thDriver', 'thFirm', 'thGreen'];
  return el('table', { class: 'waiting' }, [
    el('thead', {}, [
      el(
        'tr',
        {},
        heads.map(function (h) {
          return el('th', { scope: 'col', text: t(h) });
        }),
      ),
    ]),
    el(
      'tbody',
      {},
      entries.map(function (e) {
        return el('tr', { 'data-booking': e.bookingId }, [
          el('td', { text: String(e.position) }),
          el('td', {}, [
            el('div', { class: 'plate', text: e.plate }),
            el('div', { class: 'muted', text: e.reference }),
          ]),
          el('td', { text: hhmm(e.slotStartsAt) }),
          el('td', { class: 'waited', 'data-waited': e.checkedInAt }),
          el('td', {}, [
            el('div', { text: e.driverName }),
            el('a', { href: 'tel:' + e.driverPhone, class: 'phone', text: e.driverPhone }),
          ]),
          el('td', {}, [el('div', { text: e.firmName }), el('div', { class: 'muted', text: e.cargoDescription })]),
          el('td', {}, [greenBadge(e)]),
        ]);
      }),
    ),
  ]);
}

export function render(dir: string): void {
  const u = S.state[dir] && S.state[dir].data;
  if (!u) return;
  const laneName: Record<string, string> = {};
  u.lanes.forEach(function (l) {
    laneName[l.id] = lane(l);
  });
  forgetGone(
    u.direction,
    u.called.map((c) => c.bookingId),
  );
  fill($('dir-' + dir), [
    el(
      'div',
      { class: 'lanes-col' },
      (
        [
          el('h2', { text: t(dir) }),
          el('p', { class: 'stats' }),
          el('div', {}, u.lanes.map(laneCard)),
          el('h3', { text: t('called', { n: u.called.length }) }),
          el(
            'div',
            { class: 'called-list' },
            u.called.map(function (c) {
              return calledRow(c, laneName, dir);
            }),
          ),
        ] as HTMLElement[]
      )
        .concat(toYardList(dir, laneName))
        .concat(onTheWayList(dir)),
    ),
    el('div', { class: 'waiting-col' }, [
      el('h3', { text: t('waiting', { n: u.entries.length }) }),
      u.entries.length ? waitingTable(u.entries) : el('p', { class: 'muted', text: t('noneWaiting') }),
    ]),
  ]);
  tabs();
  tick();
  if (S.focusAfter) {
    const f = document.querySelector<HTMLElement>(S.focusAfter);
    if (f) {
      f.focus();
      S.focusAfter = null;
    }
  }
}

/** One tab a direction, saying how many wait and how many are called. */
export function tabs(): void {
  fill(
    $('tabs'),
    DIRS.map(function (d) {
      const u = S.state[d] && S.state[d].data;
      const label = u ? t('tab', { dir: t(d), w: u.entries.length, c: u.called.length }) : t(d);
      return el(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: 'tab-' + d,
          'aria-selected': d === S.shown ? 'true' : 'false',
          'aria-controls': 'dir-' + d,
          class: d === S.shown ? 'tab on' : 'tab secondary',
          'data-dir': d,
          on: {
            click: function () {
              showDir(d);
            },
          },
        },
        [label],
      );
    }),
  );
  DIRS.forEach(function (d) {
    const s = $('dir-' + d);
    if (s) {
      s.hidden = d !== S.shown;
      s.setAttribute('role', 'tabpanel');
      s.setAttribute('aria-labelledby', 'tab-' + d);
    }
  });
}

export function showDir(d: string): void {
  S.shown = d;
  store(DIR, d);
  tabs();
}
