import { Injectable } from '@nestjs/common';
import { assertReportDays, Clock, notFound } from '@kouan/common';
import { isoInZone } from '@kouan/calendar';
import { CounterpartReader } from '@kouan/ports';
import { estimateEta } from '@kouan/queue';
import type {
  DirectionNowDto,
  PortNowDto,
  PortsFeedDto,
  WaitHourDto,
  WaitsFeedDto,
  WaitsQueryDto,
} from './dto/open-data.dto';
import { LICENCE, PORT_FIELDS, WAIT_FIELDS } from './open-data-terms';
import { OpenDataRepository, type PortStateRow, type WaitHourRow } from './open-data.repository';

/** An hour with fewer trucks served than this is published without figures: too few to hide one truck's story. */
export const MIN_TRUCKS_PUBLISHED = 5;

const minutes = (seconds: unknown) =>
  seconds === null || seconds === undefined ? null : Math.round((Number(seconds) / 60) * 10) / 10;

function directionNow(r: PortStateRow | undefined): DirectionNowDto {
  if (!r) return { lanesOpen: 0, lanes: 0, trucksWaiting: 0, waitMinutes: null };
  return {
    lanesOpen: r.lanes.filter((l) => l.status === 'open').length,
    lanes: r.lanes.length,
    trucksWaiting: r.waiting,
    // A truck checking in now takes the place behind the last one waiting, so its wait is that place's ETA.
    waitMinutes: estimateEta(r.waiting + 1, r.lanes, r.default_service_minutes).etaMinutes,
  };
}

function hour(r: WaitHourRow): WaitHourDto {
  const suppressed = r.served < MIN_TRUCKS_PUBLISHED;
  const shown = <T>(v: T): T | null => (suppressed ? null : v);
  return {
    port: r.port,
    date: r.date,
    hour: r.hour,
    startsAt: isoInZone(r.starts_at, r.time_zone),
    direction: r.direction,
    suppressed,
    trucksServed: shown(r.served),
    waitP50Minutes: shown(minutes(r.holdingWait_p50)),
    waitP90Minutes: shown(minutes(r.holdingWait_p90)),
    slotsBooked: shown(r.booked),
    slotCapacity: shown(r.capacity),
    slotUse: shown(r.capacity ? Math.round((r.booked / r.capacity) * 1000) / 1000 : null),
    callToLaneP50Minutes: shown(minutes(r.callToLane_p50)),
    laneServiceP50Minutes: shown(minutes(r.laneService_p50)),
    laneToYardP50Minutes: shown(minutes(r.laneToYard_p50)),
  };
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled; null is an empty field. */
const csvField = (v: unknown) => {
  const text = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The open data feed (docs/open-data.md): no plate, firm or person in any answer; a licence and field list in each. */
@Injectable()
export class OpenDataService {
  constructor(
    private readonly repo: OpenDataRepository,
    private readonly counterparts: CounterpartReader,
    private readonly clock: Clock,
  ) {}

  async ports(): Promise<PortsFeedDto> {
    const asOf = this.clock.now();
    const found = await this.repo.currentPorts();
    const codes = [...new Set(found.map((r) => r.code))];
    const far = await this.counterparts.states(codes);
    const ports = codes.map((code): PortNowDto => {
      const of = found.filter((r) => r.code === code);
      const [first] = of;
      return {
        code,
        name: first.name,
        mode: first.mode,
        // What the far side said (open once its `until` passed); null where no far side is recorded.
        counterpart: { name: first.counterpart, status: first.counterpart ? (far.get(code)?.status ?? 'open') : null },
        directions: {
          export: directionNow(of.find((r) => r.direction === 'export')),
          import: directionNow(of.find((r) => r.direction === 'import')),
        },
      };
    });
    return { licence: LICENCE, fields: PORT_FIELDS, asOf: asOf.toISOString(), ports };
  }

  /** 400 for a bad range, 404 for an unknown port; the hours of [from, to] that have begun. */
  async waits(q: WaitsQueryDto): Promise<WaitsFeedDto> {
    assertReportDays(q.from, q.to);
    const at = this.clock.now();
    const port = q.port ?? null;
    const [found, exists] = await Promise.all([
      this.repo.waits(port, q.from, q.to, at),
      port === null ? Promise.resolve(true) : this.repo.portExists(port),
    ]);
    if (!exists) throw notFound(`port ${port}`);
    return { licence: LICENCE, fields: WAIT_FIELDS, port, from: q.from, to: q.to, items: found.map(hour) };
  }

  /** The same items as waits(), one CSV line each under a header of the field names (RFC 4180, CRLF). */
  async waitsCsv(q: WaitsQueryDto): Promise<string> {
    const { items } = await this.waits(q);
    const names = WAIT_FIELDS.map((f) => f.name);
    return [names.join(','), ...items.map((i) => names.map((n) => csvField(i[n])).join(','))]
      .map((line) => `${line}\r\n`)
      .join('');
  }
}
