import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { BookingEventConsumer, ConsumesBookingEvents, DomainEvent } from '@kouan/booking';
import { API, bearer, createFirm, startApi, TestApi, TestFirm } from '../support/harness';
import { until } from '../support/processes';
import { fault, MAX_ATTEMPTS, recorderAndFaulty, RelayWorker, startRelayWorker, took } from '../support/relay-harness';

/** Fails on a `flaky` event until the relay has counted two of its failures there, then takes it. */
@Injectable()
@ConsumesBookingEvents('test-flaky')
class Flaky implements BookingEventConsumer {
  /** The failures the relay had counted when it took a flaky event. */
  static countedWhenTaken?: number;

  async handle(em: EntityManager, events: DomainEvent[]) {
    for (const e of events.filter((x) => x.data.flaky)) {
      const [row] = (await em.query(
        `SELECT attempts FROM booking_event_failures WHERE event_seq = $1 AND consumer = 'test-flaky'`,
        [e.seq],
      )) as Array<{ attempts: number }>;
      if ((row?.attempts ?? 0) < 2) throw new Error('flaky');
      Flaky.countedWhenTaken = row.attempts;
    }
    await took(em, events, 'flaky');
  }
}

/**
 * A relay consumer that always throws on one event no longer stops the relay: after OUTBOX_MAX_ATTEMPTS failures
 * the event is parked for it (a dead letter: in /metrics and the port admin's list), every other consumer gets it
 * once, later events flow; a replay after the fault is gone hands it to that consumer once. A consumer that fails
 * twice and then takes the event is not parked.
 */
describe('dead letters of the outbox relay (worker, real Postgres and Redis)', () => {
  let api: TestApi;
  let firm: TestFirm;
  let relay: RelayWorker;

  beforeAll(async () => {
    api = await startApi();
    firm = await createFirm(api, 'Dead Letter Freight', 0);
    relay = await startRelayWorker(api, 'booking_events', [...recorderAndFaulty(ConsumesBookingEvents), Flaky]);
  });

  afterAll(async () => {
    await relay?.close();
    await api.close();
  });

  /** Outbox rows as the transitions write them (what is under test is what happens after). */
  const emit = async (...data: Array<Record<string, unknown>>): Promise<string[]> =>
    (
      (await api.ds.query(
        `INSERT INTO booking_events (type, booking_id, firm_id, port_code, data)
         SELECT 'booking.created', gen_random_uuid(), $1, 'MOHAN', d FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(d, i)
         ORDER BY i RETURNING seq`,
        [firm.id, JSON.stringify(data.map((d) => ({ bookingId: randomUUID(), ...d })))],
      )) as Array<{ seq: string }>
    ).map((r) => r.seq);
  it('parks the poisoned event for the failing consumer after N tries; the others get every event once, later ones too; a replay delivers it once', async () => {
    const [before, poison, after1, after2] = await emit({}, { poison: true }, {}, {});
    await until(
      'the poison parked and the batch relayed',
      () => relay.relayed([before, poison, after1, after2]),
      30_000,
    );

    const all = [before, poison, after1, after2];
    expect(await relay.consumed('recorder')).toEqual(all);
    expect(await relay.consumed('faulty')).toEqual([before, after1, after2]);
    const [letter, ...more] = await relay.deadLetters();
    expect(more).toEqual([]);
    expect(letter).toMatchObject({ consumer: 'test-faulty', attempts: MAX_ATTEMPTS, eventSeq: poison });
    expect(letter.lastError).toMatch(/cannot take a poison/);
    expect(await relay.gauge()).toBe(1);
    // The real consumers had it once too: the audit trail queued each event once.
    const audited = await api.ds.query(
      `SELECT count(*)::int AS n FROM (SELECT booking_id FROM audit_pending UNION ALL SELECT booking_id FROM audit_log) a
       WHERE booking_id IN (SELECT booking_id FROM booking_events WHERE seq = ANY($1::bigint[]))`,
      [all],
    );
    expect(audited[0].n).toBe(all.length);

    // The relay goes on: a later event reaches every consumer at once.
    const [later] = await emit({});
    await until('a later event relayed', () => relay.relayed([later]), 10_000);
    expect(await relay.consumed('faulty')).toEqual([before, after1, after2, later]);

    // The port admin's view: only they see it, unknown and malformed ids answer as the contract says.
    await api.http.get(`${API}/admin/dead-letters`).set(bearer(firm.adminToken)).expect(403);
    await api.http.post(`${API}/admin/dead-letters/${letter.id}/replay`).set(bearer(firm.adminToken)).expect(403);
    const missing = await api.http
      .post(`${API}/admin/dead-letters/987654321/replay`)
      .set(bearer(api.adminToken))
      .expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found', message: 'dead letter not found' });
    const malformed = await api.http
      .post(`${API}/admin/dead-letters/x1/replay`)
      .set(bearer(api.adminToken))
      .expect(400);
    expect(malformed.body.statusCode).toBe(400);

    // The fault fixed, a replay: the consumer gets the event, once; the dead letter is gone.
    fault.poisoned = false;
    const replay = await api.http
      .post(`${API}/admin/dead-letters/${letter.id}/replay`)
      .set(bearer(api.adminToken))
      .expect(202);
    expect(replay.body).toMatchObject({ id: letter.id, replayRequested: true, eventSeq: poison });
    await until('the dead letter replayed', async () => (await relay.deadLetters()).length === 0, 10_000);
    expect((await relay.consumed('faulty')).sort()).toEqual([before, poison, after1, after2, later].sort());
    expect(await relay.consumed('recorder')).toEqual([...all, later]);
    expect(await relay.gauge()).toBe(0);
    await api.http.post(`${API}/admin/dead-letters/${letter.id}/replay`).set(bearer(api.adminToken)).expect(404);
  }, 60_000);

  it('a consumer that fails twice and then takes the event is not parked, and gets it once', async () => {
    const [flaky] = await emit({ flaky: true });
    await until('the flaky event relayed', () => relay.relayed([flaky]), 30_000);
    expect(Flaky.countedWhenTaken).toBe(2);
    expect((await relay.consumed('flaky')).filter((s) => s === flaky)).toEqual([flaky]);
    expect((await relay.consumed('recorder')).filter((s) => s === flaky)).toEqual([flaky]);
    expect(await api.ds.query('SELECT * FROM booking_event_failures WHERE event_seq = $1', [flaky])).toEqual([]);
    expect((await relay.deadLetters()).filter((d) => d.eventSeq === flaky)).toEqual([]);
  }, 60_000);
});
