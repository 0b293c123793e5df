import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type TestAgent from 'supertest/lib/agent';
import {
  API,
  bearer,
  cargo,
  crews,
  createFirm,
  laneOf,
  noticeInStream,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
} from '../support/harness';
import { until } from '../support/processes';
import { connectLive, LiveClient } from '../support/live-client';

/**
 * A driver's phone in a dead zone: its transport is cut (no goodbye), the queue moves and the port posts a notice,
 * and the phone comes back on the other API process. Within LIVE_RECOVERY_MS socket.io restores its session (rooms,
 * and the broadcasts it missed from the Redis stream) and the server sends the state that moved, once: the page has
 * nothing to read again. After LIVE_RECOVERY_MS the session is gone: a fresh connection, whose state the page reads
 * again. The recovery window is 8 s here (2 min in production) so the test waits for the session to expire in Redis
 * instead of for two minutes.
 */
describe('live recovery: a driver back from a dead zone', () => {
  const PORT = 'MOHAN';
  const clock = portDayClock();
  let api: TestApi;
  let other: { http: TestAgent; url: string };
  let redis: Redis;
  const clients: LiveClient[] = [];
  let staff: string;
  let lane: string;
  const trucks: { id: string; plate: string }[] = [];

  beforeAll(async () => {
    api = await startApi({ LIVE_RECOVERY_MS: '8000' }, { clock });
    other = await api.another();
    await api.worker();
    redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 40, import: 40 }, firmQuotaPercent: 100 });
    staff = await portStaffToken(api, PORT);
    lane = await laneOf(api, PORT);
    const firm = await createFirm(api, 'Dead Zone Haulage', 0);
    const slot = await slotAt(api, PORT);
    const tag = randomBytes(2).toString('hex').toUpperCase();
    for (const [i, { plate, ...crew }] of (await crews(api, firm, 4)).entries()) {
      const b = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slot.id, ...crew, cargo: cargo({ description: `Rubber ${tag}${i}` }) })
        .expect(201);
      // One after another: the line is in this order.
      await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
      trucks.push({ id: b.body.id, plate });
    }
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    redis.disconnect();
    await api?.close();
  });

  const callNext = () => other.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
  /** The socket's session as socket.io keeps it in Redis while the socket is away. */
  const sessionKey = (driver: LiveClient) =>
    `${api.redisPrefix}:socket.io:session:${(driver.socket as unknown as { _pid: string })._pid}`;

  /**
   * Cuts the driver's transport and waits until socket.io keeps its session in Redis. First it waits for the socket
   * to hold a stream offset (its first state's entry): a booking:update sent `local` (a change's fan-out) carries
   * none, and a socket cut before its first entry arrives asks recovery with no offset (the Chromium page's flake).
   */
  const cutOff = async (driver: LiveClient) => {
    await until(
      'the driver holds a stream offset',
      () => (driver.socket as unknown as { _lastOffset?: string })._lastOffset || false,
    );
    await driver.cut();
    await until('the session kept in Redis', async () => (await redis.exists(sessionKey(driver))) === 1);
  };

  it('back within the window on the other process: the notice it missed and its new place, once, recovered', async () => {
    const last4 = trucks[3];
    const token = api.tokens.sign({ sub: last4.id, role: 'driver', portCode: PORT });
    const driver = await connectLive(api.url, clients, { token });
    await driver.waitFor('booking:update', (u) => u.position === 4);

    await cutOff(driver);
    await callNext();
    await callNext();
    await noticeInStream(api, redis, staff, PORT, 'Fog on the bridge');

    const back = driver.mark();
    await driver.reconnect(other.url);
    expect(driver.socket.recovered).toBe(true);
    const notice = await driver.waitFor('incident:update', () => true, back);
    expect(notice).toMatchObject({ port: PORT, open: true, kind: 'weather', message: 'Fog on the bridge' });
    const update = await driver.waitFor('booking:update', () => true, back);
    expect(update).toMatchObject({ bookingId: last4.id, status: 'checked_in', position: 2 });
    // What REST says now.
    expect((await api.http.get(`${API}/driver/booking`).set(bearer(token)).expect(200)).body.position).toBe(2);

    // Its rooms came back with it: the next call reaches it on this process, and nothing else was sent on return
    // (the only booking:update after the one above is the next call's).
    await callNext();
    await driver.waitFor('booking:update', (u) => u.position === 1, back);
    expect(driver.of('booking:update', back).map((u) => u.position)).toEqual([2, 1]);
  });

  it('back within the window with nothing new: recovered, nothing resent', async () => {
    const token = api.tokens.sign({ sub: trucks[3].id, role: 'driver', portCode: PORT });
    const driver = await connectLive(other.url, clients, { token });
    await driver.waitFor('booking:update', (u) => u.position === 1);
    await cutOff(driver);
    const back = driver.mark();
    await driver.reconnect(api.url);
    expect(driver.socket.recovered).toBe(true);
    // The next change is the first thing it hears: its call.
    await callNext();
    await driver.waitFor('booking:update', (u) => u.status === 'called', back);
    expect(driver.of('booking:update', back).map((u) => u.status)).toEqual(['called']);
  });

  it('back after the window: not recovered, a fresh connection with the current state', async () => {
    const token = api.tokens.sign({ sub: trucks[3].id, role: 'driver', portCode: PORT });
    const driver = await connectLive(api.url, clients, { token });
    await driver.waitFor('booking:update', (u) => u.status === 'called');
    await cutOff(driver);
    // LIVE_RECOVERY_MS (8 s) passes: socket.io's session expires in Redis.
    await until('the session expired', async () => (await redis.exists(sessionKey(driver))) === 0, 20_000);
    const back = driver.mark();
    await driver.reconnect(other.url);
    expect(driver.socket.recovered).toBe(false);
    expect(await driver.waitFor('booking:update', () => true, back)).toMatchObject({ status: 'called' });
  });

  it('a recovered session is its holder only: another token on the same session id gets none of its rooms', async () => {
    const token = api.tokens.sign({ sub: trucks[2].id, role: 'driver', portCode: PORT });
    const driver = await connectLive(api.url, clients, { token });
    await driver.waitFor('booking:update', (u) => u.bookingId === trucks[2].id);
    await cutOff(driver);
    // The same session id and offset, but a public (no token) handshake: recovered by socket.io, rooms dropped.
    driver.socket.auth = {};
    const back = driver.mark();
    await driver.reconnect();
    expect(driver.socket.recovered).toBe(true);
    // The token's holder, in its rooms (its state told) before the notice: connected after it, it could miss the notice
    // the relay sent the moment it was posted (CI, once).
    const watcher = await connectLive(api.url, clients, { token });
    await watcher.waitFor('booking:update', (u) => u.bookingId === trucks[2].id);
    await api.http
      .post(`${API}/ports/${PORT}/incidents`)
      .set(bearer(staff))
      .send({ kind: 'slowdown', message: 'One lane only' })
      .expect(201);
    await watcher.waitFor('incident:update', (u) => u.message === 'One lane only');
    // Both sockets are on one process, which has sent the notice by now: an answer on the cut socket comes after it.
    expect(await driver.emitWithAck('subscribe', { port: PORT, direction: 'import' })).toEqual({ ok: true });
    expect(driver.of('incident:update', back).filter((u) => u.message === 'One lane only')).toEqual([]);
    expect(driver.of('booking:update', back)).toEqual([]);
    expect(watcher.of('booking:update').map((u) => u.bookingId)).toEqual([trucks[2].id]);
  });
});
