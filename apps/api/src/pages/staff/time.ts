/** The console's clocks: the texts that move with time (since called, the deadline, waits, undo countdowns). */
import type { StaffQueueUpdate } from '../../../../../libs/realtime/src/live-events';
import { hhmm } from '../shared/time';
import { DIRS, S, t } from './console';
import { pending, secondsLeft } from './undo';

/** "3:07", "1:02:09" */
function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mmss = (h ? String(m).padStart(2, '0') : String(m)) + ':' + String(s % 60).padStart(2, '0');
  return h ? h + ':' + mmss : mmss;
}

/** HH:MM of an instant at the port. */
export function portTime(ms: number): string {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: S.portInfo.timeZone,
    }).format(new Date(ms));
  } catch {
    return hhmm(new Date(ms).toISOString());
  }
}

/** "12 min": whole minutes, never below zero. */
export function minutes(ms: number): string {
  return t('min', { n: Math.max(0, Math.floor(ms / 60000)) });
}

/** A direction's line under its name: how many wait, how many are called, and the mean wait so far. */
function statsText(u: StaffQueueUpdate | null | undefined, now: number): string {
  if (!u) return '';
  const since = u.entries
    .map(function (e) {
      return Date.parse(e.checkedInAt || '');
    })
    .filter(function (x) {
      return !isNaN(x);
    });
  const mean = since.length
    ? since.reduce(function (sum, x) {
        return sum + (now - x);
      }, 0) / since.length
    : null;
  return t('stats', { w: u.entries.length, c: u.called.length, m: mean === null ? '–' : minutes(mean) });
}

/** The texts that move with the clock: elapsed since called, the deadline, waits, undo countdowns. */
export function tick(): void {
  const now = Date.now();
  document.querySelectorAll('[data-called-at]').forEach(function (n) {
    n.textContent = t('calledFor', { t: clock(now - Date.parse(n.getAttribute('data-called-at') || '')) });
  });
  document.querySelectorAll('[data-deadline]').forEach(function (n) {
    const at = Number(n.getAttribute('data-deadline'));
    const late = now >= at;
    n.textContent = t(late ? 'overdue' : 'deadline', { at: portTime(at), t: clock(Math.abs(at - now)) });
    n.classList.toggle('late', late);
  });
  document.querySelectorAll('[data-waited]').forEach(function (n) {
    n.textContent = minutes(now - Date.parse(n.getAttribute('data-waited') || ''));
  });
  DIRS.forEach(function (d) {
    const node = document.querySelector('#dir-' + d + ' .stats');
    if (node) node.textContent = statsText(S.state[d].data, now);
  });
  document.querySelectorAll('[data-pending]').forEach(function (n) {
    const key = n.getAttribute('data-pending') || '';
    if (!pending[key]) return;
    n.textContent = t(n.getAttribute('data-text') || '', { s: secondsLeft(key) });
  });
  document.querySelectorAll('[data-undo]').forEach(function (n) {
    const key = n.getAttribute('data-undo') || '';
    if (pending[key]) n.textContent = t('undo', { s: secondsLeft(key) });
  });
}
