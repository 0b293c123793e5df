import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import {
  API,
  bearer,
  cargo,
  createFirm,
  DEFAULT_SCHEDULE,
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
 * The declaration with the booking: the firm files it, staff record customs' answer, the driver and firm hear it
 * live, and a port that requires it checks in only trucks whose declaration customs accepted. Each change writes its
 * `booking.declaration_updated` event (the outbox): the worker's relay publishes the live update and feeds the
 * firm's webhooks. The API and its worker run from 10:00 port time: the slot holding now takes check-ins, and the
 * later ones booked here (up to 15:00) are in the port's day.
 */
describe('declarations', () => {
  const PORT = 'TIANBAO';
  let api: TestApi;
  let firm: TestFirm;
  let staff: string;
  let worker: INestApplicationContext;
  const clients: LiveClient[] = [];
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    api = await startApi({}, { clock: portDayClock() });
    // The live declaration:update comes from the relay's live consumer, so a worker runs.
    worker = await api.worker();
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 20, import: 20 },
      firmQuotaPercent: 100,
    });
    await api.http
      .put(`${API}/ports/${PORT}/schedule`)
      .set(bearer(api.adminToken))
      .send({
        ...DEFAULT_SCHEDULE,
        ...OPENING_HOURS,
        capacity: { export: 20, import: 20 },
        firmQuotaPercent: 100,
        requireDeclaration: true,
      })
      .expect(200);
    firm = await createFirm(api, 'Paperwork Freight', 2);
    staff = await portStaffToken(api, PORT);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const r of receivers) await r.stop();
    await worker.close();
    await api.close();
  });

  it('a port that requires it checks in only trucks whose declaration customs accepted; driver and firm hear each answer', async () => {
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, PORT)).id,
        vehicleId: firm.vehicleIds[0],
        driverId: firm.driverIds[0],
        cargo: cargo(),
      })
      .expect(201);
    const plate = (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[0]]))[0]
      .plate as string;
    const checkIn = () => api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate });
    const driver = await connectLive(api.url, clients, {
      token: api.tokens.sign({ sub: b.body.id, role: 'driver', firmId: firm.id, portCode: PORT }),
    });
    const dispatch = await connectLive(api.url, clients, { token: firm.dispatcherToken });

    const none = await checkIn().expect(422);
    expect(none.body).toMatchObject({ code: 'declaration_missing', declarationStatus: null });

    const filed = await api.http
      .put(`${API}/bookings/${b.body.id}/declaration`)
      .set(bearer(firm.dispatcherToken))
      .send({
        declarationNo: '530120261130000123',
        customsOffice: 'Tianbao Customs',
        documents: [{ kind: 'invoice', ref: 'INV-7' }],
      })
      .expect(200);
    expect(filed.body).toEqual({
      declarationNo: '530120261130000123',
      customsOffice: 'Tianbao Customs',
      documents: [{ kind: 'invoice', ref: 'INV-7' }],
      status: 'submitted',
      note: null,
    });
    expect((await checkIn().expect(422)).body.declarationStatus).toBe('submitted');

    await api.http
      .post(`${API}/bookings/${b.body.id}/declaration/status`)
      .set(bearer(staff))
      .send({ status: 'inspection', note: 'open the doors' })
      .expect(200);
    await driver.waitFor('declaration:update', (u) => u.status === 'inspection' && u.note === 'open the doors');
    await checkIn().expect(422);
    const accepted = await api.http
      .post(`${API}/bookings/${b.body.id}/declaration/status`)
      .set(bearer(staff))
      .send({ status: 'accepted' })
      .expect(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', note: null });
    await driver.waitFor('declaration:update', (u) => u.status === 'accepted');
    await dispatch.waitFor('declaration:update', (u) => u.bookingId === b.body.id && u.status === 'accepted');
    await checkIn().expect(201);
    const seen = await api.http.get(`${API}/bookings/${b.body.id}`).set(bearer(firm.dispatcherToken)).expect(200);
    expect(seen.body.declaration).toMatchObject({ declarationNo: '530120261130000123', status: 'accepted' });
  });

  it("only the firm files, only that port's staff answer, and bad input is 400", async () => {
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, PORT, 3)).id,
        vehicleId: firm.vehicleIds[1],
        driverId: firm.driverIds[1],
        cargo: cargo(),
      })
      .expect(201);
    const path = `${API}/bookings/${b.body.id}/declaration`;
    const other = await createFirm(api, 'Other Paperwork', 0);
    await api.http.put(path).set(bearer(other.dispatcherToken)).send({ declarationNo: 'X1' }).expect(404);
    await api.http.put(path).set(bearer(staff)).send({ declarationNo: 'X1' }).expect(403);
    await api.http.put(path).set(bearer(firm.dispatcherToken)).send({ declarationNo: '' }).expect(400);
    await api.http
      .put(path)
      .set(bearer(firm.dispatcherToken))
      .send({ declarationNo: 'X1', documents: [{ kind: 'invoice' }] })
      .expect(400);
    // Nothing filed yet: nothing to answer.
    expect(
      (await api.http.post(`${path}/status`).set(bearer(staff)).send({ status: 'accepted' }).expect(409)).body.code,
    ).toBe('conflict');
    await api.http.put(path).set(bearer(firm.dispatcherToken)).send({ declarationNo: 'X1' }).expect(200);
    await api.http.post(`${path}/status`).set(bearer(staff)).send({ status: 'approved' }).expect(400);
    await api.http
      .post(`${path}/status`)
      .set(bearer(await portStaffToken(api, 'HEKOU')))
      .send({ status: 'accepted' })
      .expect(404);
    await api.http.post(`${path}/status`).set(bearer(firm.dispatcherToken)).send({ status: 'accepted' }).expect(403);
    await api.http
      .post(`${path}/status`)
      .set(bearer(api.adminToken))
      .send({ status: 'rejected', note: 'wrong HS code' })
      .expect(200);
    await api.http.post(`${API}/bookings/${b.body.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
    expect(
      (await api.http.put(path).set(bearer(firm.dispatcherToken)).send({ declarationNo: 'X2' }).expect(409)).body.code,
    ).toBe('illegal_transition');
  });

  /** A booking of a new truck of the firm, `hoursAhead`, with a declaration filed and, if asked, accepted. */
  const filed = async (hoursAhead: number, accepted: boolean) => {
    const plate = `云D${randomBytes(3).toString('hex').toUpperCase()}`;
    const v = await api.http
      .post(`${API}/vehicles`)
      .set(bearer(firm.dispatcherToken))
      .send({ plate, country: 'CN' })
      .expect(201);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, PORT, hoursAhead)).id,
        vehicleId: v.body.id,
        driverId: firm.driverIds[0],
        cargo: cargo(),
      })
      .expect(201);
    const path = `${API}/bookings/${b.body.id}/declaration`;
    await api.http
      .put(path)
      .set(bearer(firm.dispatcherToken))
      .send({ declarationNo: 'D-1', customsOffice: 'Tianbao Customs' })
      .expect(200);
    if (accepted) await api.http.post(`${path}/status`).set(bearer(staff)).send({ status: 'accepted' }).expect(200);
    return { id: b.body.id as string, path, plate: v.body.plate as string };
  };
  const stored = async (id: string) =>
    (
      await api.ds.query('SELECT declaration_no, declaration_status, declaration_note FROM bookings WHERE id = $1', [
        id,
      ])
    )[0];
  const audited = async (id: string, type: string) =>
    api.ds.query(
      `SELECT data FROM audit_pending WHERE booking_id = $1 AND type = $2 UNION ALL SELECT data FROM audit_log WHERE booking_id = $1 AND type = $2`,
      [id, type],
    ) as Promise<Array<{ data: Record<string, unknown> }>>;

  it("an accepted declaration is locked: the firm's replacement is 409 declaration_locked and changes nothing", async () => {
    const d = await filed(2, true);
    const res = await api.http
      .put(d.path)
      .set(bearer(firm.dispatcherToken))
      .send({ declarationNo: 'D-2', documents: [{ kind: 'invoice', ref: 'I-2' }] })
      .expect(409);
    expect(res.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'declaration_locked',
      declarationStatus: 'accepted',
      message: expect.stringMatching(/accepted/),
    });
    expect(await stored(d.id)).toEqual({
      declaration_no: 'D-1',
      declaration_status: 'accepted',
      declaration_note: null,
    });
    // A rejected or inspected declaration stays the firm's to replace.
    await api.http
      .post(`${d.path}/status`)
      .set(bearer(staff))
      .send({ status: 'rejected', note: 'wrong HS code' })
      .expect(200);
    expect(
      (await api.http.put(d.path).set(bearer(firm.dispatcherToken)).send({ declarationNo: 'D-3' }).expect(200)).body
        .status,
    ).toBe('submitted');
  });

  it("customs' acceptance and the firm's replacement racing: an acceptance is never overwritten", async () => {
    for (let round = 0; round < 12; round++) {
      const d = await filed(round % 6, false);
      const [accept, replace] = await Promise.all([
        api.http.post(`${d.path}/status`).set(bearer(staff)).send({ status: 'accepted' }),
        api.http
          .put(d.path)
          .set(bearer(firm.dispatcherToken))
          .send({ declarationNo: `R-${round}` }),
      ]);
      expect(accept.status).toBe(200);
      expect([200, 409]).toContain(replace.status);
      const after = await stored(d.id);
      // Whichever committed first, customs' acceptance is the last word: the replacement either came before it
      // (and was accepted) or was refused after it.
      expect(after.declaration_status).toBe('accepted');
      expect(after.declaration_no).toBe(replace.status === 200 ? `R-${round}` : 'D-1');
      if (replace.status === 409) expect(replace.body.code).toBe('declaration_locked');
    }
  });

  it('staff reopen an accepted declaration with a reason (audited, heard live); the firm may then replace it', async () => {
    const d = await filed(0, true);
    const dispatch = await connectLive(api.url, clients, { token: firm.dispatcherToken });
    const reopened = await api.http
      .post(`${d.path}/reopen`)
      .set(bearer(staff))
      .send({ reason: 'invoice total does not match the manifest' })
      .expect(200);
    expect(reopened.body).toEqual({
      declarationNo: 'D-1',
      customsOffice: 'Tianbao Customs',
      documents: [],
      status: 'reopened',
      note: 'invoice total does not match the manifest',
    });
    await dispatch.waitFor('declaration:update', (u) => u.bookingId === d.id && u.status === 'reopened');
    expect(await audited(d.id, 'declaration.reopened')).toEqual([
      {
        data: expect.objectContaining({
          before: 'accepted',
          status: 'reopened',
          reason: 'invoice total does not match the manifest',
          declarationNo: 'D-1',
        }),
      },
    ]);
    // Reopened is not accepted: a port that requires a declaration does not check the truck in on it.
    const gate = await api.http
      .post(`${API}/ports/${PORT}/check-ins`)
      .set(bearer(staff))
      .send({ plate: d.plate })
      .expect(422);
    expect(gate.body).toMatchObject({ code: 'declaration_missing', declarationStatus: 'reopened' });
    // Only an accepted declaration is reopened.
    expect(
      (await api.http.post(`${d.path}/reopen`).set(bearer(staff)).send({ reason: 'again' }).expect(409)).body,
    ).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      code: 'conflict',
      declarationStatus: 'reopened',
    });
    const replaced = await api.http
      .put(d.path)
      .set(bearer(firm.dispatcherToken))
      .send({ declarationNo: 'D-2' })
      .expect(200);
    expect(replaced.body).toMatchObject({ declarationNo: 'D-2', status: 'submitted', note: null });
    await api.http.post(`${d.path}/status`).set(bearer(staff)).send({ status: 'accepted' }).expect(200);
    expect(
      (await api.http.put(d.path).set(bearer(firm.dispatcherToken)).send({ declarationNo: 'D-3' }).expect(409)).body
        .code,
    ).toBe('declaration_locked');
  });

  it("only staff of the booking's port and port admins reopen, with a reason", async () => {
    const d = await filed(1, true);
    const reopen = `${d.path}/reopen`;
    const other = await createFirm(api, 'Reopen Freight', 0);
    await api.http.post(reopen).set(bearer(firm.dispatcherToken)).send({ reason: 'mine' }).expect(403);
    await api.http.post(reopen).set(bearer(firm.adminToken)).send({ reason: 'mine' }).expect(403);
    await api.http.post(reopen).set(bearer(other.adminToken)).send({ reason: 'theirs' }).expect(403);
    await api.http.post(reopen).send({ reason: 'anyone' }).expect(401);
    const elsewhere = await api.http
      .post(reopen)
      .set(bearer(await portStaffToken(api, 'HEKOU')))
      .send({ reason: 'not my port' })
      .expect(404);
    expect(elsewhere.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    for (const body of [
      {},
      { reason: '' },
      { reason: '   ' },
      { reason: 'x'.repeat(201) },
      { reason: 'a\u0000b' },
      { reason: 'ok', extra: 1 },
    ]) {
      const bad = await api.http.post(reopen).set(bearer(staff)).send(body).expect(400);
      expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    await api.http
      .post(`${API}/bookings/not-a-uuid/declaration/reopen`)
      .set(bearer(staff))
      .send({ reason: 'x' })
      .expect(400);
    await api.http
      .post(`${API}/bookings/${randomUUID()}/declaration/reopen`)
      .set(bearer(staff))
      .send({ reason: 'x' })
      .expect(404);
    expect((await stored(d.id)).declaration_status).toBe('accepted');
    // A port admin may, and a cancelled booking's declaration stays as it was.
    await api.http.post(reopen).set(bearer(api.adminToken)).send({ reason: 'port admin' }).expect(200);
    await api.http.post(`${d.path}/status`).set(bearer(staff)).send({ status: 'accepted' }).expect(200);
    await api.http.post(`${API}/bookings/${d.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
    expect((await api.http.post(reopen).set(bearer(staff)).send({ reason: 'too late' }).expect(409)).body.code).toBe(
      'illegal_transition',
    );
  });

  it("each filing, answer and reopen is a booking.declaration_updated event: the firm's webhook and socket hear it", async () => {
    const hooked = await createFirm(api, 'Hooked Paperwork', 1);
    const other = await createFirm(api, 'Unhooked Paperwork', 0);
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const hook = await api.http
      .post(`${API}/webhooks`)
      .set(bearer(hooked.adminToken))
      .send({ url: receiver.url, events: ['booking.declaration_updated'] })
      .expect(201);
    receiver.secret = hook.body.secret as string;
    // Another firm's endpoint for the same type hears nothing of this booking.
    const elsewhere = await new WebhookReceiver().start();
    receivers.push(elsewhere);
    await api.http
      .post(`${API}/webhooks`)
      .set(bearer(other.adminToken))
      .send({ url: elsewhere.url, events: ['booking.declaration_updated'] })
      .expect(201);
    const dispatch = await connectLive(api.url, clients, { token: hooked.dispatcherToken });
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(hooked.dispatcherToken))
      .send({
        slotId: (await slotAt(api, PORT, 4)).id,
        vehicleId: hooked.vehicleIds[0],
        driverId: hooked.driverIds[0],
        cargo: cargo(),
      })
      .expect(201);
    const id = b.body.id as string;
    const path = `${API}/bookings/${id}/declaration`;
    const fileIt = (declarationNo: string) =>
      api.http
        .put(path)
        .set(bearer(hooked.dispatcherToken))
        .send({ declarationNo, documents: [{ kind: 'invoice', ref: 'INV-SECRET-9' }] });

    await fileIt('H-1').expect(200);
    await api.http.post(`${path}/status`).set(bearer(staff)).send({ status: 'accepted' }).expect(200);
    // Refused changes write no event: the event is the change's own statement.
    await fileIt('H-2').expect(409);
    await api.http.post(`${path}/reopen`).set(bearer(staff)).send({ reason: 'stamp missing' }).expect(200);
    await fileIt('H-3').expect(200);

    const expected = [
      { declarationStatus: 'submitted', note: null },
      { declarationStatus: 'accepted', note: null },
      { declarationStatus: 'reopened', note: 'stamp missing' },
      { declarationStatus: 'submitted', note: null },
    ];
    const bodies = await until('the four declaration events delivered', () => {
      const got = receiver.accepted().filter((x) => (x.data as Json).bookingId === id);
      return got.length >= expected.length && got;
    });
    expect(bodies.map((x) => x.type)).toEqual(expected.map(() => 'booking.declaration_updated'));
    expect(bodies.map((x) => x.data)).toEqual(
      expected.map((e) => ({
        bookingId: id,
        reference: b.body.reference,
        status: 'booked',
        portCode: PORT,
        direction: 'export',
        ...e,
      })),
    );
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(JSON.stringify(bodies)).not.toContain('INV-SECRET-9');
    // The event's instant is the one its change stamped on the booking (the Clock's, in one statement).
    const [row] = await api.ds.query('SELECT updated_at FROM bookings WHERE id = $1', [id]);
    expect(Date.parse(bodies[3].occurredAt as string)).toBe((row.updated_at as Date).getTime());

    // The socket's payload is the declaration:update it always was: {bookingId, status, note}.
    await until('the four live updates', () => {
      const seen = dispatch.of('declaration:update').filter((u) => u.bookingId === id);
      return seen.length >= expected.length && seen;
    });
    expect(dispatch.of('declaration:update').filter((u) => u.bookingId === id)).toEqual(
      expected.map((e) => ({ bookingId: id, status: e.declarationStatus, note: e.note })),
    );

    // Audited once each, by the change's own entry: the audit trail does not copy the event.
    await until('the events relayed', async () => {
      const [{ n }] = await api.ds.query(
        'SELECT count(*)::int AS n FROM booking_events WHERE booking_id = $1 AND relayed_at IS NULL',
        [id],
      );
      return n === 0;
    });
    const trail = (await api.ds.query(
      `SELECT type FROM audit_pending WHERE booking_id = $1 UNION ALL SELECT type FROM audit_log WHERE booking_id = $1`,
      [id],
    )) as Array<{ type: string }>;
    expect(trail.map((t) => t.type).sort()).toEqual(
      [
        'booking.created',
        'declaration.filed',
        'declaration.filed',
        'declaration.reopened',
        'declaration.status',
      ].sort(),
    );
    expect(elsewhere.received).toEqual([]);
  });
});
