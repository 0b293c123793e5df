import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, DomainError } from '@kouan/common';
import { isoInZone } from '@kouan/calendar';
import type { IncidentDto } from './dto/incident.dto';
import type { Direction } from './entities/lane.entity';
import { CallStopRow, IncidentRow, IncidentsRepository } from './incidents.repository';

export const incidentDto = (r: IncidentRow, timeZone: string): IncidentDto => ({
  id: r.id,
  kind: r.kind,
  message: r.message,
  until: r.until && isoInZone(r.until, timeZone),
  openedAt: isoInZone(r.opened_at, timeZone),
});

/** Why a call is stopped, in the words of its 409. */
const stopMessage = (s: CallStopRow, side: string | null, timeZone: string): string => {
  const until = s.until ? ` until ${isoInZone(s.until, timeZone).slice(11, 16)}` : '';
  return s.code === 'counterpart_closed'
    ? `${side ?? 'the far'} side closed${until}: ${s.reason}`
    : `the port is closed by an incident${until}: ${s.reason}`;
};

/** What stopped a call that staff forced through. */
export interface ForcedPast {
  code: CallStopRow['code'];
  reason: string;
}

/**
 * The port's open incidents, and the gate a call goes through: what stops calls at a port (a closed far side for
 * export, an open `closure` for both), judged at the call's instant under the port's row (IncidentsRepository).
 */
@Injectable()
export class IncidentsReader {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: IncidentsRepository,
    private readonly clock: Clock,
  ) {}

  async open(code: string, timeZone: string): Promise<IncidentDto[]> {
    return (await this.repo.openAt(this.ds, code, this.clock.now())).map((r) => incidentDto(r, timeZone));
  }

  /**
   * In the call's transaction: throws 409 `port_incident` or `counterpart_closed` when something stops calls of
   * `direction` at the port, unless `force`; forced, returns what it went past (null when nothing stood in the way).
   */
  async judgeCall(
    em: EntityManager,
    code: string,
    direction: Direction,
    at: Date,
    force: boolean,
  ): Promise<ForcedPast[] | null> {
    const { port, stops } = await this.repo.callStops(em, code, direction, at);
    if (!port || !stops.length) return null;
    if (!force) {
      const [first] = stops;
      throw new DomainError(first.code, stopMessage(first, port.counterpart, port.time_zone), {
        reason: first.reason,
        until: first.until && isoInZone(first.until, port.time_zone),
        force: 'staff may call anyway with {force: true}; the call is audited',
      });
    }
    return stops.map((s) => ({ code: s.code, reason: s.reason }));
  }
}
