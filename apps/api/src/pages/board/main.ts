/* /board/:port — the public board on a TV in the holding area: who is called now, and the waiting line with
   each row's ETA, both directions, masked plates only. Its words rotate zh → en → the neighbour's language → the
   other languages drivers at Yunnan's borders read (Lao, Thai, Burmese, Vietnamese). On a TV nothing scrolls: each
   direction shows the rows that fit and how many more wait, and the fees stay on screen. */
import type { LaneUpdate, LaneView, QueueUpdate, QueueUpdateDelta } from '../../../../../libs/realtime/src/live-events';
import { $, el, fill, show, message } from '../shared/dom';
import { hhmm, portToday } from '../shared/time';
import { api } from '../shared/api';
import { format, type Args, type Words } from '../shared/i18n';
import { laneLabel } from '../shared/lane';
import { live, liveBadge, follow, dirSections, type Kept, type LiveSocket } from '../shared/live';
import { applyNotice, noticeBanner, noticeLines, noticesOf, type PortNotices } from '../shared/notices';
import zh from '../i18n/board/zh.json';
import en from '../i18n/board/en.json';
import lo from '../i18n/board/lo.json';
import vi from '../i18n/board/vi.json';
import my from '../i18n/board/my.json';
import th from '../i18n/board/th.json';

const MAX_ROWS = 30;
const ROTATE_MS = 8000;
const code = decodeURIComponent(location.pathname.split('/')[2] || '').toUpperCase();
const only = new URLSearchParams(location.search).get('direction');
const dirs = only === 'export' || only === 'import' ? [only] : ['export', 'import'];
const T: Record<string, Words> = { zh, en, lo, th, my, vi };
/** The neighbour's language by its country: Laos, Vietnam, Myanmar. */
const NEIGHBOUR: Record<string, string> = { LA: 'lo', VN: 'vi', MM: 'my' };
/**
 * The drivers' languages after zh and en, the neighbour's first: trucks cross from beyond the neighbour too (at Mohan,
 * Thai, Burmese and Vietnamese drivers come through Laos), so the board speaks all of them in turn.
 */
const DRIVER_LANGS = ['lo', 'th', 'my', 'vi'];
const langs = ['zh', 'en'];
let lang = 'zh';
let zone = 'Asia/Shanghai';
/** The port, once read (GET /ports/:code): its name in each language. */
let portInfo: { name: string; names?: Record<string, string>; counterpart: { name: string | null } } | null = null;
const state: Record<string, Kept> = {}; // direction → {version, data}
/** The far side's status and the port's open incidents: above both directions, in the language of the moment. */
let notices: PortNotices | null = null;
let lastAt = 0;
let socket: LiveSocket | null = null;
function t(k: string, args?: Args): string {
  return format(T[lang][k] || T.en[k] || k, args);
}
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

function error(text: string): void {
  message($('msg'), text, 'error');
}

/**
 * Newer versions only (follow): the HTTP answer and the socket snapshot race, and a reconnect may replay old
 * state. A change arrives as a delta; one that does not follow what is shown means some were missed: read again.
 */
function apply(u: QueueUpdate | QueueUpdateDelta): void {
  if (!u || u.port !== code) return;
  const kept = follow(state, u);
  if (kept === 'gap') return void load(u.direction, u.version);
  if (!kept) return;
  lastAt = Date.now();
  render(u.direction);
  paint();
}

/** The ETA of place `position`, as the API computes it (libs/queue/src/eta.ts): null when no lane is open. */
function eta(u: QueueUpdate, position: number): number | null {
  const timings = u.timings || [];
  let rate = 0;
  timings.forEach(function (l) {
    if (l.status === 'open')
      rate += 1 / Math.max(l.medianMinutes === null ? u.defaultServiceMinutes! : l.medianMinutes, 0.5);
  });
  return rate ? Math.round(position / rate) : null;
}

/** A lane in the board's language of the moment. */
function laneName(l: LaneView | undefined): string {
  return laneLabel(l, lang, t);
}

/** Circled numbers: marks no plate contains, so a suffix is never read as part of the plate. */
const MARKS = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';

/**
 * The board's label of each masked plate, in the order the board shows them (called first, then the line): a masked
 * plate that more than one truck on the board shares gets a circled number after it (云K·***51 ①, 云K·***51 ②), so
 * two trucks never look alike. The mask itself is the API's (first two and last two characters): the mark adds
 * nothing of any plate, only which of the look-alikes on this board a row is.
 */
function plateLabels(): Record<string, { called: string[]; entries: string[] }> {
  const count: Record<string, number> = {};
  const seen: Record<string, number> = {};
  const views = dirs.map(function (d) {
    return state[d] && state[d].data;
  });
  views.forEach(function (u) {
    if (u)
      (u.called as Array<{ plateMasked: string }>).concat(u.entries).forEach(function (x) {
        count[x.plateMasked] = (count[x.plateMasked] || 0) + 1;
      });
  });
  function label(x: { plateMasked: string }): string {
    const masked = x.plateMasked;
    if (count[masked] < 2) return masked;
    const i = (seen[masked] = (seen[masked] || 0) + 1);
    return masked + ' ' + (MARKS[i - 1] || '(' + i + ')');
  }
  const out: Record<string, { called: string[]; entries: string[] }> = {};
  views.forEach(function (u, i) {
    if (u) out[dirs[i]] = { called: u.called.map(label), entries: u.entries.map(label) };
  });
  return out;
}

function mmss(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

function render(dir: string): void {
  const u = state[dir].data;
  const box = $('dir-' + dir);
  if (!u) return;
  const lanes: Record<string, LaneView> = {};
  u.lanes.forEach(function (l) {
    lanes[l.id] = l;
  });
  const now = Date.now();
  const plates = plateLabels()[dir];
  const calling = u.called
    .map(function (c, i) {
      return { c: c, plate: plates.called[i] };
    })
    .sort(function (a, b) {
      return Date.parse(b.c.calledAt) - Date.parse(a.c.calledAt);
    });
  const rows = u.entries.slice(0, MAX_ROWS).map(function (e, i) {
    const m = eta(u, e.position);
    return el('tr', {}, [
      el('td', { class: 'pos', text: String(e.position) }),
      el('td', { class: 'plate', text: plates.entries[i] }),
      el('td', { text: hhmm(e.slotStartsAt) }),
      el('td', { class: 'eta', text: m === null ? '–' : '~' + m + ' ' + t('min') }),
      el('td', {}, [e.priority ? el('span', { class: 'prio', title: t('green'), text: '★ ' + t('green') }) : null]),
    ]);
  });
  const more = el('div', { class: 'more', hidden: 'hidden' });
  fill(box, [
    el('h2', { text: t(dir) }),
    el(
      'div',
      { class: 'lanes' },
      u.lanes.map(function (l) {
        return el('div', { class: 'lane', 'data-lane': l.id }, [
          laneName(l) + ' ',
          el('span', { class: 'pill ' + l.status, text: t(l.status) }),
        ]);
      }),
    ),
    calling.length
      ? el(
          'div',
          { class: 'calling' },
          [el('div', { class: 'calling-title', text: t('calling') })].concat(
            calling.map(function (x) {
              return el('div', { class: 'called' }, [
                el('span', { class: 'plate', text: x.plate }),
                el('span', { class: 'to', text: '→ ' + laneName(lanes[x.c.laneId]) }),
                el('span', { class: 'elapsed', text: mmss(now - Date.parse(x.c.calledAt)) }),
              ]);
            }),
          ),
        )
      : null,
    eta(u, 1) === null && u.entries.length ? el('div', { class: 'stopped', text: t('laneStopped') }) : null,
    u.entries.length
      ? el('table', {}, [
          el('thead', {}, [
            el(
              'tr',
              {},
              [t('pos'), t('plate'), t('slot'), t('eta'), ''].map(function (h) {
                return el('th', { text: h });
              }),
            ),
          ]),
          el('tbody', {}, rows),
        ])
      : el('div', { class: 'empty', text: t('empty') }),
    more,
  ]);
  fit(box, more, u.entries.length);
}

/**
 * The rows that fit: on a TV the direction's box has the height of the screen below the header and above the fees
 * (board.css), and rows that would fall below it are dropped from the end, the count of those not shown said instead
 * ("+6 more"). On a phone the box grows with its rows and the page scrolls, so nothing is dropped but beyond MAX_ROWS.
 */
function fit(box: HTMLElement, more: HTMLElement, total: number): void {
  const rows = box.querySelectorAll('tbody tr');
  let shown = rows.length;
  const say = function () {
    more.hidden = shown >= total;
    more.textContent = t('more', { n: total - shown });
  };
  say();
  while (shown > 1 && box.scrollHeight > box.clientHeight + 1) {
    rows[--shown].remove();
    say();
  }
}

/** A version of the port's published fees (GET /ports/:code/fees/history). */
interface FeeVersion {
  version: number;
  effectiveFrom: string;
  currency: string;
  items: Array<{ name: Record<string, string>; amount: number; unit: string }>;
}

/** The port's published fees, in the language of the moment (item names fall back to English). */
let fees: FeeVersion | null = null;
function renderFees(): void {
  show('fees', !!fees);
  if (!fees) return;
  $('fees').textContent =
    t('fees') +
    ': ' +
    fees.items
      .map(function (i) {
        return (
          (i.name[lang] || i.name.en) +
          ' ' +
          i.amount +
          ' ' +
          fees!.currency +
          (i.unit === 'per_tonne' ? t('perTonne') : t('perTruck'))
        );
      })
      .join(' · ');
}

function renderNotices(): void {
  fill($('notices'), [noticeBanner(noticeLines(notices, lang, t))]);
}

function tick() {
  $('clock').textContent = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date());
  dirs.forEach(function (d) {
    if (state[d] && state[d].data) render(d);
  });
  renderFees();
  renderNotices();
}

function rotate() {
  lang = langs[(langs.indexOf(lang) + 1) % langs.length];
  document.documentElement.lang = lang;
  renderTitle();
  tick();
  paint();
}

/** The port's name in the language of the moment where it has one (磨憨公路口岸), else its own. */
function renderTitle() {
  if (!portInfo) return;
  const name = (portInfo.names && portInfo.names[lang]) || portInfo.name;
  $('title').textContent = name + (portInfo.counterpart.name ? ' ⇄ ' + portInfo.counterpart.name : '');
  document.title = name + ' · Kouan';
}

async function init() {
  if (!/^[A-Z0-9-]{2,32}$/.test(code)) return error('Unknown port · 未知口岸');
  dirSections($('board'), dirs, state);
  try {
    const port = await api('GET', '/ports/' + encodeURIComponent(code));
    portInfo = port;
    notices = noticesOf(port);
    renderTitle();
    zone = port.timeZone || zone;
    const first = NEIGHBOUR[port.neighbour];
    langs.push(
      ...(first ? [first] : []).concat(
        DRIVER_LANGS.filter(function (l) {
          return l !== first;
        }),
      ),
    );
  } catch (e) {
    return error((e as Error).message);
  }
  // The elapsed times of the called trucks and the clock move every second; the words rotate.
  setInterval(tick, 1000);
  setInterval(rotate, ROTATE_MS);
  tick();
  socket = live(null, paint);
  socket.on('connect', function () {
    // Joining (again, after a reconnect) answers with the current state of each direction.
    dirs.forEach(function (d) {
      socket!.emit('subscribe', { port: code, direction: d }, function (ack) {
        if (ack && !ack.ok) error(ack.error || '');
      });
    });
  });
  socket.on('queue:update', apply);
  socket.on('counterpart:update', function (u) {
    if (applyNotice(notices, 'counterpart', u)) renderNotices();
  });
  socket.on('incident:update', function (u) {
    if (applyNotice(notices, 'incident', u)) renderNotices();
  });
  socket.on('lane:update', function (l: LaneUpdate) {
    dirs.forEach(function (d) {
      const u = state[d].data;
      if (!u) return;
      u.lanes.forEach(function (x) {
        if (x.id === l.laneId) {
          x.status = l.status;
          render(d);
        }
      });
    });
  });
  await Promise.all(
    dirs.map(function (d) {
      return load(d);
    }),
  );
  // From the history (200, [] when none is published: no 404 in the console): the newest in force today.
  try {
    const today = portToday(zone);
    const versions: FeeVersion[] = await api('GET', '/ports/' + encodeURIComponent(code) + '/fees/history');
    // As the API picks it: the latest effective day up to today, then the latest version of that day.
    fees =
      versions
        .filter(function (v) {
          return v.effectiveFrom <= today;
        })
        .sort(function (a, b) {
          return b.effectiveFrom.localeCompare(a.effectiveFrom) || b.version - a.version;
        })[0] || null;
    renderFees();
  } catch {
    /* the board works without them */
  }
}

/** Tries after a gap to read a queue at least as new as the delta that showed it (a read replica may lag). */
const GAP_READS = 5;

/**
 * Reads a direction's queue whole; `wanted`: the version of the delta that did not follow what was shown. The
 * answer may come from a read replica seconds behind it: then read again a second later, a few times.
 */
async function load(dir: string, wanted = -1, tries = GAP_READS): Promise<void> {
  try {
    apply(await api('GET', '/ports/' + code + '/queue?direction=' + dir));
    if (state[dir].version < wanted && tries > 1) setTimeout(() => void load(dir, wanted, tries - 1), 1000);
  } catch (e) {
    error((e as Error).message);
  }
}
void init();
