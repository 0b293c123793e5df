import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BookingEventConsumer, EVENT_CONSUMER, BookingEventsRepository } from '@kouan/booking';
import { inTransaction, one } from '@kouan/common';
import { PollingLoop } from '@kouan/jobs';

/**
 * Events per transaction: each batch pays a fixed cost (the relay lock, the claim, each consumer's statement, the
 * mark), so a burst goes in few of them; 500 keep one transaction well under a second.
 */
const BATCH = 500;
/**
 * How often the outbox is looked at: an indexed read of an empty range, 5 a second. Not LISTEN/NOTIFY: Postgres
 * serialises the commits of every transaction that notifies, and each queue change writes an event.
 */
const POLL_MS = 200;
/** After a failed batch (a consumer threw, the database went away), before trying the same events again. */
const RETRY_MS = 2000;
/** One relay at a time across every worker process: events reach consumers in `seq` order. */
const RELAY_LOCK = "hashtext('kouan:booking-events-relay')";

/**
 * Hands the outbox's events (booking_events) to every consumer (@ConsumesBookingEvents), in `seq` order, in the
 * same transaction that marks them relayed: a crash anywhere rolls the batch back and the next run relays it
 * again, so nothing is lost and nothing a consumer wrote to the database is doubled. Looks every POLL_MS.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly loop = new PollingLoop(
    'relaying booking events',
    () => this.batch().then((n) => n === BATCH),
    this.logger,
    POLL_MS,
    RETRY_MS,
  );
  private consumers: Array<{ name: string; consumer: BookingEventConsumer }> = [];

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly events: BookingEventsRepository,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const name = this.reflector.get<string | undefined>(EVENT_CONSUMER, wrapper.metatype);
      if (name) this.consumers.push({ name, consumer: wrapper.instance as BookingEventConsumer });
    }
    this.loop.start();
  }

  /** Before the database connections close (they do at application shutdown): the batch running ends first. */
  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** One transaction: the relay lock, a batch of events, every consumer, the mark. Returns how many it relayed. */
  private async batch(): Promise<number> {
    const events = await inTransaction(this.ds, async (em) => {
      const locked = await one<{ ok: boolean }>(em, `SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}) AS ok`);
      if (!locked?.ok) return [];
      const claimed = await this.events.claim(em, BATCH);
      if (!claimed.length) return [];
      for (const { consumer } of this.consumers) await consumer.handle?.(em, claimed);
      await this.events.markRelayed(em, claimed);
      return claimed;
    });
    for (const { name, consumer } of this.consumers) {
      try {
        consumer.relayed?.(events);
      } catch (e) {
        this.logger.warn(
          { err: { message: (e as Error).message }, consumer: name },
          'a consumer failed after the commit',
        );
      }
    }
    return events.length;
  }
}
