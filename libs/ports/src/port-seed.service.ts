import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, inTransaction } from '@kouan/common';
import portList from './data/yunnan-ports.json';
import { PortFact, PortsRepository, SchedulePlan } from './ports.repository';

/** The default plan of a road port (the foundation issue): hourly slots of 6 trucks a direction, 08:00-20:00. */
export const DEFAULT_SCHEDULE: SchedulePlan = {
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

/** Idempotent: facts are refreshed, lanes and schedules are created once and then left to the port admins. */
@Injectable()
export class PortSeedService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: PortsRepository,
    private readonly clock: Clock,
  ) {}

  /** `ports` from a ports file (`readPortList`), Yunnan's by default. */
  async seed(
    ports: PortFact[] = (portList as { ports: PortFact[] }).ports,
  ): Promise<{ ports: number; roadPorts: number }> {
    const road = ports.filter((p) => p.mode === 'road').map((p) => p.code);
    const at = this.clock.now();
    await inTransaction(this.ds, async (em) => {
      await this.repo.upsertFacts(em, ports, at);
      await this.repo.addFirstLanes(em, road, at);
      await this.repo.addSchedules(em, road, DEFAULT_SCHEDULE, at);
    });
    return { ports: ports.length, roadPorts: road.length };
  }
}
