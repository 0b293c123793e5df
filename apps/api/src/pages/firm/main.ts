/*
 * /firm — a firm's bookings of one day, with their live state; its vehicles and drivers; its webhooks (the firm
 * admin's); and a small form to book a slot. This module signs in and out and wires the page; the rest are its
 * neighbours: dashboard.ts (state, words, calls, events), bookings.ts, fleet.ts, webhooks.ts, new-booking.ts. They
 * never import this module: what they tell the page are dashboard.ts's events, answered below.
 */
import { $, show, message } from '../shared/dom';
import { portToday } from '../shared/time';
import { store, load } from '../shared/storage';
import { api } from '../shared/api';
import { format } from '../shared/i18n';
import { claims, passwordLogin } from '../shared/session';
import type { StandingDto } from '../../../../../libs/booking/src/dto/strikes.dto';
import { connect, reload, render } from './bookings';
import { call, LANG, on, paint, PORT_KEY, S, say, sess, t } from './dashboard';
import { loadPorts } from './ports';
import { drivers, initFleet, vehicles } from './fleet';
import { initNewBooking } from './new-booking';
import { hooks, initWebhooks } from './webhooks';
import { renderNotices, watchNotices } from './notices';

function applyLang(): void {
  document.documentElement.lang = S.lang;
  document.querySelectorAll('[data-t]').forEach(function (n) {
    n.textContent = t(n.getAttribute('data-t') || '');
  });
  $('langBtn').textContent = S.lang === 'zh' ? 'English' : '中文';
  if (sess.token()) render();
  renderNotices();
  if (sess.token() && claims(sess.token())) {
    void vehicles();
    void drivers();
    void standing();
    if (!$('hooks').hidden) void hooks();
  }
  if (S.loginNote) message($('loginMsg'), t(S.loginNote), 'error');
  paint();
}

/** The sign-in form instead of the dashboard, saying `key` (a word of T) or `text` if given. */
function showLogin(key: string | null, text?: string): void {
  if (S.socket) {
    S.socket.close();
    S.socket = null;
  }
  S.loginNote = key || null;
  show('dash', false);
  show('logout', false);
  show('live', false);
  show('login', true);
  message($('loginMsg'), key ? t(key) : text || '', 'error');
}

function logout(text?: string): void {
  sess.end();
  showLogin(null, text);
}

/** The session has really ended: sign in again (a change made meanwhile is sent then, caller). */
on('ended', function () {
  showLogin(call.pending() ? 'sessionEndedKept' : 'sessionEnded');
});
on('redraw', render);

/** The firm's standing: its strikes of 30 days against the ports' limit, and the share of a slot it may hold now. */
async function standing(): Promise<void> {
  const me = claims(sess.token());
  if (!me || !me.firm) return;
  try {
    const s: StandingDto = await api('GET', '/firms/' + me.firm + '/standing', undefined, sess.token());
    $('standing').textContent = format(t('standing'), {
      strikes: s.strikes30d,
      limit: s.strikeLimit,
      quota: s.quotaPercentNow,
    });
    show('standing', true);
  } catch {
    show('standing', false); // no port has a schedule yet: no limit to tell
  }
}

function start(): Promise<void> | void {
  const me = claims(sess.token());
  if (!me || (me.role !== 'firm_admin' && me.role !== 'dispatcher'))
    return logout('This dashboard is for trucking firms. Port staff use /staff.');
  S.loginNote = null;
  show('login', false);
  show('dash', true);
  show('logout', true);
  message($('loginMsg'), '');
  connect();
  if (S.socket) watchNotices(S.socket);
  // Webhooks are the firm admin's: a dispatcher does not see them.
  show('hooks', me.role === 'firm_admin');
  if (me.role === 'firm_admin') void hooks();
  void vehicles();
  void drivers();
  void standing();
  void zoneOfLastPort();
  // The rows name their ports in the page's language: the list first (one public read), then the bookings.
  return loadPorts().then(reload, reload);
}

/** "Today" is the day at the port the firm books at (its time zone from the API), not the browser's. */
async function zoneOfLastPort(): Promise<void> {
  try {
    const port = await api('GET', '/ports/' + encodeURIComponent(load(PORT_KEY) || 'MOHAN'));
    S.zone = port.timeZone;
    const today = portToday(port.timeZone);
    if (!S.dateTouched && $('date').value !== today) {
      $('date').value = today;
      await reload();
    }
  } catch {
    /* the default zone (Yunnan's) stays */
  }
}

initFleet();
initWebhooks();
initNewBooking();

$('langBtn').addEventListener('click', function () {
  S.lang = S.lang === 'zh' ? 'en' : 'zh';
  store(LANG, S.lang);
  applyLang();
});

$('date').value = portToday();
applyLang();
$('date').addEventListener('change', function () {
  S.dateTouched = true;
  void reload();
});
$('dayBtn').addEventListener('click', function () {
  S.dayView = !S.dayView;
  $('dayBtn').setAttribute('aria-pressed', String(S.dayView));
  $('date').disabled = S.dayView;
  void reload();
});
passwordLogin(
  sess,
  async function () {
    await start();
    if (await call.resume()) {
      say(t('keptSent'), 'ok');
      void reload();
    }
  },
  function (e) {
    return e.status === 401 ? t('wrongLogin') : e.status === 429 ? t('tooManyLogins') : e.message;
  },
);
$('logout').addEventListener('click', function () {
  logout();
});

if (sess.token()) void start();
else show('login', true);
