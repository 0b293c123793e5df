/* /firm — a firm's bookings of one day, with their live state; and a small form to book a slot. */
import type { BookingUpdate } from '../../../../../libs/realtime/src/live-events';
import type { BookingDto } from '../../../../../libs/booking/src/dto/booking.dto';
import { $, el, fill, show, message } from '../shared/dom';
import { hhmm, portToday } from '../shared/time';
import { store, load } from '../shared/storage';
import { api, caller, type ApiError } from '../shared/api';
import { claims, session, passwordLogin } from '../shared/session';
import { type Words } from '../shared/i18n';
import { liveBadge, sessionLive, type LiveSocket } from '../shared/live';
import en from '../i18n/firm/en.json';
import zh from '../i18n/firm/zh.json';
import console_en from '../i18n/console/en.json';
import console_zh from '../i18n/console/zh.json';

const T: Record<string, Words> = {
  en: { ...console_en, ...en },
  zh: { ...console_zh, ...zh },
};
const LANG = 'kouan.firm.lang';
let lang: string = load(LANG) || (/^zh/i.test(navigator.language || '') ? 'zh' : 'en');
function t(k: string): string {
  return T[lang][k] || T.en[k] || k;
}
const SESSION = 'kouan.firm.session';
const PORT_KEY = 'kouan.firm.port';
const sess = session(SESSION);
let loginNote: string | null = null; // the key of what the sign-in form says, worded again after a change of language
let socket: LiveSocket | null = null;
let bookings: BookingDto[] = [];
const live: Record<string, BookingUpdate> = {}; // bookingId → last booking:update
let lastAt = 0;
let reloadTimer: ReturnType<typeof setTimeout> | undefined;
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

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-t]').forEach(function (n) {
    n.textContent = t(n.getAttribute('data-t') || '');
  });
  $('langBtn').textContent = lang === 'zh' ? 'English' : '中文';
  if (sess.token()) render();
  if (sess.token() && claims(sess.token())) {
    void vehicles();
    void drivers();
  }
  if (loginNote) message($('loginMsg'), t(loginNote), 'error');
  paint();
}

function say(text: string, kind?: string): void {
  message($('msg'), text, kind);
}

/** The sign-in form instead of the dashboard, saying `key` (a word of T) or `text` if given. */
function showLogin(key: string | null, text?: string): void {
  if (socket) {
    socket.close();
    socket = null;
  }
  loginNote = key || null;
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
function ended(): void {
  showLogin(call.pending() ? 'sessionEndedKept' : 'sessionEnded');
}

const call = caller(sess, ended, function (e: ApiError) {
  say(e.message, 'error');
});

function queueText(u: BookingUpdate | undefined): string {
  if (!u) return '';
  if (u.status === 'called' && u.lane) return '→ ' + u.lane.name;
  if (u.position !== null && u.position !== undefined)
    return (
      '#' +
      u.position +
      (u.etaMinutes !== null ? ' · ~' + u.etaMinutes + ' min' : u.reason ? ' · ' + u.reason.replace('_', ' ') : '')
    );
  return '';
}

function render() {
  if (!bookings.length)
    return fill($('list'), [el('p', { class: 'muted', text: t('none') + ' ' + $('date').value + '.' })]);
  fill($('list'), [
    el('table', { class: 'bookings' }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          [t('reference'), t('slot'), t('port'), t('vehicle'), t('driver'), t('status'), t('queue'), ''].map(
            function (h) {
              return el('th', { text: h });
            },
          ),
        ),
      ]),
      el(
        'tbody',
        {},
        bookings.map(function (b) {
          const u = live[b.id];
          const status = u ? u.status : b.status;
          return el('tr', { 'data-booking': b.id }, [
            el('td', { text: b.reference }),
            el('td', { text: hhmm(b.slotStartsAt) + '–' + hhmm(b.slotEndsAt) }),
            el('td', { text: b.portCode + ' ' + b.direction }),
            el('td', { class: 'plate', text: b.plate }),
            el('td', { text: b.driverName }),
            el('td', {}, [el('span', { class: 'st ' + status, text: t(status) })]),
            el('td', { class: 'queue', text: queueText(u) }),
            el('td', { class: 'actions' }, [
              status === 'booked'
                ? el(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary',
                      'data-act': 'cancel',
                      on: {
                        click: function (ev) {
                          void cancel(b, ev.target);
                        },
                      },
                    },
                    [t('cancel')],
                  )
                : null,
              status === 'booked'
                ? el(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary',
                      'data-act': 'reschedule',
                      on: {
                        click: function () {
                          void reschedule(b);
                        },
                      },
                    },
                    [t('reschedule')],
                  )
                : null,
              status === 'booked' || status === 'checked_in' || status === 'called'
                ? el(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary',
                      'data-act': 'code',
                      on: {
                        click: function (ev) {
                          void newCode(b, ev.target);
                        },
                      },
                    },
                    [t('newCode')],
                  )
                : null,
            ]),
          ]);
        }),
      ),
    ]),
  ]);
}

async function cancel(b, button) {
  if (!window.confirm(t('confirmCancel') + ' ' + b.reference + '?')) return;
  button.disabled = true;
  try {
    await call('POST', '/bookings/' + b.id + '/cancel');
    say(b.reference + ' ' + t('cancelled'), 'ok');
    await reload();
  } catch {
    button.disabled = false;
  }
}

/** Another free slot of the same port, direction and day, picked under the booking's row. */
async function reschedule(b) {
  try {
    const list = await call(
      'GET',
      '/bookings/slots?port=' + b.portCode + '&date=' + b.slotStartsAt.slice(0, 10) + '&direction=' + b.direction,
    );
    const open = list.filter(function (s) {
      return s.availableToYou > 0 && s.id !== b.slotId;
    });
    if (!open.length) return say(t('noSlot'), 'error');
    const select = el(
      'select',
      { 'aria-label': t('slot'), 'data-reschedule': b.id },
      open.map(function (s) {
        return el('option', {
          value: s.id,
          text: hhmm(s.startsAt) + '–' + hhmm(s.endsAt) + ' (' + s.available + ' ' + t('free') + ')',
        });
      }),
    );
    const go = el(
      'button',
      {
        type: 'button',
        on: {
          click: async function () {
            go.disabled = true;
            try {
              const moved = await call('POST', '/bookings/' + b.id + '/reschedule', { slotId: select.value });
              say(b.reference + ' ' + t('moved') + ' ' + hhmm(moved.slotStartsAt), 'ok');
              await reload();
            } catch {
              go.disabled = false;
            }
          },
        },
      },
      [t('move')],
    );
    fill(document.querySelector('tr[data-booking="' + b.id + '"] td.actions')!, [select, go]);
  } catch {
    /* shown */
  }
}

/** A new driver code (the old one stops working) and a link that opens the driver page with the reference filled in. */
async function newCode(b, button) {
  button.disabled = true;
  try {
    const r = await call('POST', '/bookings/' + b.id + '/driver-code');
    const link = location.origin + '/d?ref=' + encodeURIComponent(b.reference);
    say(t('codeFor') + ' ' + b.reference + ': ' + r.driverCode + ' — ' + t('shareLink') + ' ' + link, 'ok');
  } catch {
    /* shown */
  } finally {
    button.disabled = false;
  }
}

async function reload(): Promise<void> {
  try {
    bookings = await call('GET', '/bookings?date=' + $('date').value + '&limit=500');
    lastAt = Date.now();
    render();
    paint();
  } catch {
    /* shown */
  }
}

function connect(): void {
  socket = sessionLive(sess, paint, ended);
  show('live', true);
  socket.on('booking:update', function (u) {
    live[u.bookingId] = u;
    lastAt = Date.now();
    if (
      bookings.some(function (b) {
        return b.id === u.bookingId;
      })
    )
      render();
    else {
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => void reload(), 500);
    }
  });
  // Updates missed while offline: read the day again.
  socket.io.on('reconnect', () => void reload());
}

function start() {
  const me = claims(sess.token());
  if (!me || (me.role !== 'firm_admin' && me.role !== 'dispatcher'))
    return logout('This dashboard is for trucking firms. Port staff use /staff.');
  loginNote = null;
  show('login', false);
  show('dash', true);
  show('logout', true);
  message($('loginMsg'), '');
  connect();
  // Webhooks are the firm admin's: a dispatcher does not see them.
  show('hooks', me.role === 'firm_admin');
  if (me.role === 'firm_admin') void hooks();
  void vehicles();
  void drivers();
  void zoneOfLastPort();
  return reload();
}

/** "Today" is the day at the port the firm books at (its time zone from the API), not the browser's. */
async function zoneOfLastPort() {
  try {
    const port = await api('GET', '/ports/' + encodeURIComponent(load(PORT_KEY) || 'MOHAN'));
    const today = portToday(port.timeZone);
    if (!dateTouched && $('date').value !== today) {
      $('date').value = today;
      await reload();
    }
  } catch {
    /* the default zone (Yunnan's) stays */
  }
}
let dateTouched = false;

// --- vehicles and drivers: listed, added, edited in place ---
const LANGS = { zh: '中文', lo: 'ລາວ', vi: 'Tiếng Việt', my: 'မြန်မာ', th: 'ไทย', en: 'English' };

/** A table whose rows turn into inputs on Edit and PATCH what changed on Save. */
function editable(box, rows, cols, path, reloadList) {
  fill(box, [
    el('table', { class: 'fleet' }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          cols
            .map(function (c) {
              return el('th', { text: t(c.key) });
            })
            .concat([el('th', { text: '' })]),
        ),
      ]),
      el(
        'tbody',
        {},
        rows.map(function (r) {
          const tr = el(
            'tr',
            { 'data-id': r.id },
            cols
              .map(function (c) {
                return el('td', { text: c.show(r) });
              })
              .concat([
                el('td', {}, [
                  el(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary',
                      on: {
                        click: function () {
                          edit(tr, r);
                        },
                      },
                    },
                    [t('edit')],
                  ),
                ]),
              ]),
          );
          return tr;
        }),
      ),
    ]),
  ]);
  function edit(tr, r) {
    const inputs = cols.map(function (c) {
      return c.input(r);
    });
    const save = el(
      'button',
      {
        type: 'button',
        on: {
          click: async function () {
            const body = {};
            cols.forEach(function (c, i) {
              const v = c.value(inputs[i]);
              if (v !== c.raw(r)) body[c.key] = v;
            });
            save.disabled = true;
            try {
              await call('PATCH', path + r.id, body);
              say(t('saved'), 'ok');
              await reloadList();
            } catch {
              save.disabled = false;
            }
          },
        },
      },
      [t('save')],
    );
    fill(
      tr,
      inputs
        .map(function (i) {
          return el('td', {}, [i]);
        })
        .concat([el('td', {}, [save])]),
    );
  }
}
const text = function (key) {
  return {
    key: key,
    show: function (r) {
      return r[key];
    },
    raw: function (r) {
      return r[key];
    },
    input: function (r) {
      return el('input', { value: r[key], 'aria-label': t(key), 'data-field': key });
    },
    value: function (i) {
      return i.value.trim();
    },
  };
};
const VEHICLE_COLS = [
  text('plate'),
  text('country'),
  {
    key: 'reefer',
    show: function (r) {
      return r.reefer ? '❄' : '';
    },
    raw: function (r) {
      return r.reefer;
    },
    input: function (r) {
      return el('input', {
        type: 'checkbox',
        checked: r.reefer ? 'checked' : null,
        'aria-label': t('reefer'),
        'data-field': 'reefer',
      });
    },
    value: function (i) {
      return i.checked;
    },
  },
];
const DRIVER_COLS = [
  text('name'),
  text('phone'),
  {
    key: 'licenceNo',
    show: function (r) {
      return r.licenceNo;
    },
    raw: function (r) {
      return r.licenceNo;
    },
    input: function (r) {
      return el('input', { value: r.licenceNo, 'aria-label': t('licence'), 'data-field': 'licenceNo' });
    },
    value: function (i) {
      return i.value.trim();
    },
  },
  {
    key: 'language',
    show: function (r) {
      return LANGS[r.language] || r.language;
    },
    raw: function (r) {
      return r.language;
    },
    input: function (r) {
      return el(
        'select',
        { 'aria-label': t('language'), 'data-field': 'language' },
        Object.keys(LANGS).map(function (l) {
          return el('option', { value: l, text: LANGS[l], selected: l === r.language ? 'selected' : null });
        }),
      );
    },
    value: function (i) {
      return i.value;
    },
  },
];
T.en.licenceNo = T.en.licence;
T.zh.licenceNo = T.zh.licence;

async function vehicles() {
  try {
    editable($('vehicleList'), await call('GET', '/vehicles?limit=500'), VEHICLE_COLS, '/vehicles/', vehicles);
  } catch {
    /* shown */
  }
}
async function drivers() {
  try {
    editable($('driverList'), await call('GET', '/drivers?limit=500'), DRIVER_COLS, '/drivers/', drivers);
  } catch {
    /* shown */
  }
}
$('vehicleForm').addEventListener('submit', async function (ev) {
  ev.preventDefault();
  try {
    await call('POST', '/vehicles', {
      plate: $('vPlate').value.trim(),
      country: $('vCountry').value.trim(),
      reefer: $('vReefer').checked,
    });
    $('vPlate').value = '';
    formLoaded = false;
    await vehicles();
  } catch {
    /* shown */
  }
});
$('driverForm').addEventListener('submit', async function (ev) {
  ev.preventDefault();
  try {
    await call('POST', '/drivers', {
      name: $('dName').value.trim(),
      phone: $('dPhone').value.trim(),
      licenceNo: $('dLicence').value.trim(),
      language: $('dLang').value,
    });
    $('dName').value = '';
    $('dPhone').value = '';
    $('dLicence').value = '';
    formLoaded = false;
    await drivers();
  } catch {
    /* shown */
  }
});

// --- webhooks (firm admin) ---
const EVENTS = [
  'booking.created',
  'booking.cancelled',
  'booking.rescheduled',
  'booking.checked_in',
  'booking.called',
  'booking.requeued',
  'booking.completed',
  'booking.no_show',
  'booking.waived',
  'booking.reminder',
  'booking.yard_arrived',
];
fill(
  $('hEvents'),
  ([el('legend', { text: 'Events' })] as HTMLElement[]).concat(
    EVENTS.map(function (e) {
      return el('label', {}, [
        el('input', {
          type: 'checkbox',
          value: e,
          checked: e === 'booking.called' || e === 'booking.completed' ? 'checked' : null,
        }),
        e,
      ]);
    }),
  ),
);

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** Each endpoint with its state (failing, disabled: flagged) and its latest attempts. */
async function hooks(secretFor?: { id: string; secret: string }): Promise<void> {
  try {
    const list = await call('GET', '/webhooks');
    const logs = await Promise.all(
      list.map(function (h) {
        return call('GET', '/webhooks/' + h.id + '/deliveries?limit=5');
      }),
    );
    fill(
      $('hookList'),
      list.length
        ? list.map(function (h, i) {
            const state = h.disabledAt ? 'disabled' : h.failingSince ? 'failing' : 'ok';
            return el('div', { class: 'hook ' + state, 'data-hook': h.id }, [
              el('div', { class: 'row' }, [
                el('strong', { class: 'grow', text: h.url }),
                el(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    on: {
                      click: function (ev) {
                        void removeHook(h, ev.target);
                      },
                    },
                  },
                  ['Remove'],
                ),
              ]),
              state === 'disabled'
                ? el('div', {
                    class: 'flag',
                    text:
                      'Disabled ' +
                      when(h.disabledAt) +
                      ': every delivery failed for a day. Fix the receiver, then remove and add it again.',
                  })
                : state === 'failing'
                  ? el('div', {
                      class: 'flag',
                      text: 'Failing since ' + when(h.failingSince) + ': deliveries are being retried.',
                    })
                  : null,
              secretFor && secretFor.id === h.id
                ? el('div', {}, [
                    'Secret (shown once, keep it): ',
                    el('span', { class: 'secret', text: secretFor.secret }),
                  ])
                : null,
              el('div', { class: 'muted', text: h.events.join(', ') }),
              logs[i].length
                ? el(
                    'ul',
                    { class: 'attempts' },
                    logs[i].map(function (a) {
                      return el('li', {
                        text:
                          when(a.at) +
                          ' · ' +
                          a.type +
                          ' · try ' +
                          a.attempt +
                          ' · ' +
                          (a.outcome === 'delivered'
                            ? 'delivered (' + a.status + ')'
                            : 'failed (' + (a.status || a.error) + ')'),
                      });
                    }),
                  )
                : el('div', { class: 'muted', text: 'No deliveries yet.' }),
            ]);
          })
        : [el('p', { class: 'muted', text: 'No webhooks.' })],
    );
  } catch {
    /* shown */
  }
}

async function removeHook(h, button) {
  if (!window.confirm('Remove the webhook to ' + h.url + '?')) return;
  button.disabled = true;
  try {
    await call('DELETE', '/webhooks/' + h.id);
    await hooks();
  } catch {
    button.disabled = false;
  }
}

$('hookForm').addEventListener('submit', async function (ev) {
  ev.preventDefault();
  const events = Array.prototype.filter
    .call($('hEvents').querySelectorAll('input'), function (i) {
      return i.checked;
    })
    .map(function (i) {
      return i.value;
    });
  try {
    const created = await call('POST', '/webhooks', { url: $('hUrl').value.trim(), events: events });
    $('hUrl').value = '';
    say('Webhook added. Copy its secret now: it is shown only once.', 'ok');
    await hooks(created);
  } catch {
    /* shown */
  }
});

// --- new booking ---
let formLoaded = false;
/** While the form is open, what may still be booked is read again every 10 s: other firms book the same slots. */
const SLOTS_EVERY_MS = 10000;
setInterval(function () {
  if (!$('newForm').hidden && formLoaded) void slots();
}, SLOTS_EVERY_MS);
async function openForm() {
  const form = $('newForm');
  form.hidden = !form.hidden;
  if (form.hidden || formLoaded) return;
  try {
    const r = await Promise.all([call('GET', '/ports'), call('GET', '/vehicles'), call('GET', '/drivers')]);
    // Road ports only, Mohan first (the busiest); the last one used is picked again.
    const ports = r[0].filter(function (p) {
      return p.mode === 'road';
    });
    ports.sort(function (a, b) {
      return Number(b.code === 'MOHAN') - Number(a.code === 'MOHAN') || a.name.localeCompare(b.name);
    });
    fill(
      $('nPort'),
      ports.map(function (p) {
        return el('option', { value: p.code, text: p.name });
      }),
    );
    if (load(PORT_KEY)) $('nPort').value = load(PORT_KEY);
    fill(
      $('nVehicle'),
      r[1].map(function (v) {
        return el('option', { value: v.id, text: v.plate + (v.reefer ? ' (reefer)' : '') });
      }),
    );
    fill(
      $('nDriver'),
      r[2].map(function (d) {
        return el('option', { value: d.id, text: d.name });
      }),
    );
    $('nDate').value = $('date').value;
    formLoaded = true;
    await slots();
  } catch {
    /* shown */
  }
}

async function slots() {
  if (!$('nPort').value || !$('nDate').value) return;
  try {
    // What this firm may still book: the free places, within its share of each slot.
    const list = await call(
      'GET',
      '/bookings/slots?port=' + $('nPort').value + '&date=' + $('nDate').value + '&direction=' + $('nDir').value,
    );
    const open = list.filter(function (s) {
      return s.availableToYou > 0;
    });
    const picked = $('nSlot').value;
    fill(
      $('nSlot'),
      open.map(function (s) {
        return el('option', {
          value: s.id,
          text: hhmm(s.startsAt) + '–' + hhmm(s.endsAt) + ' (' + s.availableToYou + ' ' + t('free') + ')',
        });
      }),
    );
    if (
      open.some(function (s) {
        return s.id === picked;
      })
    )
      $('nSlot').value = picked;
    if (!open.length) say(t('noSlot'), 'error');
  } catch {
    /* shown */
  }
}

let idemKey: string | null = null;
$('newForm').addEventListener('input', function () {
  idemKey = null;
});
$('newForm').addEventListener('submit', async function (ev) {
  ev.preventDefault();
  const btn = (ev.target as HTMLFormElement).querySelector<HTMLButtonElement>('button[type=submit]')!;
  // The same key for retries of the same form (a dropped answer on a bad line never books twice).
  idemKey = idemKey || Date.now().toString(36) + Math.random().toString(36).slice(2);
  const cargo: Record<string, unknown> = {
    description: $('nDesc').value.trim(),
    hsCode: $('nHs').value.trim(),
    weightKg: Number($('nKg').value),
    perishable: $('nPerish').checked,
  };
  if ($('nDecl').value.trim()) cargo.declarationNo = $('nDecl').value.trim();
  btn.disabled = true;
  try {
    const b = await call(
      'POST',
      '/bookings',
      { slotId: $('nSlot').value, vehicleId: $('nVehicle').value, driverId: $('nDriver').value, cargo: cargo },
      { 'Idempotency-Key': idemKey },
    );
    idemKey = null;
    store(PORT_KEY, $('nPort').value);
    say(
      t('bookedMsg') +
        ' ' +
        b.reference +
        ' — ' +
        t('codeOnce') +
        ' ' +
        b.driverCode +
        ' · ' +
        location.origin +
        '/d?ref=' +
        encodeURIComponent(b.reference),
      'ok',
    );
    $('newForm').hidden = true;
    if ($('nDate').value === $('date').value) await reload();
  } catch {
    /* shown */
  } finally {
    btn.disabled = false;
  }
});
['nPort', 'nDir', 'nDate'].forEach(function (id) {
  $(id).addEventListener('change', slots);
});
$('newBtn').addEventListener('click', openForm);

$('langBtn').addEventListener('click', function () {
  lang = lang === 'zh' ? 'en' : 'zh';
  store(LANG, lang);
  applyLang();
});

$('date').value = portToday();
applyLang();
$('date').addEventListener('change', function () {
  dateTouched = true;
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
