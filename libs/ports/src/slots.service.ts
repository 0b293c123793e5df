import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, inTransaction, rows } from '@kouan/common';
import type { SlotDto, SlotsQueryDto } from './dto/port.dto';
import type { Direction } from './entities/lane.entity';
import { isoInZone, parseLocalDate, slotGrid } from './slot-grid';
import { PortsService } from './ports.service';

interface SlotRow {
  id: string;
  direction: Direction;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  booked: number;
  bookable: boolean;
}

@Injectable()
export class SlotsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly ports: PortsService,
  ) {}

  /**
   * Inserts the slots the current schedule gives `date`, where missing. Holding the schedule row FOR SHARE
   * keeps a concurrent schedule change from slipping between reading the plan and inserting its grid; the
   * partial unique index makes concurrent materialisations of one date insert each slot once.
   */
  async materialise(em: EntityManager, portCode: string, date: string, timeZone: string): Promise<void> {
    const [plan] = await rows<{ slot_minutes: number; open_from: number; open_to: number }>(
      em,
      'SELECT slot_minutes, open_from, open_to FROM schedules WHERE port_code = $1 FOR SHARE',
      [portCode],
    );
    if (!plan) return;
    const grid = slotGrid(date, { slotMinutes: plan.slot_minutes, openFrom: plan.open_from, openTo: plan.open_to }, timeZone);
    await em.query(
      `INSERT INTO slots (port_code, direction, starts_at, ends_at, capacity)
       SELECT s.port_code, d.direction, g.starts_at, g.ends_at,
              CASE d.direction WHEN 'export' THEN s.capacity_export ELSE s.capacity_import END
       FROM schedules s
       CROSS JOIN unnest($2::timestamptz[], $3::timestamptz[]) AS g(starts_at, ends_at)
       CROSS JOIN (VALUES ('export'), ('import')) AS d(direction)
       WHERE s.port_code = $1
       ON CONFLICT (port_code, direction, starts_at) WHERE retired_at IS NULL DO NOTHING`,
      [portCode, grid.map((g) => g.startsAt), grid.map((g) => g.endsAt)],
    );
  }

  async list(code: string, query: SlotsQueryDto): Promise<SlotDto[]> {
    const port = await this.ports.getOrFail(code);
    const dayStart = parseLocalDate(query.date, port.timeZone);
    if (!dayStart) throw new DomainError('bad_request', `${query.date} is not a date`);
    const slots = await inTransaction(this.ds, async (em) => {
      await this.materialise(em, code, query.date, port.timeZone);
      return rows<SlotRow>(
        em,
        `SELECT sl.id, sl.direction, sl.starts_at, sl.ends_at, sl.capacity, sl.booked,
                (sl.ends_at > now() AND sl.starts_at <= now() + make_interval(days => sc.horizon_days)) AS bookable
         FROM slots sl JOIN schedules sc ON sc.port_code = sl.port_code
         WHERE sl.port_code = $1 AND sl.retired_at IS NULL AND sl.starts_at >= $2 AND sl.starts_at < $3
           AND ($4::varchar IS NULL OR sl.direction = $4)
         ORDER BY sl.starts_at, sl.direction`,
        [code, dayStart.toJSDate(), dayStart.plus({ days: 1 }).toJSDate(), query.direction ?? null],
      );
    });
    return slots.map((s) => ({
      id: s.id,
      direction: s.direction,
      startsAt: isoInZone(s.starts_at, port.timeZone),
      endsAt: isoInZone(s.ends_at, port.timeZone),
      capacity: s.capacity,
      booked: s.booked,
      available: Math.max(s.capacity - s.booked, 0),
      bookable: s.bookable,
    }));
  }
}
