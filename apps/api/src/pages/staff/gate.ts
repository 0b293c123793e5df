/**
 * The gate cameras on the lane console: "reads to confirm" (unmatched, ambiguous and unsure plate reads no one has
 * checked in or dismissed yet: GET /ports/:code/gate-reads?open=true, then each gate:read), a wrong-lane alert
 * (gate:alert), and a strip of the port's cameras with their online state (GET /ports/:code/devices, device:update).
 */
import type { DeviceUpdate, GateAlert, GateReadUpdate } from '../../../../../libs/realtime/src/live-events';
import type { DeviceDto } from '../../../../../libs/gate/src/dto/device.dto';
import type { CheckInCandidateDto } from '../../../../../libs/queue/src/dto/queue.dto';
import type { ApiError } from '../shared/api';
import { $, el, fill } from '../shared/dom';
import { hhmm } from '../shared/time';
import { act, call, lane, note, S, t, T } from './console';

const OPEN = ['unmatched', 'ambiguous', 'low_confidence'];

/** The port's open reads by id; ids resolved live, so an older list read meanwhile does not bring them back. */
let reads: Record<string, GateReadUpdate> = {};
let resolved: Record<string, true> = {};
/** Read id → the bookings its plate is on (an ambiguous read, once the officer asked to check it in). */
const candidates: Record<string, CheckInCandidateDto[]> = {};
let devices: Array<Omit<DeviceDto, 'lastRead' | 'readsToday'>> = [];
/** The latest wrong-lane alerts, newest first. */
let alerts: GateAlert[] = [];
/** The port these are of: a list read for another port (switched meanwhile) is dropped. */
let shownPort: string | null = null;

/** HH:MM at the port of an instant the API gives in UTC. */
function at(iso: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone: S.portInfo.timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(iso));
  } catch {
    return hhmm(iso);
  }
}

function isOpen(r: GateReadUpdate): boolean {
  return OPEN.indexOf(r.outcome) >= 0 && !r.resolvedAt;
}

/** A new port: nothing of the last one is kept. */
function reset(): void {
  if (shownPort === S.port) return;
  shownPort = S.port;
  reads = {};
  resolved = {};
  devices = [];
  alerts = [];
}

/** The open reads and the cameras, read again (on opening the port and on each reconnect). */
export async function loadGate(): Promise<void> {
  reset();
  const port = S.port;
  const base = '/ports/' + port;
  try {
    const [list, devs] = (await Promise.all([
      call('GET', base + '/gate-reads?open=true&limit=100'),
      call('GET', base + '/devices?limit=100'),
    ])) as [GateReadUpdate[], DeviceDto[]];
    if (port !== S.port) return;
    reads = {};
    list.forEach(function (r) {
      if (!resolved[r.id] && isOpen(r)) reads[r.id] = r;
    });
    devices = devs;
  } catch {
    /* shown */
  }
  renderGate();
}

/** A read, live: an open one joins the list (or is replaced), a resolved or settled one leaves it. */
export function applyRead(r: GateReadUpdate): void {
  reset();
  if (!r) return;
  if (isOpen(r)) {
    if (!resolved[r.id]) reads[r.id] = r;
  } else {
    if (r.resolvedAt) resolved[r.id] = true;
    delete reads[r.id];
  }
  renderGate();
}

export function applyAlert(a: GateAlert): void {
  reset();
  if (!a) return;
  alerts = [a].concat(
    alerts.filter(function (x) {
      return x.readId !== a.readId;
    }),
  );
  alerts = alerts.slice(0, 5);
  renderGate();
}

export function applyDevice(d: DeviceUpdate): void {
  reset();
  if (!d) return;
  const rest = devices.filter(function (x) {
    return x.id !== d.id;
  });
  devices =
    d.change === 'deleted'
      ? rest
      : rest
          .concat([
            {
              id: d.id,
              name: d.name,
              position: d.position,
              laneId: d.laneId,
              areaId: d.areaId,
              online: d.online,
              lastSeenAt: d.lastSeenAt,
            },
          ])
          .sort(function (a, b) {
            return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
          });
  renderGate();
}

function areaName(id: string | null): string {
  const a = id ? S.areas[id] : undefined;
  return a ? (a.names && a.names[S.lang]) || a.name : '';
}

/** Where a camera stands, in the console's words: "Holding area entry · Area A", "Lane · Export lane 1". */
function where(d: { position: string; laneId: string | null; areaId: string | null }): string {
  const lanes = S.lanes;
  const at = d.position === 'lane' ? lane(d.laneId ? lanes[d.laneId] : null) : areaName(d.areaId);
  return t('pos_' + d.position) + (at ? ' · ' + at : '');
}

/** Why a resolution was refused, in the console's words where it has them (the API's otherwise, said already). */
function refused(r: GateReadUpdate, e: ApiError): void {
  const cands = e.body.candidates as CheckInCandidateDto[] | undefined;
  if (e.code === 'ambiguous_plate' && Array.isArray(cands)) {
    candidates[r.id] = cands;
    note('gateWhich', { plate: r.plate }, 'error');
    renderGate();
    return;
  }
  if (e.code === 'read_not_open') {
    // Someone else resolved it meanwhile: it leaves the list.
    resolved[r.id] = true;
    delete reads[r.id];
    renderGate();
  }
  const key = 'gateErr_' + (e.code || (e.status === 404 ? 'not_found' : ''));
  if (T.en[key]) note(key, { plate: r.plate, at: hhmm(e.body.comeBackAt as string | undefined) }, 'error');
}

function resolve(button: HTMLButtonElement, r: GateReadUpdate, body: { action: string; bookingId?: string }): void {
  void act(
    button,
    'POST',
    '/ports/' + S.port + '/gate-reads/' + r.id + '/resolve',
    body,
    function (done: GateReadUpdate) {
      delete candidates[r.id];
      applyRead(done);
      note(body.action === 'dismiss' ? 'gateDismissed' : 'gateCheckedIn', { plate: r.plate }, 'ok');
    },
    function (e: ApiError) {
      refused(r, e);
    },
  );
}

function readRow(r: GateReadUpdate): HTMLElement {
  const label = function (key: string) {
    return t(key) + ' ' + r.plate;
  };
  const cands = candidates[r.id];
  return el('li', { class: 'gate-read ' + r.outcome, 'data-read': r.id }, [
    el('div', { class: 'row' }, [
      el('span', { class: 'plate', text: r.plate }),
      el('span', { class: 'pill', text: t('out_' + r.outcome) }),
      el('span', {
        class: 'muted grow',
        text: t('gateSeen', { device: r.deviceName, at: at(r.at), c: Math.round(r.confidence * 100) }),
      }),
      el(
        'button',
        {
          type: 'button',
          class: 'done',
          'data-action': 'check_in',
          'aria-label': label('checkIn'),
          on: {
            click: function (ev) {
              resolve(ev.currentTarget as HTMLButtonElement, r, { action: 'check_in' });
            },
          },
        },
        [t('checkIn')],
      ),
      el(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-action': 'dismiss',
          'aria-label': label('dismiss'),
          on: {
            click: function (ev) {
              resolve(ev.currentTarget as HTMLButtonElement, r, { action: 'dismiss' });
            },
          },
        },
        [t('dismiss')],
      ),
    ]),
    r.outcome === 'ambiguous'
      ? el(
          'div',
          { class: 'row candidates' },
          cands
            ? ([el('span', { text: t('whichBooking') })] as HTMLElement[]).concat(
                cands.map(function (c) {
                  return el(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary candidate',
                      'data-booking': c.bookingId,
                      on: {
                        click: function (ev) {
                          resolve(ev.currentTarget as HTMLButtonElement, r, {
                            action: 'check_in',
                            bookingId: c.bookingId,
                          });
                        },
                      },
                    },
                    [c.firmName + ' · ' + c.reference],
                  );
                }),
              )
            : [el('span', { class: 'muted', text: t('gateAmbiguous') })],
        )
      : null,
  ]);
}

/** The alerts, the reads to confirm and the camera strip, in the console's language. */
export function renderGate(): void {
  const box = $('gate') as HTMLElement | null;
  if (!box) return;
  const open = Object.keys(reads)
    .map(function (id) {
      return reads[id];
    })
    .sort(function (a, b) {
      return Date.parse(b.at) - Date.parse(a.at);
    });
  const lanes = S.lanes;
  box.hidden = !devices.length && !open.length && !alerts.length;
  fill($('gateAlerts'), [
    alerts.length
      ? el(
          'ul',
          { class: 'gate-alerts' },
          alerts.map(function (a) {
            return el('li', { 'data-read': a.readId }, [
              el('strong', {
                text: t(a.bookingId ? 'alertWrongLane' : 'alertNotCalled', {
                  plate: a.plate,
                  lane: lane(a.laneId ? lanes[a.laneId] : null) || a.deviceName,
                  at: at(a.at),
                }),
              }),
              ' ',
              el(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  'aria-label': t('seenAlert') + ' ' + a.plate,
                  on: {
                    click: function () {
                      alerts = alerts.filter(function (x) {
                        return x.readId !== a.readId;
                      });
                      renderGate();
                    },
                  },
                },
                [t('seenAlert')],
              ),
            ]);
          }),
        )
      : null,
  ]);
  $('gateTitle').textContent = t('gateTitle', { n: open.length });
  // A live read redraws the list: the officer's keyboard focus stays on the same button of the same read.
  const focused = document.activeElement as HTMLElement | null;
  const row = focused && focused.closest ? (focused.closest('#gateReads [data-read]') as HTMLElement | null) : null;
  const keep =
    row && focused ? { read: row.getAttribute('data-read'), action: focused.getAttribute('data-action') } : null;
  fill($('gateReads'), [
    open.length
      ? el('ul', { class: 'gate-reads' }, open.map(readRow))
      : el('p', { class: 'muted', text: t('gateNone') }),
  ]);
  if (keep) {
    const again = $('gateReads').querySelector(
      '[data-read="' + keep.read + '"] [data-action="' + keep.action + '"]',
    ) as HTMLElement | null;
    if (again) again.focus();
  }
  fill($('gateDevices'), [
    devices.length
      ? el(
          'ul',
          { class: 'devices', 'aria-label': t('devicesLabel') },
          devices.map(function (d) {
            return el('li', { class: d.online ? 'on' : 'off', 'data-device': d.id }, [
              el('span', { class: 'name', text: d.name }),
              ' ',
              el('span', { class: 'muted', text: where(d) }),
              ' ',
              el('span', {
                class: 'badge ' + (d.online ? 'on' : 'off'),
                text: t(d.online ? 'camOnline' : 'camOffline'),
              }),
            ]);
          }),
        )
      : null,
  ]);
}
