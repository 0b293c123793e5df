import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { DomainEvent } from '@kouan/booking';
import { CounterpartTrafficRepository, departureOf } from '@kouan/booking';

/** Whose endpoints: a firm's, or a port's far side's (its counterpart officers'); exactly one is set. */
export interface EndpointOwner {
  firmId: string | null;
  portCode: string | null;
}

/** The owner's endpoints, as `$1` (firm) and `$2` (port): the unset one is null and matches nothing. */
const OWNED = '(firm_id = $1::uuid OR port_code = $2::varchar)';

/** What a port's far side may receive: our export departures (docs/counterpart.md). */
export const COUNTERPART_DEPARTURE = 'counterpart.departure';

export interface EndpointRow {
  id: string;
  url: string;
  events: string[];
  created_at: Date;
  failing_since: Date | null;
  disabled_at: Date | null;
  last_success_at: Date | null;
}

export interface AttemptRow {
  event_id: string;
  type: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  delivered: boolean;
  at: Date;
}

/** A delivery taken for an attempt, with what sending it needs. */
export interface DueDelivery {
  id: string;
  endpoint_id: string;
  /** The firm's id, or the port's code for a far side's endpoint: who shares the senders (FIRM_SHARE). */
  owner: string;
  event_id: string;
  payload: string;
  attempts: number;
  url: string;
  secret_sealed: string;
}

/** An endpoint that fails or was disabled, with its firm (the firms lib's table, read) and its last failure. */
export interface FailingEndpointRow {
  id: string;
  firm_id: string;
  firm_name: string;
  url: string;
  failing_since: Date | null;
  disabled_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
}

const ENDPOINT = 'id, url, events, created_at, failing_since, disabled_at, last_success_at';
/** An endpoint `e`'s owner as one text: its firm's id, or `port:<code>` for a far side's. */
const OWNER = `COALESCE(e.firm_id::text, 'port:' || e.port_code)`;

/** Every statement on the webhook tables (this lib's own). */
@Injectable()
export class WebhooksRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly traffic: CounterpartTrafficRepository,
  ) {}

  /** Every firm's endpoints that are failing or disabled, longest failing first. */
  failing(limit: number, offset: number): Promise<FailingEndpointRow[]> {
    return rows<FailingEndpointRow>(
      this.ds,
      `SELECT e.id, e.firm_id, f.name AS firm_name, e.url, e.failing_since, e.disabled_at, a.error AS last_error,
              a.at AS last_error_at
       FROM webhook_endpoints e JOIN firms f ON f.id = e.firm_id
       LEFT JOIN LATERAL (SELECT x.error, x.at FROM webhook_attempts x
                           WHERE x.endpoint_id = e.id AND x.error IS NOT NULL ORDER BY x.at DESC, x.id DESC LIMIT 1) a
              ON true
       WHERE e.failing_since IS NOT NULL OR e.disabled_at IS NOT NULL
       ORDER BY COALESCE(e.failing_since, e.disabled_at) ASC, e.id ASC LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
  }

  /**
   * Adds an endpoint unless its owner already has `max` (undefined then), in the caller's transaction. The owner's
   * lock comes first and the count is a statement of its own after it: its snapshot then sees every endpoint
   * committed by a create that held the lock before, so parallel creates cannot pass the limit together.
   */
  async createWithin(
    em: EntityManager,
    max: number,
    owner: EndpointOwner,
    url: string,
    events: string[],
    secretSealed: string,
    at: Date,
  ): Promise<EndpointRow | undefined> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('kouan:webhook_endpoints:' || $1::text))`, [
      owner.firmId ?? `port:${owner.portCode}`,
    ]);
    return one<EndpointRow>(
      em,
      `INSERT INTO webhook_endpoints (firm_id, port_code, url, events, secret_sealed, created_at)
       SELECT $1, $2, $3, $4, $5, $7::timestamptz WHERE (SELECT count(*) FROM webhook_endpoints WHERE ${OWNED}) < $6
       RETURNING ${ENDPOINT}`,
      [owner.firmId, owner.portCode, url, events, secretSealed, max, at],
    );
  }

  list(owner: EndpointOwner, limit: number, offset: number): Promise<EndpointRow[]> {
    return rows<EndpointRow>(
      this.ds,
      `SELECT ${ENDPOINT} FROM webhook_endpoints WHERE ${OWNED} ORDER BY created_at, id LIMIT $3 OFFSET $4`,
      [owner.firmId, owner.portCode, limit, offset],
    );
  }

  remove(em: EntityManager, owner: EndpointOwner, id: string): Promise<EndpointRow | undefined> {
    return one<EndpointRow>(em, `DELETE FROM webhook_endpoints WHERE id = $3 AND ${OWNED} RETURNING ${ENDPOINT}`, [
      owner.firmId,
      owner.portCode,
      id,
    ]);
  }

  async exists(owner: EndpointOwner, id: string): Promise<boolean> {
    return Boolean(
      await one(this.ds, `SELECT 1 FROM webhook_endpoints WHERE id = $3 AND ${OWNED}`, [
        owner.firmId,
        owner.portCode,
        id,
      ]),
    );
  }

  attempts(endpointId: string, limit: number, offset: number): Promise<AttemptRow[]> {
    return rows<AttemptRow>(
      this.ds,
      `SELECT d.event_id, d.type, a.attempt, a.status_code, a.error, a.status_code BETWEEN 200 AND 299 AS delivered, a.at
       FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
       WHERE a.endpoint_id = $1 ORDER BY a.id DESC LIMIT $2 OFFSET $3`,
      [endpointId, limit, offset],
    );
  }

  /**
   * One delivery per event and enabled endpoint of its firm that asked for its type, in the relay's transaction;
   * ON CONFLICT: a batch relayed again after a crash adds nothing.
   */
  async fanOut(em: EntityManager, batch: DomainEvent[], at: Date): Promise<number> {
    return (await this.fanOutToFirms(em, batch, at)) + (await this.fanOutDepartures(em, batch, at));
  }

  /**
   * A truck that completed a port's export lane is a `counterpart.departure` to each enabled endpoint of that port's
   * far side that asked for it: the booking's completion event's id, and as `data` the departure as
   * `GET /ports/:code/counterpart/departures` lists it. Once per event and endpoint, as a firm's.
   */
  private async fanOutDepartures(em: EntityManager, batch: DomainEvent[], at: Date): Promise<number> {
    const completed = batch.filter((e) => e.type === 'booking.completed' && e.data.direction === 'export');
    if (!completed.length) return 0;
    const ports = [...new Set(completed.map((e) => e.data.portCode))];
    const hooked = await rows<{ port_code: string }>(
      em,
      `SELECT DISTINCT port_code FROM webhook_endpoints
       WHERE port_code = ANY($1::varchar[]) AND disabled_at IS NULL AND $2 = ANY(events)`,
      [ports, COUNTERPART_DEPARTURE],
    );
    const wanted = new Set(hooked.map((r) => r.port_code));
    const seqs = completed.filter((e) => wanted.has(e.data.portCode)).map((e) => e.seq);
    if (!seqs.length) return 0;
    const byEvent = new Map(completed.map((e) => [e.seq, e]));
    const departures = await this.traffic.departuresOf(em, seqs);
    const created = await rows(
      em,
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_seq, booking_id, type, payload, next_at, created_at)
       SELECT e.id, ev.id, ev.seq, ev.booking_id, $3, ev.payload, $2::timestamptz, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS ev(id uuid, seq bigint, booking_id uuid, port_code varchar, payload text)
       JOIN webhook_endpoints e ON e.port_code = ev.port_code AND e.disabled_at IS NULL AND $3 = ANY(e.events)
       ORDER BY ev.seq
       ON CONFLICT ON CONSTRAINT uq_webhook_deliveries_event DO NOTHING
       RETURNING 1`,
      [
        JSON.stringify(
          departures.map((d) => {
            const e = byEvent.get(d.seq) as DomainEvent;
            const payload = { id: e.id, type: COUNTERPART_DEPARTURE, occurredAt: e.occurredAt, data: departureOf(d) };
            return {
              id: e.id,
              seq: e.seq,
              booking_id: e.bookingId,
              port_code: d.port_code,
              payload: JSON.stringify(payload),
            };
          }),
        ),
        at,
        COUNTERPART_DEPARTURE,
      ],
    );
    return created.length;
  }

  /** Each event to its firm's endpoints that asked for its type. */
  private async fanOutToFirms(em: EntityManager, batch: DomainEvent[], at: Date): Promise<number> {
    // Most events belong to firms without webhooks: ask which firms have one before building any delivery.
    const firms = [...new Set(batch.map((e) => e.firmId))];
    const hooked = new Set(
      (
        await rows<{ firm_id: string }>(
          em,
          'SELECT DISTINCT firm_id FROM webhook_endpoints WHERE firm_id = ANY($1::uuid[]) AND disabled_at IS NULL',
          [firms],
        )
      ).map((r) => r.firm_id),
    );
    const events = batch.filter((e) => hooked.has(e.firmId));
    if (!events.length) return 0;
    const created = await rows(
      em,
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_seq, booking_id, type, payload, next_at, created_at)
       SELECT e.id, ev.id, ev.seq, ev.booking_id, ev.type, ev.payload, $2::timestamptz, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS ev(id uuid, seq bigint, booking_id uuid, firm_id uuid, type varchar, payload text)
       JOIN webhook_endpoints e ON e.firm_id = ev.firm_id AND e.disabled_at IS NULL AND ev.type = ANY(e.events)
       ORDER BY ev.seq
       ON CONFLICT ON CONSTRAINT uq_webhook_deliveries_event DO NOTHING
       RETURNING 1`,
      [
        JSON.stringify(
          events.map((e) => ({
            id: e.id,
            seq: e.seq,
            booking_id: e.bookingId,
            firm_id: e.firmId,
            type: e.type,
            payload: JSON.stringify({ id: e.id, type: e.type, occurredAt: e.occurredAt, data: e.data }),
          })),
        ),
        at,
      ],
    );
    return created.length;
  }

  /**
   * Takes up to `limit` due deliveries for an attempt: pending, due, of an enabled endpoint, and the oldest pending
   * one of their booking for that endpoint (events of one booking arrive in order). A firm gets at most `firmShare`
   * in flight, counting the ones `busy` says this worker is already sending for it: a firm whose receivers hang
   * cannot take every sender. Counts the attempt and leases the delivery for `leaseSeconds` (its next deadline if
   * this worker dies mid-attempt). SKIP LOCKED, and the due rule checked again on the locked row: two workers never
   * take the same one.
   */
  claimDue(
    limit: number,
    firmShare: number,
    busy: Array<{ owner: string; sending: number }>,
    leaseSeconds: number,
    at: Date,
  ): Promise<DueDelivery[]> {
    return rows<DueDelivery>(
      this.ds,
      `WITH busy AS (
         SELECT * FROM jsonb_to_recordset($3::jsonb) AS b(owner text, sending int)
       ), ranked AS (
         SELECT d.id, d.next_at, d.event_seq,
                COALESCE(b.sending, 0) + row_number() OVER (PARTITION BY ${OWNER} ORDER BY d.next_at, d.event_seq) AS place
         FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.disabled_at IS NULL
         LEFT JOIN busy b ON b.owner = ${OWNER}
         WHERE d.status = 'pending' AND d.next_at <= $5::timestamptz
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                           WHERE p.endpoint_id = d.endpoint_id AND p.booking_id = d.booking_id AND p.status = 'pending'
                             AND p.event_seq < d.event_seq)
       ), due AS (
         SELECT d.id FROM webhook_deliveries d
         WHERE d.id IN (SELECT id FROM ranked WHERE place <= $4 ORDER BY next_at, event_seq LIMIT $1)
           AND d.status = 'pending' AND d.next_at <= $5::timestamptz
         FOR UPDATE OF d SKIP LOCKED
       )
       UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_at = $5::timestamptz + make_interval(secs => $2)
       FROM due, webhook_endpoints e WHERE d.id = due.id AND e.id = d.endpoint_id
       RETURNING d.id, d.endpoint_id, ${OWNER} AS owner, d.event_id, d.payload, d.attempts, e.url, e.secret_sealed`,
      [limit, leaseSeconds, JSON.stringify(busy), firmShare, at],
    );
  }

  /**
   * Extends the lease of the deliveries this worker is sending to `leaseSeconds` after `at`, while it still holds
   * them (pending): a slow receiver or a slow worker does not lose its attempt to another worker.
   */
  async renewLease(ids: string[], at: Date, leaseSeconds: number): Promise<void> {
    await this.ds.query(
      `UPDATE webhook_deliveries SET next_at = $2::timestamptz + make_interval(secs => $3)
       WHERE id = ANY($1::bigint[]) AND status = 'pending'`,
      [ids, at, leaseSeconds],
    );
  }

  /** The receiver took it: delivered, and the endpoint is well again. */
  async delivered(d: DueDelivery, statusCode: number, durationMs: number, at: Date): Promise<void> {
    await this.ds.query(
      `WITH done AS (
         UPDATE webhook_deliveries SET status = 'delivered', delivered_at = $6::timestamptz WHERE id = $1 AND status = 'pending' RETURNING id
       ), well AS (
         UPDATE webhook_endpoints SET last_success_at = $6::timestamptz, failing_since = NULL WHERE id = $2
       )
       INSERT INTO webhook_attempts (delivery_id, endpoint_id, attempt, status_code, duration_ms, at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz)`,
      [d.id, d.endpoint_id, d.attempts, statusCode, durationMs, at],
    );
  }

  /**
   * The attempt failed: the next one after `retryInSeconds`, or none (dead) when that is null. The endpoint has been
   * failing since its first failure after a success; past `disableAfterSeconds` of that it is disabled.
   */
  async failed(
    d: DueDelivery,
    statusCode: number | null,
    error: string,
    durationMs: number,
    retryInSeconds: number | null,
    disableAfterSeconds: number,
    at: Date,
  ): Promise<void> {
    await this.ds.query(
      `WITH next AS (
         UPDATE webhook_deliveries SET status = CASE WHEN $6::float8 IS NULL THEN 'dead' ELSE status END,
           next_at = CASE WHEN $6::float8 IS NULL THEN next_at ELSE $9::timestamptz + make_interval(secs => $6::float8) END
         WHERE id = $1 AND status = 'pending' RETURNING id
       ), sick AS (
         UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $9::timestamptz),
           disabled_at = CASE WHEN disabled_at IS NULL
                                   AND COALESCE(failing_since, $9::timestamptz) <= $9::timestamptz - make_interval(secs => $7)
                              THEN $9::timestamptz ELSE disabled_at END
         WHERE id = $2
       )
       INSERT INTO webhook_attempts (delivery_id, endpoint_id, attempt, status_code, error, duration_ms, at)
       VALUES ($1, $2, $3, $4, $5, $8, $9::timestamptz)`,
      [d.id, d.endpoint_id, d.attempts, statusCode, error, retryInSeconds, disableAfterSeconds, durationMs, at],
    );
  }
}
