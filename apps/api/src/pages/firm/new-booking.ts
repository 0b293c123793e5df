/** The form that books a slot: road ports, the firm's vehicles and drivers, the slots it may still book. */
import type { FirmSlotDto } from '../../../../../libs/booking/src/dto/booking.dto';
import type { DriverDto, VehicleDto } from '../../../../../libs/firms/src/dto/firm.dto';
import type { PortSummaryDto } from '../../../../../libs/ports/src/dto/port.dto';
import { $, el, fill } from '../shared/dom';
import { load, store } from '../shared/storage';
import { hhmm } from '../shared/time';
import { call, PORT_KEY, S, say, t } from './dashboard';
import { reload } from './bookings';
import { feesOn, loadPorts, money, portName } from './ports';

/** While the form is open, what may still be booked is read again every 10 s: other firms book the same slots. */
const SLOTS_EVERY_MS = 10000;
async function openForm(): Promise<void> {
  const form = $('newForm');
  form.hidden = !form.hidden;
  if (form.hidden || S.formLoaded) return;
  try {
    const r: [PortSummaryDto[], VehicleDto[], DriverDto[]] = await Promise.all([
      loadPorts(),
      call('GET', '/vehicles'),
      call('GET', '/drivers'),
    ]);
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
        return el('option', { value: p.code, text: portName(p.code) });
      }),
    );
    if (load(PORT_KEY)) $('nPort').value = load(PORT_KEY);
    fill(
      $('nVehicle'),
      r[1].map(function (v) {
        return el('option', { value: v.id, text: v.plate + (v.reefer ? t('reeferTag') : '') });
      }),
    );
    fill(
      $('nDriver'),
      r[2].map(function (d) {
        return el('option', { value: d.id, text: d.name });
      }),
    );
    $('nDate').value = $('date').value;
    S.formLoaded = true;
    await slots();
  } catch {
    /* shown */
  }
}

async function slots(): Promise<void> {
  if (!$('nPort').value || !$('nDate').value) return;
  try {
    // What this firm may still book: the free places, within its share of each slot.
    const list: FirmSlotDto[] = await call(
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
    void fees();
  } catch {
    /* shown */
  }
}

/** What the truck will owe, before the firm books: the fees in force on the slot's day for the weight typed. */
async function fees(): Promise<void> {
  const kg = Number($('nKg').value);
  const asked = [$('nPort').value, $('nDate').value, kg].join('|');
  if (!$('nPort').value || !$('nDate').value || !(kg > 0)) return void ($('nFees').textContent = '');
  try {
    const due = await feesOn($('nPort').value, $('nDate').value, kg);
    // Only the latest question's answer: the port, day or weight may have changed while this one was read.
    if (asked !== [$('nPort').value, $('nDate').value, Number($('nKg').value)].join('|')) return;
    $('nFees').textContent = due ? t('fees') + ' ' + money(due) : t('noFees');
  } catch {
    $('nFees').textContent = '';
  }
}

let idemKey: string | null = null;

/** The form's buttons and fields, and its slots read again while it is open. */
export function initNewBooking(): void {
  setInterval(function () {
    if (!$('newForm').hidden && S.formLoaded) void slots();
  }, SLOTS_EVERY_MS);
  $('newForm').addEventListener('input', function () {
    idemKey = null;
  });
  $('newForm').addEventListener('submit', async function (ev: SubmitEvent) {
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
    $(id).addEventListener('change', () => void slots());
  });
  $('nKg').addEventListener('input', () => void fees());
  $('newBtn').addEventListener('click', () => void openForm());
}
