/*
 * Undo for UNDO_MS: a truck's outcome (complete, skip, no-show) or a lane's closing counts down with an Undo button,
 * and only then is sent. The server has no undo (no move back from completed, no_show, or a skipped truck's new place),
 * so until then nothing has happened anywhere. No-show and closing ask inline first; complete and skip, the officer's
 * every-truck taps, stay one tap: their countdown is the chance to take them back.
 */
import { el } from '../shared/dom';
import { DIRS, emit, note, S, t } from './console';

const UNDO_MS = 10000;

interface Pending {
  at: number;
  timer: ReturnType<typeof setTimeout>;
  dir: string;
  plate?: string;
}

/** What a confirmed action is about: its direction, and the truck's plate for an outcome. */
export interface About {
  dir: string;
  plate?: string;
}

/** Key → true: an inline question is open ("noshow:<bookingId>", "close:<laneId>"). */
export const asking: Record<string, boolean> = {};
/** Key → the action confirmed, sent when UNDO_MS pass without an undo. */
export const pending: Record<string, Pending> = {};

function clear(o: Record<string, unknown>): void {
  for (const k in o) delete o[k];
}

function redraw(): void {
  DIRS.forEach((d) => emit('redraw', d));
}

function ask(key: string): void {
  clear(asking);
  asking[key] = true;
  S.focusAfter = '[data-key="' + key + '"] button.confirm';
  redraw();
}

export function unask(): void {
  clear(asking);
  redraw();
}

function confirmLater(key: string, send: () => void, about: About): void {
  delete asking[key];
  pending[key] = {
    at: Date.now() + UNDO_MS,
    dir: about.dir,
    plate: about.plate,
    timer: setTimeout(function () {
      delete pending[key];
      redraw();
      send();
    }, UNDO_MS),
  };
  S.focusAfter = '[data-key="' + key + '"] button.undo';
  redraw();
}

function undo(key: string): void {
  const p = pending[key];
  if (!p) return;
  clearTimeout(p.timer);
  delete pending[key];
  note('undone', null, 'ok');
  redraw();
}

/** The action confirmed last, if it still waits. */
export function undoLast(): void {
  let last: string | null = null;
  for (const k in pending) if (!last || pending[k].at > pending[last].at) last = k;
  if (last) undo(last);
}

/** Logging out or changing port forgets what was not sent yet: nothing reaches the server. */
export function dropPending(): void {
  for (const k in pending) clearTimeout(pending[k].timer);
  clear(pending);
  clear(asking);
}

export function secondsLeft(key: string): number {
  return Math.max(1, Math.ceil((pending[key].at - Date.now()) / 1000));
}

/** The outcomes a called truck can be given, each waiting for its undo under "<outcome>:<bookingId>". */
export const OUTCOMES = ['complete', 'skip', 'noshow'];

/** An outcome waiting for its undo whose truck is no longer called (given one elsewhere): not sent. */
export function forgetGone(direction: string, calledIds: string[]): void {
  const called: Record<string, boolean> = {};
  calledIds.forEach(function (id) {
    OUTCOMES.forEach(function (o) {
      called[o + ':' + id] = true;
    });
  });
  for (const k in pending) {
    if (OUTCOMES.indexOf(k.split(':')[0]) < 0 || called[k] || pending[k].dir !== direction) continue;
    clearTimeout(pending[k].timer);
    note(k.indexOf('noshow:') === 0 ? 'gone' : 'goneOutcome', { plate: pending[k].plate }, 'error');
    delete pending[k];
  }
}

/** The countdown (`pendingText`) of an action waiting for its undo, with the Undo button. */
function countdown(key: string, pendingText: string): HTMLElement {
  return el('span', { class: 'guard row', 'data-key': key }, [
    el('span', {
      class: 'pending',
      'data-pending': key,
      'data-text': pendingText,
      text: t(pendingText, { s: secondsLeft(key) }),
    }),
    el(
      'button',
      {
        type: 'button',
        class: 'undo',
        'data-undo': key,
        on: {
          click: function () {
            undo(key);
          },
        },
      },
      [t('undo', { s: secondsLeft(key) })],
    ),
  ]);
}

/**
 * A one-tap button whose action waits UNDO_MS for an undo: the button, or once tapped the countdown (`pendingText`)
 * with Undo. `send` runs when the countdown ends; `about` {dir, plate}.
 */
export function deferred(
  key: string,
  label: string,
  cls: string,
  pendingText: string,
  send: () => void,
  about: About,
): HTMLElement {
  if (pending[key]) return countdown(key, pendingText);
  return el(
    'button',
    {
      type: 'button',
      class: cls,
      'data-key': key,
      on: {
        click: function () {
          confirmLater(key, send, about);
        },
      },
    },
    [label],
  );
}

/**
 * Where a button that cannot be taken back sits: the button; its question with Confirm and Cancel; or, once
 * confirmed, the countdown (`pendingText`) with Undo. `send` runs when the countdown ends; `about` {dir, plate}.
 */
export function guarded(
  key: string,
  label: string,
  cls: string,
  question: string,
  yes: string,
  pendingText: string,
  send: () => void,
  about: About,
): HTMLElement {
  if (pending[key]) return countdown(key, pendingText);
  if (asking[key]) {
    return el('span', { class: 'guard row ask', 'data-key': key }, [
      el('span', { class: 'question', text: question }),
      el(
        'button',
        {
          type: 'button',
          class: 'confirm ' + cls,
          on: {
            click: function () {
              confirmLater(key, send, about);
            },
          },
        },
        [yes],
      ),
      el('button', { type: 'button', class: 'secondary', on: { click: unask } }, [t('cancel')]),
    ]);
  }
  return el(
    'button',
    {
      type: 'button',
      class: cls,
      'data-key': key,
      on: {
        click: function () {
          ask(key);
        },
      },
    },
    [label],
  );
}
