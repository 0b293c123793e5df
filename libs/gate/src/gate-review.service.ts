import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { assertPortScope, Principal } from '@kouan/auth';
import { Clock, DomainError, inTransaction, notFound, page } from '@kouan/common';
import { PortEvents } from '@kouan/ports';
import { CheckInService } from '@kouan/queue';
import { OPEN_OUTCOMES } from './entities/gate-read.entity';
import { GateReadDto, GateReadListItemDto, GateReadsQueryDto, ResolveReadDto } from './dto/gate-read.dto';
import { GateReadsRepository, ReadImage, readUpdateOf } from './gate-reads.repository';

/**
 * Staff's side of camera reads: the port's reads, and the lane console's "reads to confirm" (an unmatched, ambiguous
 * or unsure read, checked in by hand or dismissed, once).
 */
@Injectable()
export class GateReviewService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly reads: GateReadsRepository,
    private readonly checkIns: CheckInService,
    private readonly events: PortEvents,
    private readonly clock: Clock,
  ) {}

  /** Newest first. Staff of another port, like an unknown port, get a 404. */
  async list(p: Principal, port: string, q: GateReadsQueryDto): Promise<GateReadListItemDto[]> {
    assertPortScope(p, port);
    const zone = await this.reads.timeZoneOf(this.ds, port);
    if (!zone) throw notFound(`port ${port}`);
    // A date alone is that day's midnight at the port; an instant carries its own offset.
    const from = q.from === undefined ? undefined : DateTime.fromISO(q.from, { zone });
    if (from && !from.isValid) throw new DomainError('bad_request', 'from must be an ISO-8601 date or instant');
    const { limit, offset } = page(q);
    const found = await this.reads.list(
      this.ds,
      port,
      { outcome: q.outcome, from: from?.toJSDate(), open: q.open },
      limit,
      offset,
    );
    return found.map((r) => ({ ...readUpdateOf(r), hasImage: r.has_image === true }));
  }

  /** A read's kept picture; 404 when the read is not the port's or none was kept (staff of another port: 404). */
  async image(p: Principal, port: string, id: string): Promise<ReadImage> {
    assertPortScope(p, port);
    const image = await this.reads.image(this.ds, port, id);
    if (!image) throw notFound(`a picture of read ${id} of ${port}`);
    return image;
  }

  /**
   * Confirms an open read by checking its plate in as staff's check-in does (its 404s and 409s included), or dismisses
   * it; either marks it resolved, in one transaction holding the read's row: a read is resolved once (409
   * read_not_open after).
   */
  async resolve(p: Principal, port: string, id: string, dto: ResolveReadDto): Promise<GateReadDto> {
    assertPortScope(p, port);
    const at = this.clock.now();
    let announce: (() => void) | null = null;
    const read = await inTransaction(this.ds, async (em) => {
      announce = null;
      const r = await this.reads.lock(em, port, id);
      if (!r) throw notFound(`read ${id} of ${port}`);
      if (r.resolved_at !== null || !OPEN_OUTCOMES.includes(r.outcome))
        throw new DomainError(
          'read_not_open',
          r.resolved_at !== null
            ? `this read was ${r.resolution} already, at ${r.resolved_at.toISOString()}`
            : `a ${r.outcome} read has nothing to confirm`,
          { outcome: r.outcome, resolution: r.resolution },
        );
      let bookingId: string | null = null;
      if (dto.action === 'check_in') {
        const done = await (
          await this.checkIns.within(
            em,
            port,
            { plate: r.plate, bookingId: dto.bookingId },
            r.position === 'holding_entry' ? r.area_id : null,
            at,
          )
        ).settled();
        bookingId = done.result.bookingId;
        announce = done.announce;
      }
      const resolved = await this.reads.resolve(
        em,
        id,
        dto.action === 'check_in' ? 'checked_in' : 'dismissed',
        p.sub,
        bookingId,
        at,
      );
      // The consoles drop it from their "reads to confirm".
      await this.events.append(
        em,
        { type: 'gate.read', portCode: port, direction: null, data: { read: readUpdateOf(resolved), alert: null } },
        at,
      );
      return resolved;
    });
    (announce as (() => void) | null)?.();
    return readUpdateOf(read);
  }
}
