/** The lanes of a direction: a card each, to call the next truck and to open, pause or close the lane. */
import type { LaneView } from '../../../../../libs/realtime/src/live-events';
import { el } from '../shared/dom';
import type { ApiError } from '../shared/api';
import { act, lane, note, S, t, word } from './console';
import { guarded, pending } from './undo';
import { forceAfter } from './side';

export function laneCard(l: LaneView): HTMLElement {
  const statusBtn = function (status: string, label: string) {
    return el(
      'button',
      {
        type: 'button',
        class: 'secondary',
        disabled: l.status === status ? 'disabled' : null,
        'data-status': status,
        on: {
          click: function (ev) {
            setLane(ev.target as HTMLButtonElement, l, status);
          },
        },
      },
      [label],
    );
  };
  const closeKey = 'close:' + l.id;
  const close =
    l.status === 'closed' && !pending[closeKey]
      ? statusBtn('closed', t('close'))
      : guarded(
          closeKey,
          t('close'),
          'secondary',
          t('askClose', { lane: lane(l) }),
          t('yesClose'),
          'closeIn',
          function () {
            setLane(null, l, 'closed');
          },
          { dir: l.direction },
        );
  return el('div', { class: 'lane-card', 'data-lane': l.id }, [
    el('div', { class: 'row' }, [
      el('span', { class: 'name grow', text: lane(l) }),
      el('span', { class: 'pill ' + l.status, text: t('st_' + l.status) }),
    ]),
    el('div', { class: 'row' }, [
      el(
        'button',
        {
          type: 'button',
          class: 'call grow',
          disabled: l.status !== 'open' ? 'disabled' : null,
          on: {
            click: function (ev) {
              callNext(ev.target as HTMLButtonElement, l);
            },
          },
        },
        [t('callNext')],
      ),
      statusBtn('open', t('open')),
      statusBtn('paused', t('pause')),
      close,
    ]),
  ]);
}

function setLane(button: HTMLButtonElement | null, l: LaneView, status: string): void {
  void act(button, 'POST', '/ports/' + S.port + '/lanes/' + l.id + '/status', { status: status }, function () {
    note('msgLane', { lane: () => lane(l), status: word('st_' + status) }, 'ok');
  });
}

/** Calls the next truck; refused because the far side is closed or a closure is open, asks, then forces it. */
function callNext(button: HTMLButtonElement | null, l: LaneView, force?: boolean): void {
  const path = '/ports/' + S.port + '/lanes/' + l.id + '/call-next';
  void act(
    button,
    'POST',
    path,
    force ? { force: true } : undefined,
    function (r) {
      note('msgCalled', { plate: r.plate, ref: r.reference, lane: () => lane(l) }, 'ok');
    },
    function (e) {
      const err = e as ApiError;
      if (!force && forceAfter(err.code, err.message)) callNext(button, l, true);
    },
  );
}

/** The first open lane of the direction shown. */
export function callFirstOpen(): void {
  const u = S.state[S.shown] && S.state[S.shown].data;
  const lane =
    u &&
    u.lanes.filter(function (l) {
      return l.status === 'open';
    })[0];
  if (!lane) return note('noOpenLane', { dir: word(S.shown) }, 'error');
  const button = document.querySelector<HTMLButtonElement>(
    '#dir-' + S.shown + ' [data-lane="' + lane.id + '"] button.call',
  );
  callNext(button, lane);
}
