import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { assertPortScope, Principal } from '@kouan/auth';
import { slotGrid } from '@kouan/calendar';
import { Clock, DomainError, maskPlate, notFound } from '@kouan/common';
import { MIN_DECIDED } from '@kouan/insights';
import type { LiveDayChange } from '@kouan/sim';
import {
  CapacitySuggestionDto,
  FROM_TIME,
  InstantSpreadDto,
  OutlookBasisDto,
  OutlookChangeDto,
  OutlookDto,
  OutlookFiguresDto,
  OutlookQueryDto,
} from './dto/outlook.dto';
import { OutlookFigures, OutlookJob, Spread } from './outlook-model';
import { OutlookPool } from './outlook-pool';
import { buildScenario, BuiltScenario, hourStarts, modelOf } from './outlook-state';
import { OutlookRepository, OutlookStateRow } from './outlook.repository';

/** Runs of the model an answer sums up, and the first seed (runs use seed, seed + 1, …). */
export const OUTLOOK_RUNS = 100;
export const OUTLOOK_SEED = 1;
/** Days of history the show-up and arrival spread are measured over (as the forecast's basis). */
export const BASIS_DAYS = 28;
/** How long an answer is kept for one queue version (by the Clock): the day moves on even when the line does not. */
export const CACHE_SECONDS = 60;
const CACHE_ENTRIES = 200;
const AT_RISK_SHOWN = 50;
/** The capacity suggestion's search: at most this many places a slot, each tried on this many runs. */
export const SUGGEST_MAX = 120;
const SUGGEST_RUNS = 40;

/**
 * GET /ports/:code/outlook (issue 23, docs/outlook.md): the rest of today from the live queue, run many times by
 * libs/sim's live-day model in a worker thread, with the officer's what-if beside it. Answers are kept per queue
 * version and query (and for CACHE_SECONDS of the Clock), so consoles refreshing on every change of the line ask
 * the model once per change.
 */
@Injectable()
export class OutlookService {
  private readonly cache = new Map<string, { at: number; answer: Promise<OutlookDto> }>();

  constructor(
    private readonly repo: OutlookRepository,
    private readonly pool: OutlookPool,
    private readonly clock: Clock,
  ) {}

  async outlook(p: Principal, port: string, q: OutlookQueryDto): Promise<OutlookDto> {
    assertPortScope(p, port);
    const at = this.clock.now();
    const head = await this.repo.head(port, q.direction);
    if (!head) throw notFound(`port ${port}`);
    const key = JSON.stringify([port, q.direction, head.version, q.lanes, q.serviceMinutes, q.capacity, q.pause]);
    const hit = this.cache.get(key);
    const age = hit ? at.getTime() - hit.at : -1;
    if (hit && age >= 0 && age < CACHE_SECONDS * 1000) return hit.answer;
    const answer = this.compute(port, q, at);
    this.cache.delete(key);
    this.cache.set(key, { at: at.getTime(), answer });
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    answer.catch(() => this.cache.get(key)?.answer === answer && this.cache.delete(key));
    return answer;
  }

  /**
   * Tomorrow's places a slot, per direction, that the model says its lanes serve within each truck's window: the
   * largest capacity (binary search up to SUGGEST_MAX) at which, with every lane of the direction open all day, the
   * trucks tomorrow's slots would hold (those booked, filled up to it) come as measured (show-up, arrival spread) and
   * no truck is likely (≥ half the runs) still waiting when its window closes. Service time as today's outlook has it.
   */
  async capacity(p: Principal, port: string): Promise<CapacitySuggestionDto> {
    assertPortScope(p, port);
    const at = this.clock.now();
    const head = await this.repo.head(port, 'export');
    if (!head) throw notFound(`port ${port}`);
    const tomorrow = DateTime.fromJSDate(at, { zone: head.timeZone }).plus({ days: 1 }).startOf('day').toJSDate();
    const directions = await Promise.all(
      (['export', 'import'] as const).map(async (direction) => {
        const [row, measured] = await Promise.all([
          this.repo.state(port, direction, tomorrow),
          this.repo.basis(port, direction, at, BASIS_DAYS),
        ]);
        if (!row) throw notFound(`port ${port}`);
        const { model } = modelOf(row, measured);
        const day = tomorrowOf(row, tomorrow);
        const serves = async (capacity: number) => {
          const { scenario } = buildScenario(day, tomorrow, {}, capacity);
          const every = { ...scenario, real: scenario.real.map(() => true) };
          const job = { model, runs: SUGGEST_RUNS, seed: OUTLOOK_SEED, plan: every, whatIf: null };
          return (await this.pool.run(job)).result.plan.atRisk.length === 0;
        };
        let [lo, hi] = [0, day.lanes.length && day.slots.length ? SUGGEST_MAX : 0];
        while (lo < hi) {
          const mid = Math.ceil((lo + hi) / 2);
          if (await serves(mid)) lo = mid;
          else hi = mid - 1;
        }
        return {
          direction,
          capacity: lo,
          current: day.slots.length ? Math.max(...day.slots.map((s) => s.capacity)) : null,
          booked: day.trucks.length,
          lanes: day.lanes.length,
          serviceMinutes: Math.round(model.serviceMinutes * 10) / 10,
          showUpRate: Math.round(model.showUp * 1000) / 1000,
        };
      }),
    );
    return { port, date: DateTime.fromJSDate(tomorrow, { zone: head.timeZone }).toISODate() as string, directions };
  }

  private async compute(port: string, q: OutlookQueryDto, at: Date): Promise<OutlookDto> {
    const [row, measured] = await Promise.all([
      this.repo.state(port, q.direction, at),
      this.repo.basis(port, q.direction, at, BASIS_DAYS),
    ]);
    if (!row) throw notFound(`port ${port}`);
    const { model, showUpFrom } = modelOf(row, measured);
    const plan = buildScenario(row, at, {});
    const change = changeOf(q, row, at);
    const whatIf = change ? buildScenario(row, at, change.change, q.capacity) : null;
    const job: OutlookJob = {
      model,
      runs: OUTLOOK_RUNS,
      seed: OUTLOOK_SEED,
      plan: plan.scenario,
      whatIf: whatIf?.scenario ?? null,
    };
    const { result } = await this.pool.run(job);
    const hours = hourStarts(at, new Date(row.dayEnd), row.timeZone);
    const figures = (f: OutlookFigures, built: BuiltScenario) => figuresDto(f, built, row, at, hours);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    const basis: OutlookBasisDto = {
      serviceMinutes: round(model.serviceMinutes),
      serviceCv: round(model.serviceCv),
      served: measured.served,
      showUpRate: round(model.showUp),
      arrivalMean: round(model.arrivalMean),
      arrivalSd: round(model.arrivalSd),
      measured: measured.decided >= MIN_DECIDED,
      showUpFrom,
      decidedToday: measured.decidedToday,
      skipRate: round(model.absence?.skip ?? 0),
      timeoutRate: round(model.absence?.gone ?? 0),
      runs: OUTLOOK_RUNS,
      seed: OUTLOOK_SEED,
    };
    const nextLane = row.lanes.find((l) => l.status !== 'open');
    return {
      port,
      direction: q.direction,
      asOf: at.toISOString(),
      version: Number(row.version),
      ...figures(result.plan, plan),
      basis,
      lanesWorking: row.lanes.filter((l) => l.status === 'open').length,
      nextLane: nextLane?.name ?? null,
      ...(change && result.whatIf && whatIf
        ? { whatIf: { ...figures(result.whatIf, whatIf), change: change.echo } }
        : {}),
    };
  }
}

/**
 * Tomorrow as the suggestion models it: the schedule's grid (its slots may not be listed yet: listed ones keep their
 * capacity), the trucks booked into it, every lane open and free, every bay free.
 */
function tomorrowOf(row: OutlookStateRow, midnight: Date): OutlookStateRow {
  const date = DateTime.fromJSDate(midnight, { zone: row.timeZone }).toISODate() as string;
  const listed = new Map(row.slots.map((s) => [new Date(s.startsAt).getTime(), s]));
  const slots = slotGrid(date, row, row.timeZone).map(
    (w, k) =>
      listed.get(w.startsAt.getTime()) ?? {
        id: `grid-${k}`,
        startsAt: w.startsAt.toISOString(),
        endsAt: w.endsAt.toISOString(),
        capacity: row.capacity,
        greens: 0,
      },
  );
  const ids = new Set(slots.map((s) => s.id));
  return {
    ...row,
    slots,
    trucks: row.trucks.filter((t) => !t.waiting && ids.has(t.slotId)),
    lanes: row.lanes.map((l) => ({ ...l, status: 'open', calledAt: null })),
    baysTaken: 0,
    since: 0,
  };
}

/** `N` or `N@HH:MM` → the number and its start in minutes after `at` (a time already past: from now). */
function fromTime(text: string, row: OutlookStateRow, at: Date): { n: number; from: number } {
  const m = FROM_TIME.exec(text) as RegExpExecArray;
  if (m[2] === undefined) return { n: Number(m[1]), from: 0 };
  const local = DateTime.fromJSDate(at, { zone: row.timeZone }).set({
    hour: Number(m[2]),
    minute: Number(m[3]),
    second: 0,
    millisecond: 0,
  });
  return { n: Number(m[1]), from: Math.max((local.toMillis() - at.getTime()) / 60_000, 0) };
}

function changeOf(
  q: OutlookQueryDto,
  row: OutlookStateRow,
  at: Date,
): { change: LiveDayChange; echo: OutlookChangeDto } | null {
  if (q.lanes === undefined && q.serviceMinutes === undefined && q.capacity === undefined && q.pause === undefined)
    return null;
  const change: LiveDayChange = {};
  const echo: OutlookChangeDto = {};
  const instant = (minutes: number) => new Date(at.getTime() + minutes * 60_000).toISOString();
  if (q.lanes !== undefined) {
    const { n, from } = fromTime(q.lanes, row, at);
    if (n > 20) throw new DomainError('bad_request', 'lanes must be 0-20');
    change.lanes = { count: n, from };
    Object.assign(echo, { lanes: n, lanesFrom: instant(from) });
  }
  if (q.pause !== undefined) {
    const { n, from } = fromTime(q.pause, row, at);
    if (n < 1 || n > 720) throw new DomainError('bad_request', 'pause must be 1-720 minutes');
    change.pause = { minutes: n, from };
    Object.assign(echo, { pauseMinutes: n, pauseFrom: instant(from) });
  }
  if (q.serviceMinutes !== undefined) change.serviceMinutes = echo.serviceMinutes = q.serviceMinutes;
  if (q.capacity !== undefined) echo.capacity = q.capacity;
  return { change, echo };
}

function figuresDto(
  f: OutlookFigures,
  built: BuiltScenario,
  row: OutlookStateRow,
  at: Date,
  hours: Array<{ hour: Date }>,
): OutlookFiguresDto {
  const instant = (minutes: number | null) =>
    minutes === null ? null : new Date(at.getTime() + Math.round(minutes) * 60_000).toISOString();
  const instants = (s: Spread): InstantSpreadDto => ({ p10: instant(s.p10), p50: instant(s.p50), p90: instant(s.p90) });
  return {
    clearsAt: instants(f.clearsAt),
    hours: f.hours.map((h, k) => ({
      hour: hours[k].hour.toISOString(),
      waiting: h.waiting,
      holding: { p50: h.holding.p50 },
      roadside: { p50: h.roadside.p50 },
    })),
    atRisk: f.atRisk.slice(0, AT_RISK_SHOWN).map(({ truck, probability }) => {
      const t = row.trucks[built.rows[truck]];
      return {
        bookingId: t.id,
        plateMasked: maskPlate(t.plate),
        windowClosesAt: instant(built.scenario.windowCloses[truck]) as string,
        probability,
      };
    }),
    atRiskTotal: f.atRisk.length,
    roadsideMax: f.roadsideMax,
  };
}
