import { Column, DataSource, EntityManager } from 'typeorm';
import { one, rows } from './sql';

/**
 * One consumer's failures on one outbox event, counted by the relay (apps/worker/src/outbox-relay.ts). Below
 * OUTBOX_MAX_ATTEMPTS the event waits and is tried again; at it the event is parked for that consumer (`parked_at`:
 * a dead letter) and relayed to the others. A port admin may ask for a replay (`replay_requested`): the relay hands
 * the event to that consumer again and deletes the row when it took it. Rows of events relayed without being parked
 * are deleted with the mark.
 *
 * The columns every outbox's failures table has; each outbox's entity extends it with its own names, constraints and
 * the relation to its events (booking_event_failures, port_event_failures).
 */
export abstract class OutboxFailureColumns {
  @Column({ name: 'event_seq', type: 'bigint' })
  eventSeq: string;

  /** The consumer's name (`@ConsumesBookingEvents(name)`, `@ConsumesPortEvents(name)`). */
  @Column({ type: 'varchar', length: 64 })
  consumer: string;

  @Column({ type: 'integer' })
  attempts: number;

  /** The last failure's message (for the port admin; cut to 500 characters). */
  @Column({ name: 'last_error', type: 'varchar', length: 500 })
  lastError: string;

  @Column({ name: 'failed_at', type: 'timestamptz' })
  failedAt: Date;

  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true })
  parkedAt: Date | null;

  @Column({ name: 'replay_requested', type: 'boolean', default: false })
  replayRequested: boolean;
}

/** An outbox's two tables and the columns its own events and dead letters are read with. */
export interface OutboxTables {
  /** The events table (`seq` its key, `relayed_at` its mark). */
  events: string;
  /** Its failures table (OutboxFailureColumns), with the unique constraint on (event_seq, consumer). */
  failures: string;
  /** The event's columns over alias `e`, as the owning repository maps them to its events. */
  eventColumns: string;
  /** A dead letter's columns over `f` (the failure) and `e` (its event). */
  deadLetterColumns: string;
}

/**
 * The relay's statements over an outbox, the same for every outbox (booking_events, port_events): the owning lib's
 * repository extends this for its tables and maps the rows to its own events. The tables stay that lib's; only the
 * SQL is shared. `E` is the event as consumers get it, `Row` its row over `eventColumns`, `Dead` a dead letter's row.
 */
export abstract class OutboxRepository<E extends { seq: string }, Row, Dead> {
  protected constructor(
    protected readonly ds: DataSource,
    private readonly t: OutboxTables,
    private readonly toEvent: (r: Row) => E,
  ) {}

  /**
   * The oldest events not yet relayed, in `seq` order, locked for this transaction. SKIP LOCKED: a second relay
   * never waits on the first (it takes none of the same rows, and the relay's advisory lock keeps it out anyway).
   */
  async claim(em: EntityManager, limit: number): Promise<E[]> {
    const found = await rows<Row>(
      em,
      `SELECT ${this.t.eventColumns} FROM ${this.t.events} e
       WHERE e.relayed_at IS NULL ORDER BY e.seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return found.map(this.toEvent);
  }

  /** Marks the events relayed at `at`, and forgets the failures of their consumers that were not parked. */
  async markRelayed(em: EntityManager, events: E[], at: Date): Promise<void> {
    await em.query(
      `WITH relayed AS (UPDATE ${this.t.events} SET relayed_at = $2::timestamptz WHERE seq = ANY($1::bigint[]))
       DELETE FROM ${this.t.failures} WHERE event_seq = ANY($1::bigint[]) AND parked_at IS NULL`,
      [events.map((e) => e.seq), at],
    );
  }

  /** How often each consumer has failed on the event so far (consumers without a failure are absent). */
  async failures(em: EntityManager, seq: string): Promise<Map<string, number>> {
    const found = await rows<{ consumer: string; attempts: number }>(
      em,
      `SELECT consumer, attempts FROM ${this.t.failures} WHERE event_seq = $1`,
      [seq],
    );
    return new Map(found.map((r) => [r.consumer, r.attempts]));
  }

  /** Counts one more failure of `consumer` on the event; `park` makes it a dead letter at `at`. */
  async recordFailure(em: EntityManager, seq: string, consumer: string, error: string, at: Date, park: boolean) {
    await em.query(
      `INSERT INTO ${this.t.failures} AS f (event_seq, consumer, attempts, last_error, failed_at, parked_at)
       VALUES ($1, $2, 1, $3, $4::timestamptz, CASE WHEN $5::boolean THEN $4::timestamptz END)
       ON CONFLICT ON CONSTRAINT uq_${this.t.failures}_event_consumer DO UPDATE
       SET attempts = f.attempts + 1, last_error = EXCLUDED.last_error, failed_at = EXCLUDED.failed_at,
           parked_at = COALESCE(f.parked_at, EXCLUDED.parked_at)`,
      [seq, consumer, error.slice(0, 500), at, park],
    );
  }

  /** Dead letters whose replay a port admin asked for, oldest event first, locked for this transaction. */
  async claimReplays(em: EntityManager, limit: number): Promise<Array<{ id: string; consumer: string; event: E }>> {
    const found = await rows<Row & { failure_id: string; consumer: string }>(
      em,
      `SELECT f.id AS failure_id, f.consumer, ${this.t.eventColumns}
       FROM ${this.t.failures} f JOIN ${this.t.events} e ON e.seq = f.event_seq
       WHERE f.replay_requested ORDER BY f.event_seq, f.id LIMIT $1 FOR UPDATE OF f SKIP LOCKED`,
      [limit],
    );
    return found.map((r) => ({ id: r.failure_id, consumer: r.consumer, event: this.toEvent(r) }));
  }

  /** The consumer took its replayed event: the dead letter is gone. */
  async replayed(em: EntityManager, id: string): Promise<void> {
    await em.query(`DELETE FROM ${this.t.failures} WHERE id = $1`, [id]);
  }

  /** The replay failed too: counted, and parked again until the next request. */
  async replayFailed(em: EntityManager, id: string, error: string, at: Date): Promise<void> {
    await em.query(
      `UPDATE ${this.t.failures} SET attempts = attempts + 1, last_error = $2, failed_at = $3::timestamptz,
         replay_requested = false WHERE id = $1`,
      [id, error.slice(0, 500), at],
    );
  }

  /** The dead letters (events parked for a consumer), oldest first. */
  deadLetters(limit: number, offset: number): Promise<Dead[]> {
    return rows<Dead>(
      this.ds,
      `SELECT ${this.t.deadLetterColumns} FROM ${this.t.failures} f JOIN ${this.t.events} e ON e.seq = f.event_seq
       WHERE f.parked_at IS NOT NULL ORDER BY f.id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
  }

  async countDeadLetters(): Promise<number> {
    const r = await one<{ n: number }>(
      this.ds,
      `SELECT count(*)::int AS n FROM ${this.t.failures} WHERE parked_at IS NOT NULL`,
    );
    return r?.n ?? 0;
  }

  /** Asks the relay to hand a dead letter to its consumer again; undefined when there is no such dead letter. */
  requestReplay(id: string): Promise<Dead | undefined> {
    return one<Dead>(
      this.ds,
      `UPDATE ${this.t.failures} f SET replay_requested = true FROM ${this.t.events} e
       WHERE f.id = $1 AND f.parked_at IS NOT NULL AND e.seq = f.event_seq RETURNING ${this.t.deadLetterColumns}`,
      [id],
    );
  }
}
