import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import {
  API,
  bearer,
  cargo,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotsOf,
  startApi,
  TestApi,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { until } from '../support/processes';

/**
 * The live side keeps each queue in memory and moves it on by deltas; REST reads the database. After every
 * step of a randomised (seeded) day of check-ins, calls, skips, outcomes and lane changes, made alternately
 * through two API processes, every driver's last booking:update equals what GET /driver/booking says, and
 * every board, applying the queue:update deltas it gets to the whole view it got on subscribing, shows what
 * GET /ports/:code/queue says: the same positions and ETAs, whichever process the phone is connected to.
 *
 * The API runs from 10:00 port time, a slot's start: the day's first trucks are in the 10:00 slot and the rest in the
 * 11:00 one, early, and no slot starts while the test runs (minutes, not an hour), so what REST says stays the order.
 */

const PORT = 'TIANBAO';
const ZONE = 'Asia/Shanghai';
const TRUCKS = 24;
const STEPS = 90;

type Json = Record<string, unknown>;

/** A small seeded generator (mulberry32), so a failure can be replayed with its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Truck {
  id: string;
  plate: string;
  token: string;
  socket: LiveClient;
}

describe('live positions equal REST after every step (two processes, randomised)', () => {
  const seed = Number(process.env.KOUAN_EQUIVALENCE_SEED ?? 20261130);
  let api: TestApi;
  let other: { http: TestAgent; url: string };
  const clients: LiveClient[] = [];
  const trucks: Truck[] = [];
  let staffToken: string;
  let lane: string;
  let boards: LiveClient[];
  const clock = portDayClock();

  beforeAll(async () => {
    api = await startApi({}, { clock });
    other = await api.another();
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      slotMinutes: 60,
      capacity: { export: 100, import: 100 },
      firmQuotaPercent: 100,
    });
    const now = DateTime.fromJSDate(clock.now()).setZone(ZONE);
    const today = await slotsOf(api, PORT, now.toISODate() as string);
    const current = today.find(
      (s) => Date.parse(s.startsAt) <= now.toMillis() && now.toMillis() < Date.parse(s.endsAt),
    );
    // The next slot starts within the hour, so its trucks may check in now and wait with the later slots.
    const next = today.find((s) => Date.parse(s.startsAt) > now.toMillis());
    const firm = await createFirm(api, 'Equivalence Haulage', 0);
    staffToken = await portStaffToken(api, PORT);
    lane = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.lanes.find(
      (l: Json) => l.direction === 'export',
    ).id;
    const tag = randomBytes(2).toString('hex').toUpperCase();
    for (let i = 0; i < TRUCKS; i++) {
      const plate = `云K${tag}${String(i).padStart(3, '0')}`;
      const v = await api.http
        .post(`${API}/vehicles`)
        .set(bearer(firm.dispatcherToken))
        .send({ plate, country: 'CN', reefer: i % 4 === 0 })
        .expect(201);
      const d = await api.http
        .post(`${API}/drivers`)
        .set(bearer(firm.dispatcherToken))
        .send({
          name: `Driver ${i}`,
          phone: `+86139${String(10000000 + i)}`,
          licenceNo: `L-${i}`,
          language: ['zh', 'lo', 'en'][i % 3],
        })
        .expect(201);
      const slot = i % 5 === 4 ? next! : current!;
      const b = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slot.id, vehicleId: v.body.id, driverId: d.body.id, cargo: cargo({ perishable: i % 3 === 1 }) })
        .expect(201);
      const token = api.tokens.sign({ sub: b.body.id, role: 'driver', firmId: firm.id, portCode: PORT });
      const socket = await connectLive(i % 2 ? other.url : api.url, clients, { token });
      trucks.push({ id: b.body.id, plate, token, socket });
    }
    boards = [await connectLive(api.url, clients), await connectLive(other.url, clients)];
    for (const b of boards)
      expect(await b.emitWithAck('subscribe', { port: PORT, direction: 'export' })).toEqual({ ok: true });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  const via = (i: number) => request(i % 2 ? other.url : api.url);
  const latest = (c: LiveClient, event: string) => c.of(event).at(-1);

  async function statusOf(t: Truck): Promise<Json> {
    return (await api.http.get(`${API}/driver/booking`).set(bearer(t.token)).expect(200)).body as Json;
  }

  /** Waits until every socket shows what REST says (and returns that); fails naming the first that does not. */
  async function expectLiveEqualsRest(step: string): Promise<Json[]> {
    const rest = await Promise.all(trucks.map(statusOf));
    const board = (await api.http.get(`${API}/ports/${PORT}/queue`).query({ direction: 'export' }).expect(200))
      .body as Json;
    const pick = (u: Json | undefined) =>
      u && { status: u.status, position: u.position, etaMinutes: u.etaMinutes, reason: u.reason };
    const entries = (u: Json | undefined) => u && JSON.stringify([u.entries, u.called, u.lanes]);
    try {
      await until(
        `live = REST after ${step}`,
        () =>
          trucks.every(
            (t, i) => JSON.stringify(pick(latest(t.socket, 'booking:update'))) === JSON.stringify(pick(rest[i])),
          ) && boards.every((b) => entries(b.queue()) === entries(board)),
        5000,
      );
    } catch {
      const i = trucks.findIndex(
        (t, k) => JSON.stringify(pick(latest(t.socket, 'booking:update'))) !== JSON.stringify(pick(rest[k])),
      );
      if (i >= 0)
        expect({ step, truck: i, live: pick(latest(trucks[i].socket, 'booking:update')) }).toEqual({
          step,
          truck: i,
          live: pick(rest[i]),
        });
      const b = boards.findIndex((c) => entries(c.queue()) !== entries(board));
      expect({ step, board: b, live: boards[b].queue() }).toEqual({
        step,
        board: b,
        live: expect.objectContaining({ entries: board.entries, called: board.called }),
      });
    }
    return rest;
  }

  /** The group sizes the database keeps (queue_counts, by trigger), and the same counted from the bookings. */
  const GROUPS = 'port_code, direction, starts_at, priority, held';
  const keptCounts = () => api.ds.query(`SELECT ${GROUPS}, waiting FROM queue_counts ORDER BY ${GROUPS}`);
  const recounted = () =>
    api.ds.query(
      `SELECT * FROM (SELECT b.port_code, b.direction, sl.starts_at, b.priority, b.front_key IS NOT NULL AS held, count(*)::int AS waiting
     FROM bookings b JOIN slots sl ON sl.id = b.slot_id WHERE b.status = 'checked_in' GROUP BY 1, 2, 3, 4, 5) c ORDER BY ${GROUPS}`,
    );

  it(`${STEPS} random steps (seed ${seed}): every driver and board matches REST after each`, async () => {
    const rnd = random(seed);
    const pickOne = <T>(xs: T[]): T | undefined => xs[Math.floor(rnd() * xs.length)];
    let laneOpen = true;
    let states = await expectLiveEqualsRest('connecting');
    for (let step = 0; step < STEPS; step++) {
      const booked = trucks.filter((_, i) => states[i].status === 'booked');
      const called = trucks.filter((_, i) => states[i].status === 'called');
      const waiting = states.filter((s) => s.status === 'checked_in').length;
      const r = rnd();
      let what: string;
      if (r < 0.4 && booked.length) {
        const t = pickOne(booked) as Truck;
        what = `check-in ${trucks.indexOf(t)}`;
        expect(
          (await via(step).post(`${API}/ports/${PORT}/check-ins`).set(bearer(staffToken)).send({ plate: t.plate }))
            .status,
        ).toBe(201);
      } else if (r < 0.65 && waiting) {
        what = 'call-next';
        const res = await via(step).post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staffToken));
        expect(res.status).toBe(laneOpen ? 200 : 409);
      } else if (r < 0.75 && called.length) {
        const t = pickOne(called) as Truck;
        what = `skip ${trucks.indexOf(t)}`;
        await via(step).post(`${API}/bookings/${t.id}/skip`).set(bearer(staffToken)).expect(200);
      } else if (r < 0.87 && called.length) {
        const t = pickOne(called) as Truck;
        what = `complete ${trucks.indexOf(t)}`;
        await via(step).post(`${API}/bookings/${t.id}/complete`).set(bearer(staffToken)).expect(200);
      } else if (r < 0.92 && called.length) {
        const t = pickOne(called) as Truck;
        what = `no-show ${trucks.indexOf(t)}`;
        await via(step).post(`${API}/bookings/${t.id}/no-show`).set(bearer(staffToken)).expect(200);
      } else {
        laneOpen = !laneOpen || rnd() < 0.3;
        const status = laneOpen ? 'open' : pickOne(['paused', 'closed']);
        what = `lane ${status}`;
        await via(step)
          .post(`${API}/ports/${PORT}/lanes/${lane}/status`)
          .set(bearer(staffToken))
          .send({ status })
          .expect(200);
      }
      states = await expectLiveEqualsRest(`step ${step}: ${what}`);
      expect({ step: what, counts: await keptCounts() }).toEqual({ step: what, counts: await recounted() });
    }
    // A fixed number of steps, each waiting for its conditions: the length is the work (75 s seen on a loaded
    // 2-core machine), so the limit only stops a hung run.
  }, 600_000);
});
