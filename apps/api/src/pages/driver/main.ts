/* /d: the driver's phone. Logs in with reference + driver code, then follows the booking live. */
import type { BookingUpdate } from '../../../../../libs/realtime/src/live-events';
import type { DriverBookingDto, DriverTripDto } from '../../../../../libs/queue/src/dto/queue.dto';
import { $, el, fill, show, message } from '../shared/dom';
import { store, load } from '../shared/storage';
import { api, ApiError, serverNow } from '../shared/api';
import { claims, loginForm } from '../shared/session';
import { format, type Args, type Words } from '../shared/i18n';
import { live, liveBadge, onReconnect, type LiveSocket } from '../shared/live';
import { applyNotice, noticeBanner, noticeLines, noticesOf, type PortNotices } from '../shared/notices';
import { installable, keepOffline } from './app';
import { pushStep } from './push';
import { cleanReference } from './reference';
import { beep, soundPrompt } from './sound';
import { age, bothClocks, duration, portClock } from './time';
import en from '../i18n/driver/en.json';
import zh from '../i18n/driver/zh.json';
import lo from '../i18n/driver/lo.json';
import vi from '../i18n/driver/vi.json';
import my from '../i18n/driver/my.json';
import th from '../i18n/driver/th.json';

const T: Record<string, Words> = { en, zh, lo, vi, my, th };
const TOKEN = 'kouan.driver.token';
const LAST = 'kouan.driver.last';
const LANG = 'kouan.driver.lang';

/** What the phone last knew, kept for a reload without signal: the live state, its trip, and when. */
interface Last {
  state: BookingUpdate;
  trip: DriverTripDto | null;
  at: number;
}

let lang: string = load(LANG) || pickLang();
let token: string | null = load(TOKEN);
let last: Last | null = load(LAST);
let socket: LiveSocket | null = null;
/**
 * Whether `socket` has told the page its state (the booking:update the server sends a new connection). Only then is
 * the page live: until then it shows what it read or kept, and its socket holds no stream offset, which recovery starts
 * from (socket.io replays from the last broadcast a client got), so a cut before it cannot be recovered.
 */
let told = false;
let paintBadge = function () {};
let wasCalled = false;
let wakeLock: WakeLockSentinel | null = null;
let renewTimer: ReturnType<typeof setTimeout> | undefined;

function pickLang(): string {
  const langs = (navigator.languages || [navigator.language || 'en']).map(function (l) {
    return String(l).slice(0, 2).toLowerCase();
  });
  for (let i = 0; i < langs.length; i++) if (T[langs[i]]) return langs[i];
  return 'en';
}
function t(k: string, args?: Args): string {
  return format(T[lang][k] || T.en[k] || k, args);
}

/** What stops or slows the booking's port (its far side closed, an incident), read with the port, then live. */
let notices: PortNotices | null = null;

function renderNotices(): void {
  fill($('notices'), [noticeBanner(noticeLines(notices, lang, t))]);
}

async function loadNotices(port: string): Promise<void> {
  try {
    notices = noticesOf(await api('GET', '/ports/' + encodeURIComponent(port)));
    renderNotices();
  } catch {
    /* the page works without them; the next refresh reads them again */
  }
}

function applyLang() {
  document.documentElement.lang = lang;
  $('lang').value = lang;
  $('title').textContent = t('title');
  document.querySelectorAll('[data-t]').forEach(function (n) {
    n.textContent = t(n.getAttribute('data-t') || '');
  });
  installable(lang);
  if (last) render(last.state);
  renderNotices();
  paintBadge();
}

/** Lanes are named by code (export-1): said in the driver's language, with their number. */
function laneName(lane: { name: string } | null): string {
  const m = /^(export|import)-(\d+)$/i.exec((lane && lane.name) || '');
  return m ? t('lane_' + m[1].toLowerCase()) + ' ' + m[2] : lane ? lane.name : '';
}

function render(s: BookingUpdate): void {
  if (!s) return;
  const trip = last && last.trip;
  const called = s.status === 'called';
  document.body.classList.toggle('called', called);
  show('calledBox', called);
  show('waitBox', !called);
  if (called) {
    $('calledPlate').textContent = trip ? trip.plate : '';
    $('calledLane').textContent = laneName(s.lane);
    countdown();
    if (!wasCalled) alertCalled();
  } else {
    releaseWake();
  }
  wasCalled = called;
  $('reference-shown').textContent = (s.reference || '') + (trip ? ' · ' + trip.plate : '');
  $('status').textContent = t(s.status);
  const waiting = s.status === 'checked_in' && s.position !== null;
  show('posBox', waiting);
  $('position').textContent = waiting ? String(s.position) : '';
  const eta = $('eta');
  eta.className = 'eta';
  if (waiting && s.etaMinutes !== null) eta.textContent = t('eta') + ': ~' + s.etaMinutes + ' ' + t('min');
  else if (waiting && s.reason) {
    eta.textContent = t(s.reason);
    eta.className = 'eta warn';
  } else eta.textContent = '';
  const p = s.parking;
  show('parking', waiting && !!p);
  if (waiting && p) {
    fill($('parking'), [
      el('div', { class: 'muted', text: t('parking') }),
      p.overflow
        ? el('div', { text: t('overflow') })
        : el('div', {
            class: 'status',
            text:
              (p.areaName || '') +
              (p.bay !== null ? ' · ' + t('bay') + ' ' + p.bay : '') +
              (p.powered ? ' ⚡ ' + t('powered') : ''),
          }),
      p.instructions ? el('div', { text: p.instructions }) : null,
    ]);
  }
  renderBooked(s.status === 'booked' ? trip : null);
  // The booking's own instructions only while waiting without a bay (a skipped truck waits by the lane): with a
  // bay the card says it already, and once called, done or gone there is nothing left to do.
  message($('instructions'), s.status === 'checked_in' && !p && s.instructions ? s.instructions : '');
  show('checkin', s.status === 'booked');
}

/** Before check-in: the slot, the check-in window and the way to the holding area. */
function renderBooked(trip: DriverTripDto | null): void {
  show('bookedBox', !!trip);
  if (!trip) return;
  const slot = portClock(t, trip.timeZone, trip.slotStartsAt, trip.slotEndsAt);
  const checkIn = portClock(t, trip.timeZone, trip.checkInFrom, trip.checkInUntil);
  fill(
    $('bookedBox'),
    [
      el('div', { class: 'muted', text: t('slot') }),
      el('div', { class: 'status', text: trip.slotStartsAt.slice(0, 10) + ' ' + slot.port + ' · ' + trip.portName }),
      slot.phone ? el('div', { class: 'phone-time', text: slot.phone }) : null,
      el('div', { class: 'muted', text: t('window') }),
      el('div', { class: 'window', text: checkIn.port }),
      checkIn.phone ? el('div', { class: 'phone-time', text: checkIn.phone }) : null,
    ]
      .concat(
        trip.holdingAreas.map(function (a) {
          return el('div', { class: 'area' }, [
            el('div', { class: 'muted', text: t('holding') }),
            el('div', { class: 'status', text: a.name }),
            a.directions ? el('div', { text: a.directions }) : null,
            el('a', {
              class: 'map',
              href: 'geo:' + a.lat + ',' + a.lon + '?q=' + a.lat + ',' + a.lon,
              text: t('map') + ' (' + a.lat.toFixed(4) + ', ' + a.lon.toFixed(4) + ')',
            }),
          ]);
        }),
      )
      .concat(
        trip.fees
          ? [
              el('div', { class: 'fees' }, [
                el('div', { class: 'muted', text: t('fees') }),
                el('div', { class: 'status', text: trip.fees.total + ' ' + trip.fees.currency }),
                el('div', {
                  class: 'muted',
                  text: trip.fees.items
                    .map(function (i) {
                      return i.name + ' ' + i.amount + (i.unit === 'per_tonne' ? t('perTonne') : t('perTruck'));
                    })
                    .join(' · '),
                }),
              ]),
            ]
          : [],
      ),
  );
}

/**
 * The time left to reach the lane as a duration ("14 min 53 s", by the server's clock: the phone's may be off), and
 * the deadline as clock times, the port's and the phone's; every second while called.
 */
function countdown() {
  const trip = last && last.trip;
  const box = $('calledDeadline');
  if (!trip || !trip.calledDeadline) {
    box.textContent = '';
    $('calledBy').textContent = '';
    return;
  }
  const left = Date.parse(trip.calledDeadline) - serverNow();
  box.className = 'called-deadline' + (left < 500 ? ' late' : '');
  box.textContent = left < 500 ? t('lateNow') : t('deadline') + ' ' + duration(t, left);
  $('calledBy').textContent = t('by', { time: bothClocks(portClock(t, trip.timeZone, trip.calledDeadline)) });
  $('calledNote').textContent = t('deadlineNote');
}

/** Called: vibrate, three beeps, and keep the screen on until it is over. */
function alertCalled() {
  if (navigator.vibrate) navigator.vibrate([600, 200, 600, 200, 1200]);
  beep();
  if (navigator.wakeLock && !wakeLock) {
    navigator.wakeLock.request('screen').then(
      function (l) {
        wakeLock = l;
      },
      function () {
        /* refused: the page still works */
      },
    );
  }
}

function releaseWake() {
  if (wakeLock) {
    wakeLock.release().catch(function () {});
    wakeLock = null;
  }
}

/** A new state; its trip comes from GET /driver/booking, read again when the status changes (a call's deadline). */
function remember(s: BookingUpdate | DriverBookingDto): void {
  const changed = !last || !last.state || last.state.status !== s.status;
  const fetched = 'trip' in s ? s.trip : null;
  const trip = fetched || (last && last.trip) || null;
  const state: BookingUpdate & { trip?: DriverTripDto } = Object.assign({}, s);
  delete state.trip;
  last = { state: state, trip: trip, at: Date.now() };
  store(LAST, last);
  render(state);
  paintBadge();
  if (changed && !fetched) void refresh();
}

function logout(reason?: string): void {
  if (socket) {
    socket.close();
    socket = null;
  }
  notices = null;
  clearTimeout(renewTimer);
  releaseWake();
  token = null;
  last = null;
  store(TOKEN, null);
  store(LAST, null);
  document.body.classList.remove('called');
  show('state', false);
  show('live', false);
  show('logout', false);
  show('logoutAsk', false);
  show('login', true);
  message($('loginMsg'), reason || '', reason ? 'error' : '');
}

/**
 * Why the server refused the token (401): it ran out (by the server's clock), and the driver is told the session
 * ended; else the firm issued a new code, and the old one is wrong now.
 */
function refused(): string {
  const c = claims(token);
  return c && c.exp && c.exp * 1000 <= serverNow() ? t('sessionEnded') : t('badLogin');
}

async function refresh(): Promise<void> {
  // The page start and a refused socket handshake both ask at once: only a refusal of the token still held signs
  // out, so the second answer cannot replace "session ended" with "wrong code" for a token already gone.
  const held = token;
  if (!held) return;
  try {
    remember(await api('GET', '/driver/booking', undefined, held));
    // Read again at each refresh (a start, a reconnect): what was said while the socket was away is not lost.
    if (last && last.trip) void loadNotices(last.trip.portCode);
  } catch (err) {
    const e = err as ApiError;
    if (e.status === 401) return token === held ? logout(refused()) : undefined;
    // No signal: keep the last known state on screen (dimmed); the badge says how old it is.
    message($('msg'), e.status ? e.message : t('noNet'), 'error');
  }
}

/** At least this long between two renewals, whatever the clocks say: a renewal never runs in a loop. */
const RENEW_GAP_MS = 60000;
/** A timer no longer than this (a phone asleep, a clock set by hand): then the renewal is planned again. */
const RENEW_LOOK_MS = 3600000;
let renewedAt = -Infinity;

/**
 * The session lasts the wait (until 2 h after the check-in window closes) and renews itself a quarter of its life
 * before it ends (POST /driver/session/refresh), so a long wait never logs the driver out. When is judged by the
 * server's clock (the token's times are the server's): a phone 7 h fast renewed at once, again and again.
 */
function planRenewal() {
  clearTimeout(renewTimer);
  const c = claims(token);
  if (!c || !c.exp || !c.iat) return;
  const renewAt = (c.exp - (c.exp - c.iat) / 4) * 1000;
  const wait = Math.max(renewAt - serverNow(), renewedAt + RENEW_GAP_MS - Date.now(), 0);
  if (wait > RENEW_LOOK_MS) {
    renewTimer = setTimeout(planRenewal, RENEW_LOOK_MS);
    return;
  }
  renewTimer = setTimeout(async function () {
    renewedAt = Date.now();
    try {
      const fresh = await api('POST', '/driver/session/refresh', {}, token);
      token = fresh.accessToken;
      store(TOKEN, token);
      if (socket) {
        socket.auth = { token: token };
        socket.disconnect().connect();
      }
      planRenewal();
    } catch (err) {
      const e = err as ApiError;
      if (e.status === 410) return logout(t('closedBooking'));
      if (e.status === 401) return logout(refused());
      planRenewal();
    }
  }, wait);
}

function connect(): void {
  told = false;
  socket = live({ token: token }, paintBadge);
  socket.on('booking:update', function (u) {
    told = true;
    message($('msg'), '');
    remember(u);
  });
  // The server ended the session (the token expired, or the firm issued a new code) and does not reconnect:
  // the GET answers 401 and the driver is asked to sign in again, instead of watching a dead screen.
  socket.on('session:expired', () => void refresh());
  socket.on('counterpart:update', function (u) {
    if (applyNotice(notices, 'counterpart', u)) renderNotices();
  });
  socket.on('incident:update', function (u) {
    if (applyNotice(notices, 'incident', u)) renderNotices();
  });
  // Back within 2 min the server replays what the phone missed (notices, a cancel) and sends its state if it moved:
  // nothing to read again, unless the page never got its port's notices (their first read was lost to a dead network;
  // a replayed notice has nothing to apply to). After longer it sends the current state; the GET covers the trip and
  // the notices.
  onReconnect(socket, (recovered) => {
    if (!recovered || !notices) void refresh();
  });
  socket.on('connect_error', function () {
    // A refused handshake (expired token) is not retried by socket.io; ask the API why.
    if (socket && !socket.active) void refresh();
  });
  $('live').hidden = false;
  paintBadge();
}

async function start() {
  show('login', false);
  show('state', true);
  show('logout', true);
  message($('loginMsg'), '');
  if (last) render(last.state);
  connect();
  // The renewal is planned once an answer has told the server's time.
  await refresh();
  planRenewal();
  pushStep(() => token, t);
}

loginForm(
  function () {
    const reference = cleanReference($('reference').value);
    if (!reference) return Promise.reject(new ApiError(400, null));
    $('reference').value = reference;
    return api('POST', '/driver/session', { reference: reference, driverCode: $('driverCode').value.trim() });
  },
  function (accessToken) {
    token = accessToken;
    store(TOKEN, token);
    return start();
  },
  function (e) {
    // Never the API's English: a reference it cannot read is said as the page's own words.
    if (e.status === 400) return t('badRef');
    if (e.status === 401) return t('badLogin');
    if (e.status === 410) return t('closedBooking');
    if (e.status === 429) return t('tooMany');
    if (e.status === 423) return t('locked');
    return e.status ? t('signInFailed') : t('noNet');
  },
);

$('checkin').addEventListener('click', function () {
  const btn = $('checkin');
  if (!navigator.geolocation) return message($('msg'), t('noGeo'), 'error');
  btn.disabled = true;
  message($('msg'), t('locating'));
  navigator.geolocation.getCurrentPosition(
    async function (pos) {
      try {
        await api('POST', '/driver/check-in', { lat: pos.coords.latitude, lon: pos.coords.longitude }, token);
        message($('msg'), t('checkedIn'), 'ok');
        await refresh();
      } catch (err) {
        const e = err as ApiError;
        let text = e.message;
        if (e.code === 'outside_geofence') text = t('outside');
        else if (e.code === 'too_early') {
          const comeBackAt = e.body.comeBackAt as string | undefined;
          const trip = last && last.trip;
          text =
            t('early') +
            (comeBackAt && trip
              ? ' ' + bothClocks(portClock(t, trip.timeZone, comeBackAt)) + ' (' + comeBackAt.slice(0, 10) + ')'
              : '');
        } else if (e.code === 'too_late') text = t('late');
        else if (e.code === 'already_checked_in') text = t('checkedIn');
        else if (e.status === 410) text = t('closedBooking');
        else if (e.status === 401) return logout(refused());
        else if (!e.status) text = t('noNet');
        message($('msg'), text, 'error');
      } finally {
        btn.disabled = false;
      }
    },
    function () {
      btn.disabled = false;
      message($('msg'), t('noGeo'), 'error');
    },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 },
  );
});

// Logging out loses the booking on this phone (the reference and code are needed again): asked first, and the button
// sits in the bar, away from the called box a hurried thumb reaches for.
$('logout').addEventListener('click', function () {
  show('logoutAsk', true);
  $('logoutNo').focus();
});
$('logoutNo').addEventListener('click', function () {
  show('logoutAsk', false);
  $('logout').focus();
});
$('logoutYes').addEventListener('click', function () {
  logout();
});
$('lang').addEventListener('change', function (this: HTMLSelectElement) {
  lang = this.value;
  store(LANG, lang);
  applyLang();
});

// Not hearing the server: the last known state stays on screen, dimmed, with how old it is.
paintBadge = liveBadge(
  $('live'),
  function () {
    return told ? socket : null;
  },
  function () {
    return last && last.at;
  },
  function () {
    return { live: t('live'), offline: t('offline'), ago: t('ago') };
  },
  function (fresh) {
    const stale = !!token && !fresh;
    document.body.classList.toggle('stale', stale);
    // Offline (a reopening without signal, from the service worker's copy): what is shown, and how old it is.
    message($('asOf'), stale && last ? t('asOf', { age: age(t, Date.now() - last.at) }) : '');
  },
);
setInterval(function () {
  if (wasCalled) countdown();
}, 1000);
applyLang();
soundPrompt($('sound'));
keepOffline();
// A link from the firm (/d?ref=MOHAN-…) fills in the reference: the driver types only the code.
const ref = new URLSearchParams(location.search).get('ref');
if (ref) $('reference').value = ref.toUpperCase();
// The firm's text or slip (/d#r=MOHAN-…&c=123456) signs in at once. A fragment never reaches a server log; it is
// taken off the address so the code does not stay in the history.
const given = new URLSearchParams(location.hash.slice(1));
if (given.get('r') && given.get('c')) {
  $('reference').value = String(given.get('r')).toUpperCase();
  $('driverCode').value = given.get('c');
  history.replaceState(null, '', location.pathname + location.search);
  show('login', true);
  $('login').requestSubmit();
} else if (token) void start();
else show('login', true);
