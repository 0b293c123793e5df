import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isFirmUser, type Principal } from '@kouan/auth';
import { Clock, DomainError, inTransaction, notFound } from '@kouan/common';
import { isoInZone } from '@kouan/calendar';
import type { FirmStandings, FirmStrikes } from '@kouan/firms';
import { BookingTransitions } from './booking-transitions.repository';
import type { PortStandingDto, StandingDto, WaiverDto } from './dto/strikes.dto';
import { quotaPercentNow } from './strikes';
import { StrikesRepository } from './strikes.repository';

/**
 * Strikes per firm (docs/queue-rules.md, "Strikes"): every no-show of the last 30 days at any port, unless waived
 * by staff or by a lane stopped during its slot. Each port's schedule sets the limit above which the firm's quota
 * share there is halved; places.ts enforces it in the booking statement.
 */
@Injectable()
export class StrikesService implements FirmStandings {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: StrikesRepository,
    private readonly transitions: BookingTransitions,
    private readonly clock: Clock,
  ) {}

  /** The firms lib's list of firms: each firm's strikes now. */
  async of(firmIds: string[]): Promise<Map<string, FirmStrikes>> {
    if (!firmIds.length) return new Map();
    const found = await this.repo.strikesOfFirms(firmIds, this.clock.now());
    return new Map(found.map((r) => [r.id, { strikes30d: r.strikes, noShows30d: r.no_shows }]));
  }

  /** Port staff (of the booking's port) or a port admin waive a no-show's strike, saying why. */
  async waive(p: Principal, bookingId: string, reason: string): Promise<WaiverDto> {
    const b = await this.repo.waivable(bookingId);
    if (!b || (p.role === 'port_staff' && p.portCode !== b.port_code)) throw notFound('booking');
    const at = this.clock.now();
    const done = await inTransaction(this.ds, (em) => this.transitions.waive(em, bookingId, reason, p.sub, at));
    if (!done) {
      // Read again: a waiver racing this one may have landed in between.
      const now = (await this.repo.waivable(bookingId)) ?? b;
      if (now.status !== 'no_show')
        throw new DomainError('not_no_show', `a ${now.status} booking has no strike to waive`);
      throw new DomainError('already_waived', 'this no-show was waived already');
    }
    return { bookingId, status: 'no_show', waivedAt: isoInZone(done.waived_at, b.time_zone), reason };
  }

  /**
   * A firm's standing: its strikes (all ports) against one port's limit and quota, or without `port` the most
   * restrictive of every port's: the lowest limit and the lowest share now.
   */
  async standing(p: Principal, firmId: string, port?: string): Promise<StandingDto> {
    if (isFirmUser(p) && p.firmId !== firmId) throw notFound('firm');
    const row = await this.repo.standing(firmId, port ?? null, this.clock.now());
    if (!row) throw notFound('firm');
    if (!row.ports.length) throw notFound(port ? `schedule of port ${port}` : 'schedule');
    const ports: PortStandingDto[] = row.ports.map((s) => ({
      ...s,
      quotaPercentNow: quotaPercentNow(s.quotaPercent, row.strikes, s.strikeLimit),
    }));
    return {
      firmId,
      strikes30d: row.strikes,
      noShows30d: row.no_shows,
      strikeLimit: Math.min(...ports.map((s) => s.strikeLimit)),
      quotaPercentNow: Math.min(...ports.map((s) => s.quotaPercentNow)),
      port: port ?? null,
      ports,
    };
  }
}
