import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, DomainError, inTransaction } from '@kouan/common';
import type { SlotDto, SlotsQueryDto } from './dto/port.dto';
import { isoInZone, parseLocalDate, slotGrid } from '@kouan/calendar';
import { PortsService } from './ports.service';
import { SlotsRepository } from './slots.repository';

/** How far back slots can be listed (a quarter: enough for any report or dispute), in the port's days. */
export const SLOT_HISTORY_DAYS = 92;

@Injectable()
export class SlotsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly ports: PortsService,
    private readonly repo: SlotsRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Inserts the slots the current schedule gives `date`, where missing. Holding the schedule row FOR SHARE
   * keeps a concurrent schedule change from slipping between reading the plan and inserting its grid; the
   * partial unique index makes concurrent materialisations of one date insert each slot once.
   */
  async materialise(em: EntityManager, portCode: string, date: string, timeZone: string, at: Date): Promise<void> {
    const plan = await this.repo.planForShare(em, portCode);
    if (!plan) return;
    const grid = slotGrid(
      date,
      { slotMinutes: plan.slot_minutes, openFrom: plan.open_from, openTo: plan.open_to },
      timeZone,
    );
    await this.repo.insertGrid(
      em,
      portCode,
      grid.map((g) => g.startsAt),
      grid.map((g) => g.endsAt),
      at,
    );
  }

  /**
   * The slots of one day at the port, created on first listing. Only days from SLOT_HISTORY_DAYS back to the
   * booking horizon exist: any other date is refused before anything is written (422 `date_out_of_range`). Days
   * and `bookable` are judged at the Clock's now, in the port's time zone.
   */
  async list(code: string, query: SlotsQueryDto): Promise<SlotDto[]> {
    const at = this.clock.now();
    const port = await this.ports.getOrFail(code);
    const dayStart = parseLocalDate(query.date, port.timeZone);
    if (!dayStart) throw new DomainError('bad_request', `${query.date} is not a date`);
    await this.assertInRange(code, dayStart, port.timeZone, at);
    const slots = await inTransaction(this.ds, async (em) => {
      await this.materialise(em, code, query.date, port.timeZone, at);
      return this.repo.listBetween(
        em,
        code,
        dayStart.toJSDate(),
        dayStart.plus({ days: 1 }).toJSDate(),
        query.direction ?? null,
        at,
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

  private async assertInRange(code: string, day: DateTime, timeZone: string, at: Date): Promise<void> {
    const today = DateTime.fromJSDate(at, { zone: timeZone }).startOf('day');
    const first = today.minus({ days: SLOT_HISTORY_DAYS });
    const last = today.plus({ days: (await this.repo.horizonDays(code)) ?? 0 });
    if (day < first || day > last) {
      throw new DomainError(
        'date_out_of_range',
        `slots exist from ${first.toISODate()} to ${last.toISODate()} (port time)`,
        {
          from: first.toISODate(),
          to: last.toISODate(),
        },
      );
    }
  }
}
