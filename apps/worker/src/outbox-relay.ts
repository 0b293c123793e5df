import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BookingEventsRepository, DomainEvent, EVENT_CONSUMER } from '@kouan/booking';
import { Clock, inTransaction, one } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import { PollingLoop } from '@kouan/jobs';
import { PORT_EVENT_CONSUMER, PortEvent, PortEventsRepository } from '@kouan/ports';

/**
 * Events per transaction: each batch pays a fixed cost (the relay lock, the claim, each consumer's statement, the
 * mark), so a burst goes in few of them; 500 keep one transaction well under a second.
 */
const BATCH = 500;
/** Dead letters replayed per round (a port admin asks for them one by one). */
const REPLAYS = 50;
/**
 * How often the outbox is looked at: an indexed read of an empty range, 5 a second. Not LISTEN/NOTIFY: Postgres
 * serialises the commits of every transaction that notifies, and each queue change writes an event.
 */
const POLL_MS = 200;
/** After a failed batch (a consumer threw, the database went away), before trying the same events again. */
const RETRY_MS = 2000;

/** What the relay needs of an event: its place in its outbox and its type (for the log). */
interface OutboxEvent {
  seq: string;
  type: string;
}

/** A consumer of one outbox's events (@ConsumesBookingEvents, @ConsumesPortEvents). */
interface Consumer<E> {
  handle?(em: EntityManager, events: E[]): Promise<void>;
  relayed?(events: E[]): void;
}

/** An outbox's statements, as its owning lib's repository has them (BookingEventsRepository, PortEventsRepository). */
interface Outbox<E extends OutboxEvent> {
  claim(em: EntityManager, limit: number): Promise<E[]>;
  markRelayed(em: EntityManager, events: E[], at: Date): Promise<void>;
  failures(em: EntityManager, seq: string): Promise<Map<string, number>>;
  recordFailure(
    em: EntityManager,
    seq: string,
    consumer: string,
    error: string,
    at: Date,
    park: boolean,
  ): Promise<void>;
  claimReplays(em: EntityManager, limit: number): Promise<Array<{ id: string; consumer: string; event: E }>>;
  replayed(em: EntityManager, id: string): Promise<void>;
  replayFailed(em: EntityManager, id: string, error: string, at: Date): Promise<void>;
}

/** Which outbox a relay serves: its statements, its consumers' decorator, its lock and its name in the logs. */
interface Stream<E extends OutboxEvent> {
  outbox: Outbox<E>;
  /** The metadata key the consumers' decorator sets (its value: the consumer's name). */
  consumerKey: string;
  /** One relay of this outbox at a time across every worker process: events reach consumers in `seq` order. */
  lock: string;
  /** What the loop is doing, for its log lines. */
  doing: string;
}

interface Named<E> {
  name: string;
  consumer: Consumer<E>;
}

/** What one transaction relayed: the events, those a consumer does not get (parked for it), the replays. */
interface Outcome<E> {
  events: E[];
  parked: Map<string, Set<string>>;
  replayed: Array<{ consumer: string; event: E }>;
  /** A consumer failed on an event below the limit: the relay stopped before it and tries again after RETRY_MS. */
  failing?: string;
}

class ConsumerFailing extends Error {}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e)) || 'failed';

/**
 * Hands an outbox's events to every consumer of that outbox, in `seq` order, in the same transaction that marks them
 * relayed: a crash anywhere rolls the batch back and the next run relays it again, so nothing is lost and nothing a
 * consumer wrote to the database is doubled. Looks every POLL_MS.
 *
 * A batch that fails is relayed again at once event by event, each consumer in a savepoint of its own, to find the
 * consumer that fails and the event it fails on: the events before it are relayed; its failure is counted
 * (booking_event_failures, port_event_failures); below OUTBOX_MAX_ATTEMPTS the event waits RETRY_MS and is tried
 * again (no consumer gets a later event before it); at the limit it is parked for that consumer (a dead letter) and
 * every other consumer gets it, once. A port admin's replay hands a dead letter to its consumer again.
 *
 * One mechanism, two outboxes (OutboxRelay: booking_events; PortEventsRelay: port_events), each with its own lock,
 * so a slow batch of one never holds the other.
 */
abstract class Relay<E extends OutboxEvent> implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly loop: PollingLoop;
  private readonly events: Outbox<E>;
  private consumers: Array<Named<E>> = [];

  constructor(
    private readonly stream: Stream<E>,
    private readonly ds: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.events = stream.outbox;
    this.logger = new Logger(new.target.name);
    this.loop = new PollingLoop(
      stream.doing,
      () => this.batch().then((n) => n === BATCH),
      this.logger,
      POLL_MS,
      RETRY_MS,
    );
  }

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const name = this.reflector.get<string | undefined>(this.stream.consumerKey, wrapper.metatype);
      if (name) this.consumers.push({ name, consumer: wrapper.instance as Consumer<E> });
    }
    this.loop.start();
  }

  /** Before the database connections close (they do at application shutdown): the batch running ends first. */
  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** One transaction: the relay lock, a batch of events, every consumer, the mark. Returns how many it relayed. */
  private async batch(): Promise<number> {
    const at = this.clock.now();
    let outcome: Outcome<E>;
    try {
      outcome = await inTransaction(this.ds, (em) => this.relay(em, at, false));
    } catch {
      // A consumer threw, or the database went away (then this fails too, and the loop tries again later).
      outcome = await inTransaction(this.ds, (em) => this.relay(em, at, true));
    }
    this.announce(outcome);
    if (outcome.failing) throw new ConsumerFailing(outcome.failing);
    return outcome.events.length;
  }

  private async relay(em: EntityManager, at: Date, apart: boolean): Promise<Outcome<E>> {
    const outcome: Outcome<E> = { events: [], parked: new Map(), replayed: [] };
    const locked = await one<{ ok: boolean }>(em, `SELECT pg_try_advisory_xact_lock(${this.stream.lock}) AS ok`);
    if (!locked?.ok) return outcome;
    outcome.replayed = await this.replay(em, at);
    const claimed = await this.events.claim(em, BATCH);
    if (!claimed.length) return outcome;
    if (!apart) {
      for (const { consumer } of this.consumers) await consumer.handle?.(em, claimed);
      outcome.events = claimed;
    } else {
      for (const event of claimed) {
        const failing = await this.one(em, event, at, outcome.parked);
        if (failing) {
          outcome.failing = failing;
          break;
        }
        outcome.events.push(event);
      }
    }
    if (outcome.events.length) await this.events.markRelayed(em, outcome.events, at);
    return outcome;
  }

  /**
   * One event to every consumer, each in a savepoint. Returns why it must wait (a consumer failed below the limit:
   * everything done for it is undone, only that failure counted), or undefined when it is relayed, parked for the
   * consumers that reached the limit with this failure.
   */
  private async one(
    em: EntityManager,
    event: E,
    at: Date,
    parked: Map<string, Set<string>>,
  ): Promise<string | undefined> {
    const max = this.config.env.outboxMaxAttempts;
    await em.query('SAVEPOINT relay_event');
    const failed: Array<{ name: string; error: string }> = [];
    for (const { name, consumer } of this.consumers) {
      if (!consumer.handle) continue;
      await em.query('SAVEPOINT relay_consumer');
      try {
        await consumer.handle(em, [event]);
        await em.query('RELEASE SAVEPOINT relay_consumer');
      } catch (e) {
        await em.query('ROLLBACK TO SAVEPOINT relay_consumer');
        failed.push({ name, error: messageOf(e) });
      }
    }
    if (!failed.length) {
      await em.query('RELEASE SAVEPOINT relay_event');
      return undefined;
    }
    const before = await this.events.failures(em, event.seq);
    const parks = (f: { name: string }) => (before.get(f.name) ?? 0) + 1 >= max;
    const waiting = failed.filter((f) => !parks(f));
    if (waiting.length) {
      // Not relayed this time: the consumers that took it must not keep what they did. A consumer that would be
      // parked by this failure is not counted yet: an event is parked for a consumer only when it is relayed.
      await em.query('ROLLBACK TO SAVEPOINT relay_event');
      for (const f of waiting) await this.events.recordFailure(em, event.seq, f.name, f.error, at, false);
      const f = waiting[0];
      return `consumer ${f.name} failed on event ${event.seq} (${event.type}), attempt ${(before.get(f.name) ?? 0) + 1} of ${max}: ${f.error}`;
    }
    for (const f of failed) {
      await this.events.recordFailure(em, event.seq, f.name, f.error, at, true);
      parked.set(f.name, (parked.get(f.name) ?? new Set()).add(event.seq));
      this.logger.error(
        { consumer: f.name, event: event.seq, type: event.type, err: { message: f.error } },
        `event parked for a consumer after ${max} failures (a dead letter)`,
      );
    }
    await em.query('RELEASE SAVEPOINT relay_event');
    return undefined;
  }

  /** The dead letters a port admin asked to replay, each to its consumer in a savepoint. Returns those it took. */
  private async replay(em: EntityManager, at: Date): Promise<Outcome<E>['replayed']> {
    const asked = await this.events.claimReplays(em, REPLAYS);
    const taken: Outcome<E>['replayed'] = [];
    for (const r of asked) {
      const named = this.consumers.find((c) => c.name === r.consumer);
      await em.query('SAVEPOINT relay_replay');
      try {
        if (!named) throw new Error(`no consumer named ${r.consumer} in this worker`);
        await named.consumer.handle?.(em, [r.event]);
        await em.query('RELEASE SAVEPOINT relay_replay');
        await this.events.replayed(em, r.id);
        taken.push({ consumer: r.consumer, event: r.event });
      } catch (e) {
        await em.query('ROLLBACK TO SAVEPOINT relay_replay');
        await this.events.replayFailed(em, r.id, messageOf(e), at);
      }
    }
    return taken;
  }

  /** After the commit: each consumer's outside effects for what it got (at least once, so failures only logged). */
  private announce(outcome: Outcome<E>): void {
    for (const { name, consumer } of this.consumers) {
      const skip = outcome.parked.get(name);
      const events = skip ? outcome.events.filter((e) => !skip.has(e.seq)) : outcome.events;
      const replayed = outcome.replayed.filter((r) => r.consumer === name).map((r) => r.event);
      for (const got of replayed.length ? [events, replayed] : [events]) {
        try {
          consumer.relayed?.(got);
        } catch (e) {
          this.logger.warn({ err: { message: messageOf(e) }, consumer: name }, 'a consumer failed after the commit');
        }
      }
    }
  }
}

/** The booking's outbox (booking_events) to the consumers marked @ConsumesBookingEvents. */
@Injectable()
export class OutboxRelay extends Relay<DomainEvent> {
  constructor(
    @InjectDataSource() ds: DataSource,
    events: BookingEventsRepository,
    discovery: DiscoveryService,
    reflector: Reflector,
    clock: Clock,
    config: AppConfig,
  ) {
    const stream = {
      outbox: events,
      consumerKey: EVENT_CONSUMER,
      lock: "hashtext('kouan:booking-events-relay')",
      doing: 'relaying booking events',
    };
    super(stream, ds, discovery, reflector, clock, config);
  }
}

/** The port's outbox (port_events) to the consumers marked @ConsumesPortEvents, under a lock of its own. */
@Injectable()
export class PortEventsRelay extends Relay<PortEvent> {
  constructor(
    @InjectDataSource() ds: DataSource,
    events: PortEventsRepository,
    discovery: DiscoveryService,
    reflector: Reflector,
    clock: Clock,
    config: AppConfig,
  ) {
    const stream = {
      outbox: events,
      consumerKey: PORT_EVENT_CONSUMER,
      lock: "hashtext('kouan:port-events-relay')",
      doing: 'relaying port events',
    };
    super(stream, ds, discovery, reflector, clock, config);
  }
}
