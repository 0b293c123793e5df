import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ParkingService } from '@kouan/parking';
import { Clock, inTransaction, notFound, page } from '@kouan/common';
import type { PaginationQueryDto } from '@kouan/common';
import type { PortDetailDto, PortSummaryDto } from './dto/port.dto';
import type { PutScheduleDto, ScheduleResponseDto } from './dto/schedule.dto';
import { Lane } from './entities/lane.entity';
import { Port } from './entities/port.entity';
import { toScheduleDto } from './schedule.mapper';
import { PortEvents } from './port-events.service';
import { PortsRepository } from './ports.repository';
import { fitsPlan } from '@kouan/calendar';
import { dayPlanOf } from './schedule-plan';
import { SlotsRepository } from './slots.repository';
import { CounterpartReader } from './counterpart-reader';
import { IncidentsReader } from './incidents-reader';

const laneDto = (l: Lane) => ({ id: l.id, name: l.name, names: l.names, direction: l.direction, status: l.status });

@Injectable()
export class PortsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly parking: ParkingService,
    private readonly events: PortEvents,
    private readonly repo: PortsRepository,
    private readonly slots: SlotsRepository,
    private readonly counterpart: CounterpartReader,
    private readonly incidents: IncidentsReader,
    private readonly clock: Clock,
  ) {}

  async list(q: PaginationQueryDto): Promise<PortSummaryDto[]> {
    const { limit, offset } = page(q);
    const ports = await this.repo.page(this.ds.manager, limit, offset);
    return ports.map((p) => ({
      code: p.code,
      name: p.name,
      names: p.names,
      neighbour: p.neighbour,
      counterpart: p.counterpart,
      mode: p.mode,
      lanes: p.lanes.map(laneDto),
    }));
  }

  async detail(code: string): Promise<PortDetailDto> {
    const port = await this.repo.withLanes(this.ds.manager, code);
    if (!port) throw notFound(`port ${code}`);
    const [schedule, parkingAreas, counterpart, incidents] = await Promise.all([
      this.repo.schedule(this.ds.manager, code),
      this.parking.list(code),
      this.counterpart.view(port),
      this.incidents.open(code, port.timeZone),
    ]);
    return {
      code: port.code,
      name: port.name,
      names: port.names,
      neighbour: port.neighbour,
      counterpart,
      incidents,
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
    const port = await this.repo.port(this.ds.manager, code);
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
    const plan = dayPlanOf(dto);
    const { openFrom, openTo } = plan;
    const at = this.clock.now();
    return inTransaction(this.ds, async (em) => {
      const before = await this.repo.schedule(em, code, true);
      await this.repo.putSchedule(
        em,
        code,
        {
          slotMinutes: dto.slotMinutes,
          capacityExport: dto.capacity.export,
          capacityImport: dto.capacity.import,
          openFrom,
          openTo,
          firmQuotaPercent: dto.firmQuotaPercent,
          horizonDays: dto.horizonDays,
          earlyArrivalMinutes: dto.earlyArrivalMinutes,
          checkInGraceMinutes: dto.checkInGraceMinutes,
          calledTimeoutMinutes: dto.calledTimeoutMinutes,
          priorityRatio: dto.priorityRatio ?? null,
          priorityCapPercent: dto.priorityCapPercent ?? null,
          defaultServiceMinutes: dto.defaultServiceMinutes ?? null,
          strikeLimit: dto.strikeLimit ?? null,
          requireDeclaration: dto.requireDeclaration ?? null,
          anprMinConfidence: dto.anprMinConfidence ?? null,
          dedupeSeconds: dto.dedupeSeconds ?? null,
          phoneCheckIn: dto.phoneCheckIn ?? null,
          keepGateImages: dto.keepGateImages ?? null,
        },
        at,
      );
      const misfits = (await this.slots.open(em, code, at))
        .filter((s) => !fitsPlan({ startsAt: s.starts_at, endsAt: s.ends_at }, plan, port.timeZone))
        .map((s) => s.id);
      await this.slots.retireUnbooked(em, misfits, at);
      await this.slots.resizeOpen(em, code, dto.capacity.export, dto.capacity.import, at);
      const saved = await this.repo.schedule(em, code);
      if (!saved) throw notFound(`schedule of ${code}`);
      const after = toScheduleDto(saved, port.timeZone);
      // Its port event is what the audit trail records (`schedule.updated`, the whole schedule before and after).
      await this.events.append(
        em,
        {
          type: 'schedule.changed',
          portCode: code,
          direction: null,
          data: { before: before && toScheduleDto(before, port.timeZone), after },
        },
        at,
      );
      return after;
    });
  }
}
