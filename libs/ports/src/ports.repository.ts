import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Port } from './entities/port.entity';
import { Schedule } from './entities/schedule.entity';

/** A port as the seed's data file (libs/ports/src/data/yunnan-ports.json) states it. */
export interface PortFact {
  code: string;
  name: string;
  county: string;
  mode: string;
  neighbour?: string;
  counterpart?: string;
  counterpartLocation?: string;
  level?: string;
  positioning: string;
  /** The name in drivers' languages (zh so far): what drivers' messages and pages say. */
  names?: Record<string, string>;
  /** IANA zone of the port's clocks and dates (Asia/Shanghai when left out): Boten's is Asia/Vientiane. */
  timeZone?: string;
}

/** What a schedule plans: slots, capacity, hours (minutes from midnight) and the windows around a slot. */
export interface SchedulePlan {
  slotMinutes: number;
  capacityExport: number;
  capacityImport: number;
  openFrom: number;
  openTo: number;
  firmQuotaPercent: number;
  horizonDays: number;
  earlyArrivalMinutes: number;
  checkInGraceMinutes: number;
  calledTimeoutMinutes: number;
}

/** A schedule as a PUT gives it: the plan, and the rules it may leave out (null: keep, or the column's default). */
export interface ScheduleValues extends SchedulePlan {
  priorityRatio: number | null;
  priorityCapPercent: number | null;
  defaultServiceMinutes: number | null;
  strikeLimit: number | null;
  requireDeclaration: boolean | null;
  anprMinConfidence: number | null;
  dedupeSeconds: number | null;
  phoneCheckIn: boolean | null;
  keepGateImages: boolean | null;
}

/**
 * The statements on `ports`, `schedules` and the seeded lanes (this lib's tables). Reads that return the entities
 * themselves (a port with its lanes, its schedule) go through TypeORM's entity manager here, never in a service.
 */
@Injectable()
export class PortsRepository {
  /**
   * A page of ports with their lanes: the page of codes first, then their lanes (TypeORM's take/skip next to a
   * joined, ordered relation pages over the joined rows in an order of its own, and pages then overlapped).
   */
  async page(em: EntityManager, limit: number, offset: number): Promise<Port[]> {
    const codes = (
      await em.find(Port, { select: { code: true }, order: { code: 'ASC' }, take: limit, skip: offset })
    ).map((p) => p.code);
    return em.find(Port, {
      where: { code: In(codes) },
      relations: { lanes: true },
      order: { code: 'ASC', lanes: { name: 'ASC' } },
    });
  }

  /** A port with its lanes by name. */
  withLanes(em: EntityManager, code: string): Promise<Port | null> {
    return em.findOne(Port, { where: { code }, relations: { lanes: true }, order: { lanes: { name: 'ASC' } } });
  }

  port(em: EntityManager, code: string): Promise<Port | null> {
    return em.findOneBy(Port, { code });
  }

  /** The port's schedule; `lock`: held until the transaction ends (a schedule change reads what it replaces). */
  schedule(em: EntityManager, code: string, lock = false): Promise<Schedule | null> {
    return em.findOne(Schedule, { where: { portCode: code }, ...(lock && { lock: { mode: 'pessimistic_write' } }) });
  }

  /** Inserts the ports (created `at`), or refreshes their facts (names included). */
  async upsertFacts(em: EntityManager, ports: PortFact[], at: Date): Promise<void> {
    await em.query(
      `INSERT INTO ports (code, name, county, mode, neighbour, counterpart, counterpart_location, level, positioning, names,
         time_zone, created_at)
       SELECT code, name, county, mode, neighbour, counterpart, "counterpartLocation", level, positioning, COALESCE(names, '{}'),
         COALESCE("timeZone", 'Asia/Shanghai'), $2
       FROM jsonb_to_recordset($1::jsonb) AS p(code varchar, name varchar, county varchar, mode varchar,
         neighbour varchar, counterpart varchar, "counterpartLocation" varchar, level varchar, positioning varchar, names jsonb,
         "timeZone" varchar)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, names = EXCLUDED.names, county = EXCLUDED.county, mode = EXCLUDED.mode,
         time_zone = EXCLUDED.time_zone,
         neighbour = EXCLUDED.neighbour, counterpart = EXCLUDED.counterpart,
         counterpart_location = EXCLUDED.counterpart_location, level = EXCLUDED.level,
         positioning = EXCLUDED.positioning`,
      [JSON.stringify(ports), at],
    );
  }

  /** An export-1 and an import-1 lane at each of `ports` that lacks one, created `at`. */
  async addFirstLanes(em: EntityManager, ports: string[], at: Date): Promise<void> {
    await em.query(
      `INSERT INTO lanes (port_code, name, direction, created_at)
       SELECT code, d.direction || '-1', d.direction, $2 FROM unnest($1::varchar[]) AS code
       CROSS JOIN (VALUES ('export'), ('import')) AS d(direction)
       ON CONFLICT (port_code, name) DO NOTHING`,
      [ports, at],
    );
  }

  /** `plan` as the schedule of each of `ports` that has none (one a port admin set is kept), made `at`. */
  async addSchedules(em: EntityManager, ports: string[], plan: SchedulePlan, at: Date): Promise<void> {
    const s = plan;
    await em.query(
      `INSERT INTO schedules (port_code, slot_minutes, capacity_export, capacity_import, open_from, open_to,
         firm_quota_percent, horizon_days, early_arrival_minutes, check_in_grace_minutes, called_timeout_minutes, updated_at)
       SELECT code, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM unnest($1::varchar[]) AS code
       ON CONFLICT (port_code) DO NOTHING`,
      [
        ports,
        s.slotMinutes,
        s.capacityExport,
        s.capacityImport,
        s.openFrom,
        s.openTo,
        s.firmQuotaPercent,
        s.horizonDays,
        s.earlyArrivalMinutes,
        s.checkInGraceMinutes,
        s.calledTimeoutMinutes,
        at,
      ],
    );
  }

  /**
   * Creates or replaces a port's schedule, updated `at`; a rule left out keeps its value (a new schedule: the
   * column's default).
   */
  async putSchedule(em: EntityManager, code: string, v: ScheduleValues, at: Date): Promise<void> {
    await em.query(
      `INSERT INTO schedules (port_code, slot_minutes, capacity_export, capacity_import, open_from, open_to,
         firm_quota_percent, horizon_days, early_arrival_minutes, check_in_grace_minutes, called_timeout_minutes,
         priority_ratio, priority_cap_percent, default_service_minutes, strike_limit, require_declaration, updated_at,
         anpr_min_confidence, dedupe_seconds, phone_check_in, keep_gate_images)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, COALESCE($12, 3), COALESCE($13, 25), COALESCE($14, 8), COALESCE($15, 5),
         COALESCE($16, false), $17, COALESCE($18, 0.8), COALESCE($19, 120), COALESCE($20, true),
         COALESCE($21, false))
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
         require_declaration = COALESCE($16, schedules.require_declaration), updated_at = EXCLUDED.updated_at,
         anpr_min_confidence = COALESCE($18, schedules.anpr_min_confidence),
         dedupe_seconds = COALESCE($19, schedules.dedupe_seconds),
         phone_check_in = COALESCE($20, schedules.phone_check_in),
         keep_gate_images = COALESCE($21, schedules.keep_gate_images)`,
      [
        code,
        v.slotMinutes,
        v.capacityExport,
        v.capacityImport,
        v.openFrom,
        v.openTo,
        v.firmQuotaPercent,
        v.horizonDays,
        v.earlyArrivalMinutes,
        v.checkInGraceMinutes,
        v.calledTimeoutMinutes,
        v.priorityRatio,
        v.priorityCapPercent,
        v.defaultServiceMinutes,
        v.strikeLimit,
        v.requireDeclaration,
        at,
        v.anprMinConfidence,
        v.dedupeSeconds,
        v.phoneCheckIn,
        v.keepGateImages,
      ],
    );
  }
}
