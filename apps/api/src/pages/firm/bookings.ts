/**
 * The firm's bookings, with their live state (booking:update) and what can be done to each: the picked day's, or the
 * dispatcher's day (today's and tomorrow's trucks, each with its place, ETA, fees and customs declaration).
 */
import type { BookingUpdate } from '../../../../../libs/realtime/src/live-events';
import type { BookingDto, FirmSlotDto } from '../../../../../libs/booking/src/dto/booking.dto';
import { $, el, fill, show } from '../shared/dom';
import { hhmm, portToday, portTomorrow } from '../shared/time';
import { sessionLive } from '../shared/live';
import { format, type Args } from '../shared/i18n';
import { laneLabel } from '../shared/lane';
import { call, emit, paint, S, say, sess, t } from './dashboard';
import { handPanel, reissue } from './handoff';
import { money, portDetail, portName } from './ports';

let bookings: BookingDto[] = [];
/** The dispatcher's day: today's and tomorrow's bookings at the port's dates. */
let days: Array<{ word: string; date: string; list: BookingDto[] }> = [];
const live: Record<string, BookingUpdate> = {}; // bookingId → last booking:update
let reloadTimer: ReturnType<typeof setTimeout> | undefined;

/** The words of a lane's label (laneLabel): "{dir} lane {n}", its direction's word under lane_<direction>. */
function laneWords(key: string, args?: Args): string {
  return key === 'laneOf' ? format(t('laneOf'), args) : t('lane_' + key);
}

/** What is open under a row: the hand-off panel, or a move to another slot (its day, that day's free slots, the pick). */
const panels: Record<string, 'hand' | 'move'> = {};
const moves: Record<string, { date: string; min: string; max: string; slots: FirmSlotDto[]; picked: string }> = {};

function queueText(u: BookingUpdate | undefined): string {
  if (!u) return '';
  if (u.status === 'called' && u.lane) return '→ ' + laneLabel(u.lane, S.lang, laneWords);
  if (u.position !== null && u.position !== undefined)
    return (
      '#' +
      u.position +
      (u.etaMinutes !== null ? ' · ~' + u.etaMinutes + ' ' + t('min') : u.reason ? ' · ' + t('reason_' + u.reason) : '')
    );
  return '';
}

function button(act: string, word: string, run: (ev: Event) => unknown): HTMLButtonElement {
  return el('button', { type: 'button', class: 'secondary', 'data-act': act, on: { click: run } }, [t(word)]);
}

function row(b: BookingDto): HTMLElement {
  const u = live[b.id];
  const status = u ? u.status : b.status;
  const active = status === 'booked' || status === 'checked_in' || status === 'called';
  const decl = b.declaration ? b.declaration.status : 'none';
  return el('tr', { 'data-booking': b.id }, [
    el('td', { text: b.reference }),
    el('td', { text: hhmm(b.slotStartsAt) + '–' + hhmm(b.slotEndsAt) }),
    el('td', { class: 'port', text: portName(b.portCode) + ' · ' + t(b.direction) }),
    el('td', { class: 'plate', text: b.plate }),
    el('td', { text: b.driverName }),
    el('td', {}, [el('span', { class: 'st ' + status, text: t(status) })]),
    el('td', { class: 'queue', text: queueText(u) }),
    el('td', { class: 'fees', text: b.fees ? t('fees') + ' ' + money(b.fees) : '' }),
    el('td', { class: 'decl decl-' + decl, text: t('declShort') + t('decl_' + decl) }),
    el('td', { class: 'actions' }, [
      status === 'booked'
        ? button('cancel', 'cancel', (ev) => void cancel(b, ev.currentTarget as HTMLButtonElement))
        : null,
      status === 'booked' ? button('reschedule', 'reschedule', () => void openMove(b)) : null,
      active ? button('hand', 'hand', () => openPanel(b.id, 'hand')) : null,
      active ? button('code', 'newCode', (ev) => void newCode(b, ev.currentTarget as HTMLButtonElement)) : null,
      active && panels[b.id] === 'hand' ? handPanel(b) : null,
      status === 'booked' && panels[b.id] === 'move' ? movePanel(b) : null,
    ]),
  ]);
}

function table(list: BookingDto[]): HTMLElement {
  const heads = ['reference', 'slot', 'port', 'vehicle', 'driver', 'status', 'queue', 'feesCol', 'declCol'];
  return el('table', { class: 'bookings' }, [
    el('thead', {}, [el('tr', {}, heads.map((h) => el('th', { text: t(h) })).concat([el('th', { text: '' })]))]),
    el('tbody', {}, list.map(row)),
  ]);
}

export function render(): void {
  if (S.dayView)
    return fill(
      $('list'),
      days.map((d) =>
        el('section', { class: 'day' }, [
          el('h2', { text: t(d.word) + ' ' + d.date }),
          d.list.length ? table(d.list) : el('p', { class: 'muted', text: t('noneDay') }),
        ]),
      ),
    );
  if (!bookings.length)
    return fill($('list'), [el('p', { class: 'muted', text: t('none') + ' ' + $('date').value + '.' })]);
  fill($('list'), [table(bookings)]);
}

function openPanel(id: string, kind: 'hand' | 'move'): void {
  if (panels[id] === kind) delete panels[id];
  else panels[id] = kind;
  render();
}

async function cancel(b: BookingDto, btn: HTMLButtonElement): Promise<void> {
  if (!window.confirm(t('confirmCancel') + ' ' + b.reference + '?')) return;
  btn.disabled = true;
  try {
    await call('POST', '/bookings/' + b.id + '/cancel');
    say(b.reference + ' ' + t('cancelled'), 'ok');
    await reload();
  } catch {
    btn.disabled = false;
  }
}

/** A day after `date` (YYYY-MM-DD) by `n`. */
function plus(date: string, n: number): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Another slot of the same port and direction, on any day from today to the port's booking horizon. */
async function openMove(b: BookingDto): Promise<void> {
  if (panels[b.id] === 'move') return openPanel(b.id, 'move');
  try {
    const port = await portDetail(b.portCode);
    const min = portToday(port.timeZone);
    const max = plus(min, port.schedule ? port.schedule.horizonDays : 7);
    moves[b.id] = { date: b.serviceDate, min, max, slots: [], picked: '' };
    panels[b.id] = 'move';
    await slotsFor(b, b.serviceDate);
  } catch {
    /* shown */
  }
}

async function slotsFor(b: BookingDto, date: string): Promise<void> {
  const m = moves[b.id];
  m.date = date;
  const list: FirmSlotDto[] = await call(
    'GET',
    '/bookings/slots?port=' + b.portCode + '&date=' + date + '&direction=' + b.direction,
  );
  if (m.date !== date) return; // another day was picked meanwhile
  m.slots = list.filter((s) => s.bookable && s.availableToYou > 0 && s.id !== b.slotId);
  m.picked = m.slots.length ? m.slots[0].id : '';
  if (!m.slots.length) say(t('noSlot'), 'error');
  render();
}

function movePanel(b: BookingDto): HTMLElement {
  const m = moves[b.id];
  const day = el('input', {
    type: 'date',
    value: m.date,
    min: m.min,
    max: m.max,
    'aria-label': t('moveDay'),
    'data-reschedule-date': b.id,
  });
  const pick = function () {
    if (/^\d{4}-\d\d-\d\d$/.test(day.value) && day.value !== m.date) void slotsFor(b, day.value).catch(() => {});
  };
  day.addEventListener('change', pick);
  day.addEventListener('input', pick);
  const select = el(
    'select',
    { 'aria-label': t('slot'), 'data-reschedule': b.id },
    m.slots.map((s) =>
      el('option', {
        value: s.id,
        selected: s.id === m.picked ? 'selected' : null,
        text: hhmm(s.startsAt) + '–' + hhmm(s.endsAt) + ' (' + s.availableToYou + ' ' + t('free') + ')',
      }),
    ),
  );
  select.addEventListener('change', () => (m.picked = select.value));
  const go = el(
    'button',
    {
      type: 'button',
      on: {
        click: async function () {
          if (!select.value) return;
          go.disabled = true;
          try {
            const moved = await call('POST', '/bookings/' + b.id + '/reschedule', { slotId: select.value });
            delete panels[b.id];
            say(b.reference + ' ' + t('moved') + ' ' + moved.serviceDate + ' ' + hhmm(moved.slotStartsAt), 'ok');
            await reload();
          } catch {
            go.disabled = false;
          }
        },
      },
    },
    [t('move')],
  );
  return el('div', { class: 'move' }, [day, select, go]);
}

/** A new driver code (the old one stops working), and the three ways to hand it over. */
async function newCode(b: BookingDto, btn: HTMLButtonElement): Promise<void> {
  btn.disabled = true;
  try {
    const code = await reissue(b);
    const link = location.origin + '/d?ref=' + encodeURIComponent(b.reference);
    panels[b.id] = 'hand';
    say(t('codeFor') + ' ' + b.reference + ': ' + code + ' — ' + t('shareLink') + ' ' + link, 'ok');
    render();
  } catch {
    /* shown */
  } finally {
    btn.disabled = false;
  }
}

const listOf = (date: string): Promise<BookingDto[]> => call('GET', '/bookings?date=' + date + '&limit=500');

export async function reload(): Promise<void> {
  try {
    if (S.dayView) {
      const today = portToday(S.zone),
        tomorrow = portTomorrow(S.zone);
      const both = await Promise.all([listOf(today), listOf(tomorrow)]);
      days = [
        { word: 'today', date: today, list: both[0] },
        { word: 'tomorrow', date: tomorrow, list: both[1] },
      ];
    } else bookings = await listOf($('date').value);
    S.lastAt = Date.now();
    render();
    paint();
  } catch {
    /* shown */
  }
}

function shown(id: string): boolean {
  const lists = S.dayView ? days.map((d) => d.list) : [bookings];
  return lists.some((l) => l.some((b) => b.id === id));
}

export function connect(): void {
  const socket = sessionLive(sess, paint, () => emit('ended'));
  S.socket = socket;
  show('live', true);
  socket.on('booking:update', function (u) {
    live[u.bookingId] = u;
    S.lastAt = Date.now();
    if (shown(u.bookingId)) render();
    else {
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => void reload(), 500);
    }
  });
  // Updates missed while offline: read the day again.
  socket.io.on('reconnect', () => void reload());
}
