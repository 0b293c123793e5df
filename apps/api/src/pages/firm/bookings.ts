/** The firm's bookings of the day shown, with their live state (booking:update), and what can be done to each. */
import type { BookingUpdate } from '../../../../../libs/realtime/src/live-events';
import type { BookingDto, FirmSlotDto } from '../../../../../libs/booking/src/dto/booking.dto';
import { $, el, fill, show } from '../shared/dom';
import { hhmm } from '../shared/time';
import { sessionLive } from '../shared/live';
import { format, type Args } from '../shared/i18n';
import { laneLabel } from '../shared/lane';
import { call, emit, paint, S, say, sess, t } from './dashboard';

let bookings: BookingDto[] = [];
const live: Record<string, BookingUpdate> = {}; // bookingId → last booking:update
let reloadTimer: ReturnType<typeof setTimeout> | undefined;

/** The words of a lane's label (laneLabel): "{dir} lane {n}", its direction's word under lane_<direction>. */
function laneWords(key: string, args?: Args): string {
  return key === 'laneOf' ? format(t('laneOf'), args) : t('lane_' + key);
}

function queueText(u: BookingUpdate | undefined): string {
  if (!u) return '';
  if (u.status === 'called' && u.lane) return '→ ' + laneLabel(u.lane, S.lang, laneWords);
  if (u.position !== null && u.position !== undefined)
    return (
      '#' +
      u.position +
      (u.etaMinutes !== null ? ' · ~' + u.etaMinutes + ' min' : u.reason ? ' · ' + u.reason.replace('_', ' ') : '')
    );
  return '';
}

export function render(): void {
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
                          void cancel(b, ev.target as HTMLButtonElement);
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
                          void newCode(b, ev.target as HTMLButtonElement);
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

async function cancel(b: BookingDto, button: HTMLButtonElement): Promise<void> {
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
async function reschedule(b: BookingDto): Promise<void> {
  try {
    const list: FirmSlotDto[] = await call(
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
async function newCode(b: BookingDto, button: HTMLButtonElement): Promise<void> {
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

export async function reload(): Promise<void> {
  try {
    bookings = await call('GET', '/bookings?date=' + $('date').value + '&limit=500');
    S.lastAt = Date.now();
    render();
    paint();
  } catch {
    /* shown */
  }
}

export function connect(): void {
  const socket = sessionLive(sess, paint, () => emit('ended'));
  S.socket = socket;
  show('live', true);
  socket.on('booking:update', function (u) {
    live[u.bookingId] = u;
    S.lastAt = Date.now();
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
