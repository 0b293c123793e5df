import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { inTransaction } from '@kouan/common';
import portList from './data/yunnan-ports.json';

/** The default plan of a road port (the foundation issue): hourly slots of 6 trucks a direction, 08:00-20:00. */
export const DEFAULT_SCHEDULE = {
  slotMinutes: 60,
  capacityExport: 6,
  capacityImport: 6,
  openFrom: 8 * 60,
  openTo: 20 * 60,
  firmQuotaPercent: 30,
  horizonDays: 7,
  earlyArrivalMinutes: 60,
  checkInGraceMinutes: 30,
  calledTimeoutMinutes: 15,
};

interface PortFact {
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
}

/** Idempotent: facts are refreshed, lanes and schedules are created once and then left to the port admins. */
@Injectable()
export class PortSeedService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async seed(): Promise<{ ports: number; roadPorts: number }> {
    const ports = (portList as { ports: PortFact[] }).ports;
    const road = ports.filter((p) => p.mode === 'road').map((p) => p.code);
    const s = DEFAULT_SCHEDULE;
    await inTransaction(this.ds, async (em) => {
      await em.query(
        `INSERT INTO ports (code, name, county, mode, neighbour, counterpart, counterpart_location, level, positioning, names)
         SELECT code, name, county, mode, neighbour, counterpart, "counterpartLocation", level, positioning, COALESCE(names, '{}')
         FROM jsonb_to_recordset($1::jsonb) AS p(code varchar, name varchar, county varchar, mode varchar,
           neighbour varchar, counterpart varchar, "counterpartLocation" varchar, level varchar, positioning varchar, names jsonb)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, names = EXCLUDED.names, county = EXCLUDED.county, mode = EXCLUDED.mode,
           neighbour = EXCLUDED.neighbour, counterpart = EXCLUDED.counterpart,
           counterpart_location = EXCLUDED.counterpart_location, level = EXCLUDED.level,
           positioning = EXCLUDED.positioning`,
        [JSON.stringify(ports)],
      );
      await em.query(
        `INSERT INTO lanes (port_code, name, direction)
         SELECT code, d.direction || '-1', d.direction FROM unnest($1::varchar[]) AS code
         CROSS JOIN (VALUES ('export'), ('import')) AS d(direction)
         ON CONFLICT (port_code, name) DO NOTHING`,
        [road],
      );
      await em.query(
        `INSERT INTO schedules (port_code, slot_minutes, capacity_export, capacity_import, open_from, open_to,
           firm_quota_percent, horizon_days, early_arrival_minutes, check_in_grace_minutes, called_timeout_minutes)
         SELECT code, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM unnest($1::varchar[]) AS code
         ON CONFLICT (port_code) DO NOTHING`,
        [road, s.slotMinutes, s.capacityExport, s.capacityImport, s.openFrom, s.openTo, s.firmQuotaPercent,
          s.horizonDays, s.earlyArrivalMinutes, s.checkInGraceMinutes, s.calledTimeoutMinutes],
      );
    });
    return { ports: ports.length, roadPorts: road.length };
  }
}
