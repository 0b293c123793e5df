import { DateTime } from 'luxon';
import { MIN_DECIDED } from '@kouan/insights';
import {
  DEFAULT_ABSENCE,
  DEFAULT_ARRIVAL,
  DEFAULT_NO_SHOW,
  DEFAULT_SERVICE_CV,
  LiveDayChange,
  LiveDayModel,
  LiveDayTruck,
} from '@kouan/sim';
import type { OutlookScenario } from './outlook-model';
import type { OutlookBasisRow, OutlookStateRow } from './outlook.repository';

/** A scenario and, per truck of it, the row it came from (-1: a truck a capacity change adds). */
export interface BuiltScenario {
  scenario: OutlookScenario;
  rows: number[];
}

/** Trucks served today before their service times replace the schedule's (the seed's 8 minutes). */
export const MIN_SERVED = 10;
/**
 * How many bookings the prior show-up (the 28 days', or the simulator's) counts as beside today's closed windows:
 * before the first window closes the show-up is the prior, a morning of slots mostly today's.
 */
export const SHOW_UP_PRIOR_WEIGHT = 10;

/** Where the model's show-up came from: today's closed windows (with the prior), the 28 days, or the default. */
export type ShowUpFrom = 'today' | 'history' | 'default';

/**
 * The model's figures from what the port measured (docs/outlook.md, "The model and its inputs"): today's service
 * time from MIN_SERVED trucks on; the show-up of today's closed windows with the 28 days' (from MIN_DECIDED
 * bookings on, else the simulator's 92 %) counted as SHOW_UP_PRIOR_WEIGHT bookings; the 28 days' arrival spread and
 * absent trucks (skips and called timeouts among the trucks called, from MIN_DECIDED on, else the simulator's).
 */
export function modelOf(row: OutlookStateRow, m: OutlookBasisRow): { model: LiveDayModel; showUpFrom: ShowUpFrom } {
  const served = m.served >= MIN_SERVED && m.serviceMean !== null && m.serviceMean > 0;
  const history = m.decided >= MIN_DECIDED;
  const arrivals = history && m.checkedIn >= 2;
  const prior = history ? m.checkedIn / m.decided : 1 - DEFAULT_NO_SHOW;
  const w = SHOW_UP_PRIOR_WEIGHT;
  const absences = m.called >= MIN_DECIDED;
  return {
    model: {
      serviceMinutes: served ? (m.serviceMean as number) : row.defaultServiceMinutes,
      serviceCv: served ? (m.serviceSd ?? 0) / (m.serviceMean as number) : DEFAULT_SERVICE_CV,
      showUp: m.decidedToday ? (m.checkedInToday + w * prior) / (m.decidedToday + w) : prior,
      arrivalMean: arrivals ? (m.offsetMean as number) : DEFAULT_ARRIVAL.mean,
      arrivalSd: arrivals ? (m.offsetSd ?? 0) : DEFAULT_ARRIVAL.sd,
      absence: {
        skip: absences ? m.skipped / m.called : DEFAULT_ABSENCE.skip,
        gone: absences ? m.timedOut / m.called : DEFAULT_ABSENCE.gone,
        waitMinutes: DEFAULT_ABSENCE.waitMinutes,
        timeoutMinutes: row.calledTimeoutMinutes,
      },
    },
    showUpFrom: m.decidedToday > 0 ? 'today' : history ? 'history' : 'default',
  };
}

/** ⌈capacity × percent / 100⌉ as the product's SQL writes it (the green cap of a slot). */
const share = (capacity: number, percent: number) => Math.floor((capacity * percent + 99) / 100);

/** The hours the outlook reports: the as-of instant, then each local hour's start until the day ends (minutes). */
export function hourStarts(at: Date, dayEnd: Date, zone: string): Array<{ hour: Date; minutes: number }> {
  const first = DateTime.fromJSDate(at, { zone }).startOf('hour');
  const hours = [{ hour: first.toJSDate(), minutes: 0 }];
  for (let h = first.plus({ hours: 1 }); h.toMillis() < dayEnd.getTime(); h = h.plus({ hours: 1 }))
    hours.push({ hour: h.toJSDate(), minutes: (h.toMillis() - at.getTime()) / 60_000 });
  return hours;
}

/**
 * The model's start from the queue as read: minutes after `at`, slots by start, waiting trucks with their keys,
 * flags and bays, booked trucks whose window has not closed. With `capacity`, each slot that has not started holds
 * that many trucks: booked ones beyond it are dropped (the last booked first), and trucks are added (booked, not
 * perishable) up to it.
 */
export function buildScenario(row: OutlookStateRow, at: Date, change: LiveDayChange, capacity?: number): BuiltScenario {
  const minutes = (t: string | Date) => (new Date(t).getTime() - at.getTime()) / 60_000;
  const slotIndex = new Map(row.slots.map((s, i) => [s.id, i]));
  const slots = row.slots.map((s) => ({
    start: minutes(s.startsAt),
    end: minutes(s.endsAt),
    greens: s.greens,
    greenCap: share(s.capacity, row.capPercent),
  }));
  const trucks: LiveDayTruck[] = [];
  const rows: number[] = [];
  const windowCloses: number[] = [];
  const bySlot = slots.map(() => ({ trucks: 0, booked: [] as number[] }));
  row.trucks.forEach((t, r) => {
    const slot = slotIndex.get(t.slotId) as number;
    const closes = slots[slot].end + row.checkInGraceMinutes;
    if (!t.waiting && closes <= 0) return;
    bySlot[slot].trucks++;
    if (!t.waiting) bySlot[slot].booked.push(trucks.length);
    rows.push(r);
    windowCloses.push(closes);
    trucks.push({
      waiting: t.waiting,
      queueKey: t.waiting ? Number(t.queueKey) : 0,
      frontKey: t.waiting && t.frontKey !== null ? Number(t.frontKey) : null,
      priority: t.waiting && t.priority,
      perishable: t.perishable,
      bay: t.waiting && t.bay,
      slot,
    });
  });
  if (capacity !== undefined) {
    const dropped = new Set<number>();
    bySlot.forEach((b, slot) => {
      if (slots[slot].start <= 0) return;
      for (let k = b.booked.length - 1; k >= 0 && b.trucks > capacity; k--, b.trucks--) dropped.add(b.booked[k]);
      for (; b.trucks < capacity; b.trucks++) {
        trucks.push({
          waiting: false,
          queueKey: 0,
          frontKey: null,
          priority: false,
          perishable: false,
          bay: false,
          slot,
        });
        rows.push(-1);
        windowCloses.push(slots[slot].end + row.checkInGraceMinutes);
      }
    });
    const keep = (_: unknown, i: number) => !dropped.has(i);
    return build(trucks.filter(keep), rows.filter(keep), windowCloses.filter(keep));
  }
  return build(trucks, rows, windowCloses);

  function build(ts: LiveDayTruck[], rs: number[], closes: number[]): BuiltScenario {
    const end = minutes(row.dayEnd);
    return {
      rows: rs,
      scenario: {
        state: {
          end,
          trucks: ts,
          slots,
          lanes: row.lanes.map((l) => ({
            working: l.status === 'open',
            calledAt: l.calledAt === null ? null : minutes(l.calledAt),
          })),
          merge: { ratio: row.ratio, since: row.since },
          freeBays: Math.max(row.bays - row.baysTaken, 0),
          earlyArrivalMinutes: row.earlyArrivalMinutes,
          checkInGraceMinutes: row.checkInGraceMinutes,
          samples: hourStarts(at, new Date(row.dayEnd), row.timeZone).map((h) => h.minutes),
        },
        windowCloses: closes,
        real: rs.map((r) => r >= 0),
        change,
      },
    };
  }
}
