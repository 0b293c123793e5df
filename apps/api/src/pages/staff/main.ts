/*
 * /staff — the lane console: open, pause and close lanes, call the next truck, record outcomes, check in plates,
 * confirm or dismiss the gate cameras' unsure reads.
 * In Chinese and English. A truck's outcome and closing a lane wait 10 s for an undo before they are sent (undo.ts).
 * This module signs in and out, opens a port, and wires the page; the console's concerns are its neighbours:
 * console.ts (state, words, calls, events), queue-list.ts, lanes.ts, called.ts, green.ts, yard.ts, check-in.ts,
 * forecast.ts, outlook.ts (the rest of today), undo.ts, time.ts, gate.ts (the cameras' reads to confirm). They import console.ts and, one way, each
 * other, never this module: what they tell the page are console.ts's events, answered at the end of this module.
 */
import type { StaffQueueUpdate, StaffQueueUpdateDelta } from '../../../../../libs/realtime/src/live-events';
import { $, el, fill, show, message } from '../shared/dom';
import { store, load } from '../shared/storage';
import { claims, passwordLogin } from '../shared/session';
import { relabel as relabelWords } from '../shared/i18n';
import { dirSections, sessionLive } from '../shared/live';
import type { NamedLane } from '../shared/lane';
import { checkIn } from './check-in';
import { call, DIRS, LANG, msg, note, on, paint, PORT, S, sess, t, T } from './console';
import { loadForecast, renderForecast } from './forecast';
import { loadOutlook, refreshOutlook, renderOutlook } from './outlook';
import { applyAlert, applyDevice, applyRead, loadGate, renderGate } from './gate';
import { applySide, readSide, renderSide } from './side';
import { callFirstOpen } from './lanes';
import { apply, reload, render, showDir, tabs } from './queue-list';
import { tick } from './time';
import { dropPending, pending, undoLast, unask } from './undo';
import { applyYard, loadYard } from './yard';

/** The sign-in form instead of the console, saying `key` (a word of T) if given. */
function showLogin(key?: string): void {
  if (S.socket) {
    S.socket.close();
    S.socket = null;
  }
  S.me = null;
  S.loginNote = key || null;
  show('console', false);
  show('logout', false);
  show('live', false);
  show('login', true);
  message($('loginMsg'), key ? t(key) : '', 'error');
}

/** Log out: the server ends the session; outcomes and closes still waiting for their undo are dropped. */
function logout(key?: string): void {
  dropPending();
  sess.end();
  showLogin(key);
}

/**
 * The session has really ended (its refresh was refused): sign in again. A change the officer made is kept and sent
 * once they have (caller), and what still waits for its undo is sent then too.
 */
function ended(): void {
  showLogin(call.pending() ? 'sessionEndedKept' : 'sessionEnded');
}

/** The called timeout and time zone of the port (the deadline of a called truck), and its holding areas. */
async function loadPort(code: string): Promise<void> {
  try {
    const p = await call('GET', '/ports/' + code);
    if (code !== S.port) return;
    S.portInfo = {
      calledTimeoutMinutes: p.schedule ? p.schedule.calledTimeoutMinutes : null,
      timeZone: p.timeZone || 'Asia/Shanghai',
    };
    S.areas = {};
    (p.parkingAreas || []).forEach(function (a: { id: string; name: string; names?: Record<string, string> }) {
      S.areas[a.id] = a;
    });
    readSide(p);
    S.lanes = {};
    (p.lanes || []).forEach(function (l: NamedLane & { id: string }) {
      S.lanes[l.id] = l;
    });
    DIRS.forEach(render);
    renderGate();
    // An outlook that came before the lanes named its extra lane "one more": now it can say which.
    renderOutlook();
  } catch {
    return; /* shown */
  }
  void loadForecast(code);
  void loadOutlook();
}

/** The words in the HTML, the title and everything drawn, in `lang`. */
function relabel(): void {
  relabelWords(T, S.lang, t);
  if (S.loginNote) message($('loginMsg'), t(S.loginNote), 'error');
  $('title').textContent = S.port ? t('titlePort', { port: S.port }) : t('title');
  document.title = 'Kouan · ' + $('title').textContent;
  msg.again();
  paint();
  tabs();
  DIRS.forEach(render);
  renderForecast();
  renderOutlook();
  renderGate();
  renderSide();
}

function setLang(l: string): void {
  S.lang = l;
  store(LANG, l);
  relabel();
}

function readAll(): void {
  DIRS.forEach((d) => void reload(d));
}

function openPort(code: string): void {
  dropPending();
  S.port = code;
  S.yard = {};
  store(PORT, code);
  dirSections($('dirs'), DIRS, S.state);
  relabel();
  if (S.socket) S.socket.close();
  const socket = sessionLive(sess, paint, ended);
  S.socket = socket;
  show('live', true);
  socket.on('connect', function () {
    // Port admins have no port of their own: subscribing gives them the staff view of the port they picked.
    if (S.me && S.me.role === 'port_admin')
      DIRS.forEach(function (d) {
        socket.emit('subscribe', { port: S.port!, direction: d });
      });
    readAll();
    DIRS.forEach((d) => void loadYard(d));
    void loadPort(code);
    void loadGate();
  });
  // In the staff room a queue:update is the staff view (whole plates, drivers, firms).
  socket.on('queue:update', (u) => {
    apply(u as StaffQueueUpdate | StaffQueueUpdateDelta);
    refreshOutlook();
  });
  socket.on('lane:update', function (l) {
    if (l.port === S.port) readAll();
  });
  socket.on('yard:update', applyYard);
  socket.on('gate:read', applyRead);
  socket.on('gate:alert', applyAlert);
  socket.on('device:update', applyDevice);
  socket.on('counterpart:update', (u) => applySide('counterpart', u));
  socket.on('incident:update', (u) => applySide('incident', u));
  readAll();
  DIRS.forEach((d) => void loadYard(d));
  void loadPort(code);
  void loadGate();
}

async function start(): Promise<void> {
  const me = claims(sess.token());
  S.me = me;
  if (!me || (me.role !== 'port_staff' && me.role !== 'port_admin')) return logout('staffOnly');
  S.loginNote = null;
  show('login', false);
  show('console', true);
  show('logout', true);
  message($('loginMsg'), '');
  if (me.role === 'port_staff') return openPort(me.port!);
  let ports: Array<{ code: string; name: string }>;
  try {
    ports = await call('GET', '/ports');
  } catch {
    return;
  }
  fill(
    $('port'),
    ports.map(function (p) {
      return el('option', { value: p.code, text: p.name + ' (' + p.code + ')' });
    }),
  );
  show('portPick', true);
  const saved = load(PORT);
  const pick = ports.some(function (p) {
    return p.code === saved;
  })
    ? saved
    : ports[0] && ports[0].code;
  $('port').value = pick;
  if (pick) openPort(pick);
}

/** Shortcuts work on the console only, and never while the officer types in a box or holds a modifier. */
function onKey(ev: KeyboardEvent): void {
  if (!ev.key || $('console').hidden || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
  const target = ev.target as HTMLElement | null;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  const actions: Record<string, () => void> = {
    n: callFirstOpen,
    '/': function () {
      $('plate').focus();
    },
    e: function () {
      showDir('export');
    },
    i: function () {
      showDir('import');
    },
    u: undoLast,
    l: function () {
      setLang(S.lang === 'zh' ? 'en' : 'zh');
    },
    Escape: unask,
  };
  if (!actions[key]) return;
  ev.preventDefault();
  actions[key]();
}

$('port').addEventListener('change', function (this: HTMLSelectElement) {
  openPort(this.value);
});
passwordLogin(
  sess,
  async function () {
    await start();
    // What the officer did while the session had ended goes now (the same officer only), and the views follow it.
    const sent = await call.resume();
    if (sent) {
      note('keptSent', { n: sent }, 'ok');
      readAll();
    }
  },
  function (e) {
    return e.status === 401
      ? t('wrongLogin')
      : e.status === 429
        ? t('tooManyLogins')
        : e.status === 0
          ? t('noServer')
          : e.message;
  },
);
$('checkin').addEventListener('submit', function (ev: SubmitEvent) {
  ev.preventDefault();
  checkIn((ev.target as HTMLFormElement).querySelector('button'), { plate: $('plate').value.trim() });
});
$('logout').addEventListener('click', function () {
  logout();
});
$('lang').addEventListener('click', function () {
  setLang(S.lang === 'zh' ? 'en' : 'zh');
});
document.addEventListener('keydown', onKey);
// Leaving the page drops what waits for its undo: ask first, so an outcome is not lost unnoticed.
window.addEventListener('beforeunload', function (ev) {
  if (Object.keys(pending).length) {
    ev.preventDefault();
    ev.returnValue = '';
  }
});
setInterval(tick, 1000);
// The outlook follows the direction shown and its queue's version: a tab change or a missed update is caught here.
setInterval(refreshOutlook, 5000);
on('ended', ended);
on('acted', readAll);
on('redraw', render);

relabel();
if (sess.token()) void start();
else show('login', true);
