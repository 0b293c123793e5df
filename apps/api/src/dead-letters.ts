import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { Gauge } from 'prom-client';
import { BookingEventsRepository, DeadLetterRow } from '@kouan/booking';
import { notFound, page, PaginationQueryDto } from '@kouan/common';
import { PortDeadLetterRow, PortEventsRepository } from '@kouan/ports';

/** A port event's dead letter is named with this prefix: the two outboxes number their failures apart. */
const PORT = 'port-';

export class DeadLetterDto {
  @ApiProperty({ example: '12', description: "a port event's dead letter is `port-<n>`" }) id: string;
  @ApiProperty({
    enum: ['booking', 'port'],
    description: "the outbox of the event: a booking's (booking_events) or a port's (port_events)",
  })
  stream: 'booking' | 'port';
  @ApiProperty({ description: 'the relay consumer that could not take the event', example: 'webhooks' })
  consumer: string;
  @ApiProperty({ description: 'its failures on this event so far' }) attempts: number;
  @ApiProperty({ description: 'the last failure, as the consumer threw it (500 characters at most)' })
  lastError: string;
  @ApiProperty() failedAt: string;
  @ApiProperty() parkedAt: string;
  @ApiProperty({ description: 'a replay was asked for and the relay has not tried it yet' })
  replayRequested: boolean;
  @ApiProperty({ description: "the event's place in the outbox" }) eventSeq: string;
  @ApiProperty({ type: String, nullable: true, description: "the booking event's id; null for a port event" })
  eventId: string | null;
  @ApiProperty() type: string;
  @ApiProperty({ type: String, nullable: true, description: 'null for a port event' })
  bookingId: string | null;
  @ApiProperty() occurredAt: string;
}

export class DeadLetterParams {
  @ApiProperty({ example: '12' })
  @Matches(/^(port-)?[1-9][0-9]{0,17}$/, { message: 'id must be a positive integer or port-<positive integer>' })
  id: string;
}

const toDto = (r: DeadLetterRow): DeadLetterDto => ({
  id: r.id,
  stream: 'booking',
  consumer: r.consumer,
  attempts: r.attempts,
  lastError: r.last_error,
  failedAt: r.failed_at.toISOString(),
  parkedAt: r.parked_at.toISOString(),
  replayRequested: r.replay_requested,
  eventSeq: r.event_seq,
  eventId: r.event_id,
  type: r.type,
  bookingId: r.booking_id,
  occurredAt: r.occurred_at.toISOString(),
});

const portDto = (r: PortDeadLetterRow): DeadLetterDto => ({
  id: PORT + r.id,
  stream: 'port',
  consumer: r.consumer,
  attempts: r.attempts,
  lastError: r.last_error,
  failedAt: r.failed_at.toISOString(),
  parkedAt: r.parked_at.toISOString(),
  replayRequested: r.replay_requested,
  eventSeq: r.event_seq,
  eventId: null,
  type: r.type,
  bookingId: null,
  occurredAt: r.occurred_at.toISOString(),
});

/** Where the gauge reads its count: prom-client's registry is process-wide, the database is an app's. */
let countSource: (() => Promise<number>) | undefined;

/** Events parked for a consumer of the relay, read from Postgres at each scrape. */
export const deadLettersGauge = new Gauge({
  name: 'kouan_outbox_dead_letters',
  help: 'Outbox events parked for a relay consumer after OUTBOX_MAX_ATTEMPTS failures (replay: POST /api/v1/admin/dead-letters/:id/replay)',
  async collect() {
    if (!countSource) return;
    try {
      this.set(await countSource());
    } catch {
      // The database does not answer: the scrape keeps the last count (/health tells the outage).
    }
  },
});

/** The relays' dead letters (both outboxes) for the port admin: the list, a replay, the gauge. */
@Injectable()
export class DeadLetters implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DeadLetters.name);
  private readonly count = async () =>
    (await this.events.countDeadLetters()) + (await this.portEvents.countDeadLetters());

  constructor(
    private readonly events: BookingEventsRepository,
    private readonly portEvents: PortEventsRepository,
  ) {}

  onModuleInit(): void {
    countSource = this.count;
  }

  onModuleDestroy(): void {
    if (countSource === this.count) countSource = undefined;
  }

  /** The booking events' dead letters, then the port events', each oldest first. */
  async list(q: PaginationQueryDto): Promise<DeadLetterDto[]> {
    const { limit, offset } = page(q);
    const booking = (await this.events.deadLetters(limit, offset)).map(toDto);
    if (booking.length === limit) return booking;
    // Past the booking events' letters: the port events' from where this page starts among them.
    const skip = booking.length ? 0 : Math.max(offset - (await this.events.countDeadLetters()), 0);
    return [...booking, ...(await this.portEvents.deadLetters(limit - booking.length, skip)).map(portDto)];
  }

  /** The relay (apps/worker) hands the event to the consumer again within moments; the row goes when it took it. */
  async replay(id: string): Promise<DeadLetterDto> {
    const dto = id.startsWith(PORT)
      ? await this.portEvents.requestReplay(id.slice(PORT.length)).then((r) => r && portDto(r))
      : await this.events.requestReplay(id).then((r) => r && toDto(r));
    if (!dto) throw notFound('dead letter');
    this.logger.log(
      { deadLetter: id, consumer: dto.consumer, event: dto.eventSeq, stream: dto.stream },
      'dead letter replay asked for',
    );
    return dto;
  }
}
