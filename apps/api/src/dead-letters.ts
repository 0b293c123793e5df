import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { Gauge } from 'prom-client';
import { BookingEventsRepository, DeadLetterRow } from '@kouan/booking';
import { notFound, page, PaginationQueryDto } from '@kouan/common';

export class DeadLetterDto {
  @ApiProperty({ example: '12' }) id: string;
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
  @ApiProperty() eventId: string;
  @ApiProperty() type: string;
  @ApiProperty() bookingId: string;
  @ApiProperty() occurredAt: string;
}

export class DeadLetterParams {
  @ApiProperty({ example: '12' })
  @Matches(/^[1-9][0-9]{0,17}$/, { message: 'id must be a positive integer' })
  id: string;
}

const toDto = (r: DeadLetterRow): DeadLetterDto => ({
  id: r.id,
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

/** The relay's dead letters for the port admin: the list, a replay, the gauge. */
@Injectable()
export class DeadLetters implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DeadLetters.name);
  private readonly count = () => this.events.countDeadLetters();

  constructor(private readonly events: BookingEventsRepository) {}

  onModuleInit(): void {
    countSource = this.count;
  }

  onModuleDestroy(): void {
    if (countSource === this.count) countSource = undefined;
  }

  async list(q: PaginationQueryDto): Promise<DeadLetterDto[]> {
    return (await this.events.deadLetters(page(q).limit, page(q).offset)).map(toDto);
  }

  /** The relay (apps/worker) hands the event to the consumer again within moments; the row goes when it took it. */
  async replay(id: string): Promise<DeadLetterDto> {
    const row = await this.events.requestReplay(id);
    if (!row) throw notFound('dead letter');
    this.logger.log({ deadLetter: id, consumer: row.consumer, event: row.event_seq }, 'dead letter replay asked for');
    return toDto(row);
  }
}
