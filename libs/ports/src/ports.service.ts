import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { AuditService } from '@kouan/audit';
import { ParkingService } from '@kouan/parking/parking.service';
import { DomainError, inTransaction, notFound, page, rows } from '@kouan/common';
import type { PaginationQueryDto } from '@kouan/common';
import type { PortDetailDto, PortSummaryDto } from './dto/port.dto';
import type { PutScheduleDto, ScheduleResponseDto } from './dto/schedule.dto';
import { Lane } from './entities/lane.entity';
import { Port } from './entities/port.entity';
import { Schedule } from './entities/schedule.entity';
import { toScheduleDto } from './schedule.mapper';
import { fitsPlan, parseClock } from './slot-grid';

const laneDto = (l: Lane) => ({ id: l.id, name: l.name, direction: l.direction, status: l.status });

@Injectable()
export class PortsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @InjectRepository(Port) private readonly ports: Repository<Port>,
    @InjectRepository(Schedule) private readonly schedules: Repository<Schedule>,
    private readonly parking: ParkingService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The page of ports first, then their lanes: TypeORM's take/skip next to a joined, ordered relation pages
   * over the joined rows in an order of its own, and pages then overlapped.
   */
  async list(q: PaginationQueryDto): Promise<PortSummaryDto[]> {
    const { limit, offset } = page(q);
    const codes = (await this.ports.find({ select: { code: true }, order: { code: 'ASC' }, take: limit, skip: offset })).map((p) => p.code);
    const ports = await this.ports.find({ where: { code: In(codes) }, relations: { lanes: true }, order: { code: 'ASC', lanes: { name: 'ASC' } } });
    return ports.map((p) => ({
      code: p.code,
      name: p.name,
      neighbour: p.neighbour,
      counterpart: p.counterpart,
      mode: p.mode,
      lanes: p.lanes.map(laneDto),
    }));
  }

  async detail(code: string): Promise<PortDetailDto> {
    const port = await this.ports.findOne({ where: { code }, relations: { lanes: true }, order: { lanes: { name: 'ASC' } } });
    if (!port) throw notFound(`port ${code}`);
    const [schedule, parkingAreas] = await Promise.all([this.schedules.findOneBy({ portCode: code }), this.parking.list(code)]);
    return {
      code: port.code,
      name: port.name,
      neighbour: port.neighbour,
      counterpart: port.counterpart,
      mode: port.mode,
      county: port.county,
      counterpartLocation: port.counterpartLocation,
      timeZone: port.timeZone,
      lanes: port.lanes.map(laneDto),
      parkingAreas,
      schedule: schedule ? toScheduleDto(schedule, port.timeZone) : null,
    };
  }

  async getOrFail(code: string): Promise<Port> {
    const port = await this.ports.findOneBy({ code });
    if (!port) throw notFound(`port ${code}`);
    return port;
  }


  /**
   * Replaces the plan. Unbooked future slots that do not fit it are retired (the next listing materialises
   * the new grid); booked slots keep their times and take the new capacity, never below what they hold.
   * Both are conditional UPDATEs, so a booking racing this change either lands first (its slot is kept) or
   * finds the slot retired.
   */
  async putSchedule(code: string, dto: PutScheduleDto): Promise<ScheduleResponseDto> {
    const port = await this.getOrFail(code);
    const openFrom = parseClock(dto.openFrom) as number;
    const openTo = parseClock(dto.openTo) as number;
    if (openTo <= openFrom) throw new DomainError('invalid_schedule', 'openTo must be later than openFrom');
    if (openTo - openFrom < dto.slotMinutes) {
      throw new DomainError('invalid_schedule', 'the opening hours must hold at least one slot');
    }
    const plan = { slotMinutes: dto.slotMinutes, openFrom, openTo };
    return inTransaction(this.ds, async (em) => {
      const before = await em.findOne(Schedule, { where: { portCode: code }, lock: { mode: 'pessimistic_write' } });
      await em.query(
        `INSERT INTO schedules (port_code, slot_minutes, capacity_export, capacity_import, open_from, open_to,
           firm_quota_percent, horizon_days, early_arrival_minutes, check_in_grace_minutes, called_timeout_minutes,
           priority_ratio, priority_cap_percent, default_service_minutes, strike_limit, require_declaration)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, COALESCE($12, 3), COALESCE($13, 25), COALESCE($14, 8), COALESCE($15, 5),
           COALESCE($16, false))
         ON CONFLICT (port_code) DO UPDATE SET slot_minutes = EXCLUDED.slot_minutes,
           capacity_export = EXCLUDED.capacity_export, capacity_import = EXCLUDED.capacity_import,
           open_from = EXCLUDED.open_from, open_to = EXCLUDED.open_to,
           firm_quota_percent = EXCLUDED.firm_quota_percent, horizon_days = EXCLUDED.horizon_days,
           early_arrival_minutes = EXCLUDED.early_arrival_minutes,
           check_in_grace_minutes = EXCLUDED.check_in_grace_minutes,
           called_timeout_minutes = EXCLUDED.called_timeout_minutes,
           priority_ratio = COALESCE($12, schedules.priority_ratio),
           priority_cap_percent = COALESCE($13, schedules.priority_cap_percent),
           default_service_minutes = COALESCE($14, schedules.default_service_minutes),
           strike_limit = COALESCE($15, schedules.strike_limit),
           require_declaration = COALESCE($16, schedules.require_declaration), updated_at = now()`,
        [code, dto.slotMinutes, dto.capacity.export, dto.capacity.import, openFrom, openTo, dto.firmQuotaPercent,
          dto.horizonDays, dto.earlyArrivalMinutes, dto.checkInGraceMinutes, dto.calledTimeoutMinutes,
          dto.priorityRatio ?? null, dto.priorityCapPercent ?? null, dto.defaultServiceMinutes ?? null, dto.strikeLimit ?? null,
          dto.requireDeclaration ?? null],
      );
      const future = await rows<{ id: string; starts_at: Date; ends_at: Date }>(
        em,
        `SELECT id, starts_at, ends_at FROM slots WHERE port_code = $1 AND ends_at > now() AND retired_at IS NULL`,
        [code],
      );
      const misfits = future
        .filter((s) => !fitsPlan({ startsAt: s.starts_at, endsAt: s.ends_at }, plan, port.timeZone))
        .map((s) => s.id);
      await em.query(
        `UPDATE slots SET retired_at = now() WHERE id = ANY($1::uuid[]) AND booked = 0 AND retired_at IS NULL`,
        [misfits],
      );
      await em.query(
        `UPDATE slots SET capacity = GREATEST(CASE direction WHEN 'export' THEN $2::int ELSE $3::int END, booked)
         WHERE port_code = $1 AND ends_at > now() AND retired_at IS NULL`,
        [code, dto.capacity.export, dto.capacity.import],
      );
      const saved = await em.findOneByOrFail(Schedule, { portCode: code });
      const after = toScheduleDto(saved, port.timeZone);
      await this.audit.record(em, { type: 'schedule.updated', portCode: code, data: { before: before && toScheduleDto(before, port.timeZone), after } });
      return after;
    });
  }
}
