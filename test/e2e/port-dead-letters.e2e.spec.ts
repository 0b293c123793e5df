import { ConsumesPortEvents } from '@kouan/ports';
import { API, bearer, startApi, TestApi } from '../support/harness';
import { until } from '../support/processes';
import { fault, MAX_ATTEMPTS, recorderAndFaulty, RelayWorker, startRelayWorker } from '../support/relay-harness';

/**
 * The port events' relay is the booking events' mechanism on the other outbox: a port-event consumer that always
 * throws on one event has it parked after OUTBOX_MAX_ATTEMPTS failures (listed with stream 'port', counted by the
 * gauge), every other consumer gets it once, the relay goes on, and a replay hands it over once.
 */
describe('dead letters of the port events relay (worker, real Postgres and Redis)', () => {
  let api: TestApi;
  let relay: RelayWorker;

  beforeAll(async () => {
    api = await startApi();
    relay = await startRelayWorker(api, 'port_events', recorderAndFaulty(ConsumesPortEvents));
  });

  afterAll(async () => {
    await relay?.close();
    await api.close();
  });

  /** Port events as a change writes them, of a type no real consumer acts on (what is under test is the relay). */
  const emit = async (...data: Array<Record<string, unknown>>): Promise<string[]> =>
    (
      (await api.ds.query(
        `INSERT INTO port_events (port_code, direction, type, data, occurred_at)
         SELECT 'MOHAN', 'export', 'slots.changed', d, $2 FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(d, i)
         ORDER BY i RETURNING seq`,
        [JSON.stringify(data.map((d) => ({ slotId: 'none', booked: 0, capacity: 0, ...d }))), new Date()],
      )) as Array<{ seq: string }>
    ).map((r) => r.seq);
  it('parks the poisoned port event for the failing consumer after N tries, goes on, lists it as a port dead letter and replays it once', async () => {
    const all = await emit({}, { poison: true }, {});
    const [before, poison, after] = all;
    await until('the poison parked and the batch relayed', () => relay.relayed(all), 30_000);
    expect(await relay.consumed('recorder')).toEqual(all);
    expect(await relay.consumed('faulty')).toEqual([before, after]);

    const [letter, ...more] = await relay.deadLetters();
    expect(more).toEqual([]);
    expect(letter).toMatchObject({
      id: expect.stringMatching(/^port-\d+$/),
      stream: 'port',
      consumer: 'test-faulty',
      attempts: MAX_ATTEMPTS,
      eventSeq: poison,
      type: 'slots.changed',
      bookingId: null,
    });
    expect(letter.lastError).toMatch(/cannot take a poison/);
    expect(await relay.gauge()).toBe(1);

    const [later] = await emit({});
    await until('a later event relayed', () => relay.relayed([later]), 10_000);
    expect(await relay.consumed('faulty')).toEqual([before, after, later]);

    await api.http.post(`${API}/admin/dead-letters/port-987654321/replay`).set(bearer(api.adminToken)).expect(404);
    await api.http.post(`${API}/admin/dead-letters/port-x/replay`).set(bearer(api.adminToken)).expect(400);

    fault.poisoned = false;
    const replay = await api.http
      .post(`${API}/admin/dead-letters/${letter.id}/replay`)
      .set(bearer(api.adminToken))
      .expect(202);
    expect(replay.body).toMatchObject({ id: letter.id, stream: 'port', replayRequested: true, eventSeq: poison });
    await until('the dead letter replayed', async () => (await relay.deadLetters()).length === 0, 10_000);
    expect((await relay.consumed('faulty')).sort()).toEqual([before, poison, after, later].sort());
    expect(await relay.consumed('recorder')).toEqual([...all, later]);
    expect(await relay.gauge()).toBe(0);
  }, 60_000);
});
