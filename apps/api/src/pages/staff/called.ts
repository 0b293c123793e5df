/** The trucks called onto the lanes: timers, who they are, and their outcome (complete, skip, no-show), each undoable. */
import { el } from '../shared/dom';
import { act, note, S, t, T, word, type CalledTruck } from './console';
import { greenBadge } from './green';
import { portTime } from './time';
import { asking, deferred, guarded, OUTCOMES, pending } from './undo';

function outcome(button: HTMLButtonElement | null, c: CalledTruck, what: string): void {
  void act(button, 'POST', '/bookings/' + c.bookingId + '/' + what, undefined, function (r) {
    note('msgOutcome', { plate: c.plate, status: T.en['st_' + r.status] ? word('st_' + r.status) : r.status }, 'ok');
  });
}

export function calledRow(c: CalledTruck, laneName: Record<string, string>, dir: string): HTMLElement {
  const calledAt = Date.parse(c.calledAt);
  const timeout = S.portInfo.calledTimeoutMinutes;
  const key = 'noshow:' + c.bookingId;
  const about = { dir: dir, plate: c.plate };
  const noShow = guarded(
    key,
    t('noShow'),
    'noshow',
    t('askNoShow', { plate: c.plate }),
    t('yesNoShow'),
    'noShowIn',
    function () {
      outcome(null, c, 'no-show');
    },
    about,
  );
  // One outcome at a time: while one waits for its undo (or no-show asks), the others are not offered.
  const waiting = OUTCOMES.filter(function (o) {
    return pending[o + ':' + c.bookingId] || asking[o + ':' + c.bookingId];
  })[0];
  const complete = deferred(
    'complete:' + c.bookingId,
    t('complete'),
    'done',
    'completeIn',
    function () {
      outcome(null, c, 'complete');
    },
    about,
  );
  const skip = deferred(
    'skip:' + c.bookingId,
    t('skip'),
    'secondary',
    'skipIn',
    function () {
      outcome(null, c, 'skip');
    },
    about,
  );
  return el('div', { class: 'called-row', 'data-booking': c.bookingId }, [
    el('div', { class: 'row' }, [
      el('span', { class: 'plate grow', text: c.plate }),
      el('span', { class: 'lane', text: '→ ' + (laneName[c.laneId] || '') }),
    ]),
    el('div', { class: 'row timers' }, [
      el('span', { class: 'elapsed', 'data-called-at': c.calledAt }),
      // A truck a lane camera saw at its lane has arrived: no deadline runs for it any more (issue 19).
      c.stages.atLaneAt
        ? el('span', { class: 'at-lane', text: t('atLane', { at: portTime(Date.parse(c.stages.atLaneAt)) }) })
        : timeout !== null
          ? el('span', { class: 'deadline', 'data-deadline': String(calledAt + timeout * 60000) })
          : null,
    ]),
    el('div', { class: 'details' }, [
      el('div', { class: 'muted', text: c.reference }),
      el('div', {}, [
        t('driver') + ': ' + c.driverName + ' · ',
        el('a', { href: 'tel:' + c.driverPhone, class: 'phone', text: c.driverPhone }),
      ]),
      el('div', { text: t('firm') + ': ' + c.firmName }),
      el('div', { text: t('cargo') + ': ' + c.cargoDescription }),
      greenBadge(c),
    ]),
    el(
      'div',
      { class: 'row outcomes' },
      waiting === 'complete' ? [complete] : waiting === 'skip' ? [skip] : waiting ? [noShow] : [complete, skip, noShow],
    ),
  ]);
}
