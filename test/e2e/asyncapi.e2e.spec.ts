import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { RemindDriversJob } from '@kouan/booking';
import { LIVE_CLIENT_EVENTS, LIVE_SERVER_EVENTS } from '@kouan/realtime';
import { WEBHOOK_EVENTS } from '@kouan/webhooks';
import { AsyncApiChecker } from '../support/asyncapi';
import {
  API,
  bearer,
  cargo,
  counterpartToken,
  createFirm,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { until } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

type Json = Record<string, unknown>;

/**
 * The event catalogue (GET /api/asyncapi.json) is a valid AsyncAPI 3 document, and describes the real events: every
 * /live event a socket of each kind hears while a truck goes through its day, and every webhook delivery in both
 * formats. (Every other live test checks its events too: the tests' socket client checks each event it receives.)
 */
describe('the AsyncAPI document describes the real events', () => {
  const PORT = 'MOHAN';
  const clock = portDayClock();
  let api: TestApi;
  let worker: INestApplicationContext;
  let checker: AsyncApiChecker;
  let firm: TestFirm;
  let staffToken: string;
  let lane: string;
  const opened: LiveClient[] = [];
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    api = await startApi({}, { clock });
    worker = await api.worker();
    await putSchedule(api, PORT, { ...OPENING_HOURS, capacity: { export: 40, import: 40 }, firmQuotaPercent: 100 });
    checker = await AsyncApiChecker.forUrl(api.url);
    firm = await createFirm(api, 'Catalogue Freight', 4);
    staffToken = await portStaffToken(api, PORT);
    lane = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.lanes.find(
      (l: { direction: string }) => l.direction === 'export',
    ).id;
  });

  afterAll(async () => {
    for (const c of opened) c.close();
    for (const r of receivers) await r.stop();
    await worker.close();
    await api.close();
  });

  const post = (path: string, token: string, body: object = {}, status = 200) =>
    api.http.post(`${API}${path}`).set(bearer(token)).send(body).expect(status);

  /** `by`'s vehicle and driver `i` booked into the export slot `hoursAhead` from now. */
  const book = async (by: TestFirm, i: number, hoursAhead = 0) => {
    const res = await post(
      '/bookings',
      by.dispatcherToken,
      {
        slotId: (await slotAt(api, PORT, hoursAhead)).id,
        vehicleId: by.vehicleIds[i],
        driverId: by.driverIds[i],
        cargo: cargo(),
      },
      201,
    );
    return res.body as { id: string; reference: string; driverCode: string };
  };

  it('is served to anyone, is valid AsyncAPI 3.1 for @asyncapi/parser, names every event, and /api/docs links to it', async () => {
    const res = await api.http.get('/api/asyncapi.json').expect(200).expect('Content-Type', /json/);
    const { document, diagnostics } = await new Parser().parse(res.text);
    // No error, and no warning either (the parser warns of an older version, a missing description...).
    expect(diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning).map((d) => d.message)).toEqual([]);
    expect(document?.version()).toBe('3.1.0');
    const named = (document?.allMessages().all() ?? []).map((m) => m.name());
    expect(new Set(named)).toEqual(
      new Set([
        ...Object.keys(LIVE_SERVER_EVENTS),
        ...Object.keys(LIVE_CLIENT_EVENTS),
        ...Object.keys(LIVE_CLIENT_EVENTS).map((e) => `${e} (acknowledgement)`),
        ...Object.keys(WEBHOOK_EVENTS),
      ]),
    );
    // Who hears each event: every operation sends (or receives) on a channel of the /live server or the webhooks'.
    const ops = document?.operations().all() ?? [];
    expect(
      ops
        .find((o) => o.id() === 'sendGateReadToStaff')
        ?.channels()
        .all()[0]
        .address(),
    ).toBe('staff:{port}');
    expect(ops.find((o) => o.id() === 'receiveSubscribe')?.action()).toBe('receive');
    const openapi = (await api.http.get('/api/docs-json').expect(200)).body as Json & {
      externalDocs: { url: string };
      info: { description: string };
    };
    expect(openapi.externalDocs.url).toBe('/api/asyncapi.json');
    expect(openapi.info.description).toContain('(/api/asyncapi.json)');
  });

  it('refuses what it does not describe: an unknown event, a missing, extra or mistyped field', () => {
    const update = { port: PORT, laneId: lane, status: 'open' };
    expect(checker.problems('lane:update', update)).toEqual([]);
    expect(checker.problems('lane:changed', update)).toEqual(['lane:changed is not in the document']);
    const { status: _status, ...missing } = update;
    for (const wrong of [missing, { ...update, extra: 1 }, { ...update, status: 3 }]) {
      expect(checker.problems('lane:update', wrong)).toEqual([expect.stringContaining('fits no message')]);
    }
    // The board's queue view may not carry a staff field: it fits only the staff's message, not the board's.
    const board = { port: PORT, direction: 'export', version: 1, lanes: [], called: [], removed: [], inserted: [] };
    expect(checker.problems('queue:update', board)).toEqual([]);
    expect(checker.problems('queue:update', { ...board, removed: ['1'] })).toEqual([
      expect.stringContaining('fits no message'),
    ]);
  });

  it('every /live event of a truck’s day, heard by the board, staff, yard, firm and driver, fits the document', async () => {
    const board = await connectLive(api.url, opened);
    expect(await board.emitWithAck('subscribe', { port: PORT, direction: 'export' })).toEqual({ ok: true });
    expect(await board.emitWithAck('subscribe', { port: 'X', direction: 'up' })).toEqual({
      ok: false,
      error: expect.any(String),
    });
    const staff = await connectLive(api.url, opened, { token: staffToken });
    const yard = await connectLive(api.url, opened, { token: await portStaffToken(api, PORT, 'yard_staff') });
    const dashboard = await connectLive(api.url, opened, { token: firm.dispatcherToken });
    const admin = await connectLive(api.url, opened, { token: api.adminToken });
    expect(await admin.emitWithAck('subscribe', { port: PORT, direction: 'export' })).toEqual({ ok: true });

    const truck = await book(firm, 0);
    await board.waitFor('slots:update');
    const session = await api.http
      .post(`${API}/driver/session`)
      .send({ reference: truck.reference, driverCode: truck.driverCode })
      .expect(200);
    const driver = await connectLive(api.url, opened, { token: session.body.accessToken as string });
    await driver.waitFor('booking:update', (u) => u.status === 'booked');

    await api.http
      .put(`${API}/bookings/${truck.id}/declaration`)
      .set(bearer(firm.dispatcherToken))
      .send({ declarationNo: 'D-1' })
      .expect(200);
    await driver.waitFor('declaration:update', (u) => u.status === 'submitted');

    const plate = (await api.http.get(`${API}/bookings/${truck.id}`).set(bearer(firm.dispatcherToken)).expect(200)).body
      .plate as string;
    await post(`/ports/${PORT}/check-ins`, staffToken, { plate }, 201);
    await driver.waitFor('booking:update', (u) => u.status === 'checked_in');
    await post(`/ports/${PORT}/lanes/${lane}/status`, staffToken, { status: 'paused' });
    await board.waitFor('lane:update', (u) => u.status === 'paused');
    await post(`/ports/${PORT}/lanes/${lane}/status`, staffToken, { status: 'open' });
    await post(`/ports/${PORT}/lanes/${lane}/call-next`, staffToken);
    await driver.waitFor('booking:update', (u) => u.status === 'called');
    await yard.waitFor('yard:update', (u) => (u.called as Json[]).length === 1);

    const cam = (
      await post(`/ports/${PORT}/devices`, api.adminToken, { name: 'Lane cam', position: 'lane', laneId: lane }, 201)
    ).body as { id: string; key: string };
    await api.http
      .post(`${API}/gate/reads`)
      .set({ Authorization: `Device ${cam.key}` })
      .send({ plate: '云K00001', confidence: 0.95 })
      .expect(202);
    await staff.waitFor('gate:alert');
    await staff.waitFor('device:update', (u) => u.change === 'online');

    await post(`/bookings/${truck.id}/complete`, staffToken);
    await dashboard.waitFor('booking:update', (u) => u.bookingId === truck.id && u.status === 'completed');

    await post(`/ports/${PORT}/counterpart/status`, api.adminToken, { status: 'slowed', reason: 'one scanner down' });
    const incident = (await post(`/ports/${PORT}/incidents`, staffToken, { kind: 'weather', message: 'rain' }, 201))
      .body;
    await post(`/ports/${PORT}/incidents/${incident.id as string}/close`, staffToken);
    await dashboard.waitFor('incident:update', (u) => u.open === false);
    await board.waitFor('counterpart:update');

    // A signed-in user's socket ends with its session: session:expired.
    const email = `catalogue-${randomBytes(3).toString('hex')}@firm.example`;
    await post(
      `/firms/${firm.id}/users`,
      api.adminToken,
      { email, password: 'catalogue-password', role: 'dispatcher' },
      201,
    );
    const pair = (await api.http.post(`${API}/auth/login`).send({ email, password: 'catalogue-password' }).expect(200))
      .body as { accessToken: string; refreshToken: string };
    const leaving = await connectLive(api.url, opened, { token: pair.accessToken });
    await api.http.post(`${API}/auth/logout`).send({ refreshToken: pair.refreshToken }).expect(204);
    await leaving.waitFor('session:expired');

    expect(opened.flatMap((c) => c.undocumented)).toEqual([]);
    const heard = new Set(opened.flatMap((c) => c.names()));
    expect([...heard].sort()).toEqual(expect.arrayContaining([...Object.keys(LIVE_SERVER_EVENTS)].sort()));
    // Both views of queue:update were heard and checked (the board's and the staff's, whole and delta).
    expect([...checker.seen]).toEqual(expect.arrayContaining(['queueUpdate', 'queueUpdateStaff']));
    expect(
      staff.of('queue:update').some((u) => 'removed' in u) && board.of('queue:update').some((u) => 'entries' in u),
    ).toBe(true);
  });

  it('every webhook delivery of every type, Kouan’s body and the CloudEvent, fits the document with its headers', async () => {
    const types = Object.keys(WEBHOOK_EVENTS).filter((t) => t.startsWith('booking.'));
    const hooked = await createFirm(api, 'Hooked Freight', 4);
    // The firm's endpoints in both formats, and the far side's for our export departures.
    const subscribers: Array<[string, string[], string]> = [
      [hooked.adminToken, types, 'standard'],
      [hooked.adminToken, types, 'cloudevents'],
      [await counterpartToken(api, PORT), ['counterpart.departure'], 'standard'],
    ];
    for (const [token, events, format] of subscribers) {
      const receiver = await new WebhookReceiver().start();
      receivers.push(receiver);
      const hook = await post('/webhooks', token, { url: receiver.url, events, format }, 201);
      receiver.secret = hook.body.secret as string;
    }
    const bookOf = (i: number, hoursAhead = 0) => book(hooked, i, hoursAhead);
    const plateOf = async (id: string) =>
      (await api.http.get(`${API}/bookings/${id}`).set(bearer(hooked.dispatcherToken)).expect(200)).body
        .plate as string;

    // A: declared, checked in, skipped, called again, seen at its lane, completed, at the yard. B: moved, then
    // cancelled. C: reminded before its slot. D: called, a no-show, its strike waived.
    const yardToken = await portStaffToken(api, PORT, 'yard_staff');
    const cam = (
      await post(`/ports/${PORT}/devices`, api.adminToken, { name: 'Lane cam B', position: 'lane', laneId: lane }, 201)
    ).body as { key: string };
    const a = await bookOf(0);
    await api.http
      .put(`${API}/bookings/${a.id}/declaration`)
      .set(bearer(hooked.dispatcherToken))
      .send({ declarationNo: 'D-2' })
      .expect(200);
    const plateA = await plateOf(a.id);
    await post(`/ports/${PORT}/check-ins`, staffToken, { plate: plateA }, 201);
    await post(`/ports/${PORT}/lanes/${lane}/call-next`, staffToken);
    await post(`/bookings/${a.id}/skip`, staffToken);
    await post(`/ports/${PORT}/lanes/${lane}/call-next`, staffToken);
    await api.http
      .post(`${API}/gate/reads`)
      .set({ Authorization: `Device ${cam.key}` })
      .send({ plate: plateA, confidence: 0.95 })
      .expect(202);
    await post(`/bookings/${a.id}/complete`, staffToken);
    await post(`/bookings/${a.id}/yard-arrival`, yardToken);
    const b = await bookOf(1);
    await post(`/bookings/${b.id}/reschedule`, hooked.dispatcherToken, { slotId: (await slotAt(api, PORT, 1)).id });
    await post(`/bookings/${b.id}/cancel`, hooked.dispatcherToken);
    await bookOf(2, 1);
    await worker.get(RemindDriversJob).handle();
    const d = await bookOf(3);
    await post(`/ports/${PORT}/check-ins`, staffToken, { plate: await plateOf(d.id) }, 201);
    await post(`/ports/${PORT}/lanes/${lane}/call-next`, staffToken);
    await post(`/bookings/${d.id}/no-show`, staffToken);
    await post(`/bookings/${d.id}/waive`, staffToken, { reason: 'the road was closed' });

    for (const [i, receiver] of receivers.entries()) {
      await until('every type delivered', () =>
        subscribers[i][1].every((t) =>
          receiver.received.some((r) => String(r.body.type).replace(/^org\.kouan\./, '') === t),
        ),
      );
      const problems = receiver.received.flatMap((r) => checker.deliveryProblems(r.body, r.headers));
      expect(problems).toEqual([]);
    }
    expect(receivers[1].received.every((r) => r.body.specversion === '1.0')).toBe(true);
  });
});
