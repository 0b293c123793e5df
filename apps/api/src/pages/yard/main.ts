/*
 * /yard — the yard console: the trucks called onto a lane (and those its lane let go) in call order, each with an
 * Arrived button, and the next ones in line with their ETAs; live through yard:update. In Chinese and English.
 */
import type { YardCalledTruck, YardNextTruck, YardUpdate } from '../../../../../libs/realtime/src/live-events';
import { $, el, fill, show, message } from '../shared/dom';
import { store, load } from '../shared/storage';
import type { ApiError } from '../shared/api';
import { caller } from '../shared/caller';
import { claims, session, passwordLogin } from '../shared/session';
import { browserLang, format, relabel as relabelWords, messages, type Args, type Words } from '../shared/i18n';
import { liveBadge, sessionLive, type LiveSocket } from '../shared/live';
import { laneLabel } from '../shared/lane';
import en from '../i18n/yard/en.json';
import zh from '../i18n/yard/zh.json';
import console_en from '../i18n/console/en.json';
import console_zh from '../i18n/console/zh.json';

const SESSION = 'kouan.yard.session';
const LANG = 'kouan.yard.lang';
const DIRS = ['export', 'import'];

const T: Record<string, Words> = {
  en: { ...console_en, ...en },
  zh: { ...console_zh, ...zh },
};

let lang: string = T[load(LANG)] ? load(LANG) : browserLang(T);

/** The console's own words in the chosen language, with {name} filled from `args` (format). */
function t(key: string, args?: Args): string {
  return format(T[lang][key] || T.en[key] || key, args);
}

const sess = session(SESSION);
let loginNote: string | null = null; // the key of what the sign-in form says, worded again after a change of language
let port: string | null = null;
let views: Record<string, YardUpdate | undefined> = {}; // direction → the latest yard view kept
let lastAt = 0;
let socket: LiveSocket | null = null;
const paint = liveBadge(
  $('live'),
  function () {
    return socket;
  },
  function () {
    return lastAt;
  },
  function () {
    return { live: t('live'), offline: t('offline'), ago: t('ago') };
  },
);

const msg = messages($('msg'), t);
const note = msg.note;

/** The sign-in form instead of the console, saying `key` (a word of T) if given. */
function showLogin(key?: string): void {
  if (socket) {
    socket.close();
    socket = null;
  }
  loginNote = key || null;
  show('console', false);
  show('logout', false);
  show('live', false);
  show('login', true);
  message($('loginMsg'), key ? t(key) : '', 'error');
}

function logout(key?: string): void {
  sess.end();
  showLogin(key);
}

/** The session has really ended: sign in again (an arrival confirmed meanwhile is sent then, caller). */
function ended(): void {
  showLogin(call.pending() ? 'sessionEndedKept' : 'sessionEnded');
}

/** Runs an API call; a 401 renews the session or ends it, a 409 is the caller's, any other error is said (messages). */
const call = caller(sess, ended, function (e: ApiError) {
  if (e.status !== 409) msg.fail(e);
});

/**
 * Keeps a yard view if it is for this port and read after the one kept: the HTTP answer and yard:update race, and
 * each is whole, so the later read wins.
 */
function apply(u: YardUpdate): void {
  if (!u || u.port !== port || DIRS.indexOf(u.direction) < 0) return;
  const kept = views[u.direction];
  if (kept && Date.parse(kept.at) > Date.parse(u.at)) return;
  views[u.direction] = u;
  lastAt = Date.now();
  render(u.direction);
  paint();
}

async function reload(dir: string): Promise<void> {
  try {
    apply(await call('GET', '/ports/' + port + '/yard?direction=' + dir));
  } catch {
    /* shown */
  }
}

/** The yard confirms a truck: it leaves the list (a second confirmation elsewhere is said as such). */
async function arrived(button: HTMLButtonElement, c: YardCalledTruck, dir: string): Promise<void> {
  button.disabled = true;
  try {
    await call('POST', '/bookings/' + c.bookingId + '/yard-arrival');
    note('msgArrived', { plate: c.plate }, 'ok');
  } catch (err) {
    const e = err as ApiError;
    if (e.status === 409 && e.code === 'conflict') note('msgAlready', { plate: c.plate }, 'ok');
    else if (e.status === 409) msg.say(e.message, 'error');
  } finally {
    button.disabled = false;
    void reload(dir);
  }
}

function minutesSince(iso: string | null): number {
  return Math.max(0, Math.floor((Date.now() - Date.parse(iso || '')) / 60000));
}

function calledRow(c: YardCalledTruck, dir: string): HTMLElement {
  return el('div', { class: 'called-row' + (c.status === 'completed' ? ' left' : ''), 'data-booking': c.bookingId }, [
    el('div', { class: 'row' }, [
      el('span', { class: 'plate grow', text: c.plate }),
      el('span', { class: 'lane', text: laneLabel(c.lane, lang, t) }),
    ]),
    el('div', { class: 'row' }, [
      el('span', { class: 'pill', text: t(c.status === 'completed' ? 'leftLane' : 'atLane') }),
      el('span', {
        class: 'since grow',
        'data-called-at': c.calledAt,
        text: t('since', { m: minutesSince(c.calledAt) }),
      }),
      el('span', { class: 'muted', text: c.reference }),
      el(
        'button',
        {
          type: 'button',
          class: 'arrived',
          on: {
            click: function (ev) {
              void arrived(ev.currentTarget as HTMLButtonElement, c, dir);
            },
          },
        },
        [t('arrived')],
      ),
    ]),
  ]);
}

function nextTable(next: YardNextTruck[]): HTMLElement {
  return el('table', { class: 'next' }, [
    el('thead', {}, [
      el('tr', {}, [
        el('th', { scope: 'col', text: t('thPos') }),
        el('th', { scope: 'col', text: t('thPlate') }),
        el('th', { scope: 'col', text: t('thRef') }),
        el('th', { scope: 'col', text: t('thEta') }),
      ]),
    ]),
    el(
      'tbody',
      {},
      next.map(function (n) {
        return el('tr', { 'data-booking': n.bookingId }, [
          el('td', { text: String(n.position) }),
          el('td', { class: 'plate', text: n.plate }),
          el('td', { text: n.reference }),
          el('td', { class: 'eta', text: n.etaMinutes === null ? t('noEta') : t('eta', { m: n.etaMinutes }) }),
        ]);
      }),
    ),
  ]);
}

function render(dir: string): void {
  const section = $('dir-' + dir);
  if (!section) return;
  const u = views[dir];
  fill(section, [
    el('h2', { text: t(dir) }),
    el('h3', { text: t('called', { n: u ? u.called.length : 0 }) }),
    u && u.called.length
      ? el(
          'div',
          { class: 'called-list' },
          u.called.map(function (c) {
            return calledRow(c, dir);
          }),
        )
      : el('p', { class: 'muted', text: t('noneCalled') }),
    el('h3', { text: t('next', { n: u ? u.next.length : 0 }) }),
    u && u.next.length ? nextTable(u.next) : el('p', { class: 'muted', text: t('noneNext') }),
  ]);
}

/** Minutes since each call go on between updates. */
function tick() {
  document.querySelectorAll('[data-called-at]').forEach(function (n) {
    n.textContent = t('since', { m: minutesSince(n.getAttribute('data-called-at')) });
  });
}

/** The words in the HTML, the title and everything drawn, in `lang`. */
function relabel(): void {
  relabelWords(T, lang, t);
  $('title').textContent = port ? t('titlePort', { port: port }) : t('title');
  document.title = 'Kouan · ' + $('title').textContent;
  if (loginNote) message($('loginMsg'), t(loginNote), 'error');
  msg.again();
  paint();
  DIRS.forEach(render);
}

function setLang(l: string): void {
  lang = l;
  store(LANG, l);
  relabel();
}

/** Yard and lane staff have one port (port admins have none: they use /staff). */
function start(): void {
  const me = claims(sess.token());
  if (!me || (me.role !== 'yard_staff' && me.role !== 'port_staff') || !me.port) return logout('yardOnly');
  loginNote = null;
  show('login', false);
  show('console', true);
  show('logout', true);
  show('live', true);
  message($('loginMsg'), '');
  port = me.port;
  views = {};
  fill(
    $('dirs'),
    DIRS.map(function (d) {
      return el('section', { class: 'dir', id: 'dir-' + d });
    }),
  );
  relabel();
  if (socket) socket.close();
  socket = sessionLive(sess, paint, ended);
  // Each (re)connection reads both views whole: what changed while away is in them.
  socket.on('connect', function () {
    DIRS.forEach(reload);
  });
  socket.on('yard:update', apply);
  // A lane opened, paused or closed moves the next trucks' ETAs, which no truck event announces.
  socket.on('lane:update', function () {
    DIRS.forEach(reload);
  });
}

passwordLogin(
  sess,
  async function () {
    start();
    const sent = await call.resume();
    if (sent) {
      note('keptSent', { n: sent }, 'ok');
      DIRS.forEach(reload);
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
$('logout').addEventListener('click', function () {
  logout();
});
$('lang').addEventListener('click', function () {
  setLang(lang === 'zh' ? 'en' : 'zh');
});
setInterval(tick, 10000);

relabel();
if (sess.token()) start();
else show('login', true);
