import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { assertPortScope, Principal } from '@kouan/auth';
import { Clock, DomainError, inTransaction } from '@kouan/common';
import { isoInZone, parseLocalDate } from '@kouan/calendar';
import { acceptanceShares, acceptanceWindows } from './acceptance-shares';
import type { CounterpartDto, CounterpartStatusDto, PutAcceptanceDto } from './dto/counterpart.dto';
import { CounterpartCapacityMoves } from './counterpart-capacity-moves';
import { CounterpartReader } from './counterpart-reader';
import { CounterpartRepository } from './counterpart.repository';
import { IncidentsRepository } from './incidents.repository';
import { PortEvents } from './port-events.service';
import { PortsService } from './ports.service';
import { SlotsRepository } from './slots.repository';
import { SlotsService } from './slots.service';

/**
 * What the far side of a port's border states: its status, and how many of our export trucks it takes per window
 * (which caps the export slots of that date). Its officer (role `counterpart`, this port only) or the port admin.
 */
@Injectable()
export class CounterpartService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly ports: PortsService,
    private readonly slots: SlotsService,
    private readonly slotsRepo: SlotsRepository,
    private readonly repo: CounterpartRepository,
    private readonly incidents: IncidentsRepository,
    private readonly reader: CounterpartReader,
    private readonly events: PortEvents,
    private readonly moves: CounterpartCapacityMoves,
    private readonly clock: Clock,
  ) {}

  async setStatus(p: Principal, code: string, dto: CounterpartStatusDto): Promise<CounterpartDto> {
    assertPortScope(p, code);
    const port = await this.ports.getOrFail(code);
    const at = this.clock.now();
    const until = dto.until ? new Date(dto.until) : null;
    if (until && until <= at) throw new DomainError('bad_request', 'until must be later than now');
    const reasons = dto.reasons ?? {};
    await inTransaction(this.ds, async (em) => {
      // A call racing the statement is judged wholly before or after it (IncidentsRepository.callStops).
      await this.incidents.holdCalls(em, code);
      await this.repo.putStatus(em, code, { status: dto.status, reason: dto.reason, reasons, until }, p.sub, at);
      await this.events.append(
        em,
        {
          type: 'counterpart.status',
          portCode: code,
          direction: 'export',
          data: {
            status: dto.status,
            reason: dto.reason,
            reasons,
            until: until && isoInZone(until, port.timeZone),
          },
        },
        at,
      );
    });
    return this.reader.view(port);
  }

  /**
   * States the far side's acceptance for a date: the export slots of that date starting in a window take their share
   * of it (acceptance-shares.ts), the others the schedule's capacity; the bookings a slot holds beyond it move or are
   * cancelled (CounterpartCapacityMoves, the booking lib's). The date's export slots are locked while their capacity
   * changes, so a booking racing this lands before (and is counted, maybe moved) or after (and meets the new
   * capacity).
   */
  async putAcceptance(p: Principal, code: string, dto: PutAcceptanceDto): Promise<CounterpartDto> {
    assertPortScope(p, code);
    const port = await this.ports.getOrFail(code);
    acceptanceWindows(dto.windows);
    const at = this.clock.now();
    const day = parseLocalDate(dto.date, port.timeZone);
    if (!day) throw new DomainError('bad_request', `${dto.date} is not a date`);
    const horizon = await this.slotsRepo.horizonDays(code);
    if (horizon === null) throw new DomainError('invalid_acceptance', `${code} has no schedule: it books no slots`);
    const today = DateTime.fromJSDate(at, { zone: port.timeZone }).startOf('day');
    const last = today.plus({ days: horizon });
    if (day < today || day > last) {
      throw new DomainError(
        'date_out_of_range',
        `acceptance may be stated from ${today.toISODate()} to ${last.toISODate()} (port time)`,
        { from: today.toISODate(), to: last.toISODate() },
      );
    }
    const windows = dto.windows.map((w) => ({ from: w.from, to: w.to, trucks: w.trucks }));
    await inTransaction(this.ds, async (em) => {
      await this.repo.putAcceptance(em, code, dto.date, windows, dto.reason ?? null, p.sub, at);
      await this.slots.materialise(em, code, dto.date, port.timeZone, at);
      const slots = await this.repo.lockExportSlots(em, code, day.toJSDate(), day.plus({ days: 1 }).toJSDate());
      const shares = acceptanceShares(
        slots.map((s) => ({
          id: s.id,
          startMinute: Math.round(
            DateTime.fromJSDate(s.starts_at, { zone: port.timeZone }).diff(day, 'minutes').minutes,
          ),
        })),
        windows,
      );
      const wanted = slots.map((s) => ({ slotId: s.id, accepted: shares.get(s.id) ?? null }));
      // Each slot takes its share, or what it holds where that is more; then the booking lib moves out what a slot
      // holds beyond its share (into slots of this day that now have room, or of the following days), and each takes
      // its share again: only trucks that cannot move (checked in) keep a slot above it.
      let after = await this.repo.applyShares(em, wanted);
      const cuts = slots
        .map((s) => ({
          slotId: s.id,
          portCode: code,
          startsAt: s.starts_at,
          booked: s.booked,
          capacity: Math.min(s.schedule_capacity, shares.get(s.id) ?? s.schedule_capacity),
        }))
        .filter((c) => c.booked > c.capacity);
      if (cuts.length) {
        for (let d = day.plus({ days: 1 }); d <= last; d = d.plus({ days: 1 }))
          await this.slots.materialise(em, code, d.toISODate() as string, port.timeZone, at);
        await this.moves.makeRoom(em, cuts, at);
        after = await this.repo.applyShares(em, wanted);
      }
      const before = new Map(slots.map((s) => [s.id, s]));
      const changed = after.filter(
        (s) => s.capacity !== before.get(s.slotId)?.capacity || s.booked !== before.get(s.slotId)?.booked,
      );
      await this.events.append(
        em,
        {
          type: 'counterpart.acceptance',
          portCode: code,
          direction: 'export',
          data: { date: dto.date, windows, reason: dto.reason ?? null },
        },
        at,
      );
      for (const s of changed) {
        await this.events.append(em, { type: 'slots.changed', portCode: code, direction: 'export', data: s }, at);
      }
    });
    return this.reader.view(port);
  }
}
