import { API, bearer, cargo, createFirm, DEFAULT_SCHEDULE, portStaffToken, putSchedule, slotAt, startApi, TestApi, TestFirm } from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';

/**
 * The declaration with the booking: the firm files it, staff record customs' answer, the driver and firm hear it
 * live, and a port that requires it checks in only trucks whose declaration customs accepted.
 */
describe('declarations', () => {
  const PORT = 'TIANBAO';
  let api: TestApi;
  let firm: TestFirm;
  let staff: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    api = await startApi();
    await putSchedule(api, PORT, { openFrom: '00:00', openTo: '24:00', capacity: { export: 20, import: 20 }, firmQuotaPercent: 100 });
    await api.http.put(`${API}/ports/${PORT}/schedule`).set(bearer(api.adminToken))
      .send({ ...DEFAULT_SCHEDULE, openFrom: '00:00', openTo: '24:00', capacity: { export: 20, import: 20 }, firmQuotaPercent: 100, requireDeclaration: true })
      .expect(200);
    firm = await createFirm(api, 'Paperwork Freight', 2);
    staff = await portStaffToken(api, PORT);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await api.close();
  });

  it('a port that requires it checks in only trucks whose declaration customs accepted; driver and firm hear each answer', async () => {
    const b = await api.http.post(`${API}/bookings`).set(bearer(firm.dispatcherToken))
      .send({ slotId: (await slotAt(api, PORT)).id, vehicleId: firm.vehicleIds[0], driverId: firm.driverIds[0], cargo: cargo() }).expect(201);
    const plate = (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[0]]))[0].plate as string;
    const checkIn = () => api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate });
    const driver = await connectLive(api.url, clients, { token: api.tokens.sign({ sub: b.body.id, role: 'driver', firmId: firm.id, portCode: PORT }) });
    const dispatch = await connectLive(api.url, clients, { token: firm.dispatcherToken });

    const none = await checkIn().expect(422);
    expect(none.body).toMatchObject({ code: 'declaration_missing', declarationStatus: null });

    const filed = await api.http.put(`${API}/bookings/${b.body.id}/declaration`).set(bearer(firm.dispatcherToken))
      .send({ declarationNo: '530120261130000123', customsOffice: 'Tianbao Customs', documents: [{ kind: 'invoice', ref: 'INV-7' }] }).expect(200);
    expect(filed.body).toEqual({ declarationNo: '530120261130000123', customsOffice: 'Tianbao Customs', documents: [{ kind: 'invoice', ref: 'INV-7' }], status: 'submitted', note: null });
    expect((await checkIn().expect(422)).body.declarationStatus).toBe('submitted');

    await api.http.post(`${API}/bookings/${b.body.id}/declaration/status`).set(bearer(staff)).send({ status: 'inspection', note: 'open the doors' }).expect(200);
    await driver.waitFor('declaration:update', (u) => u.status === 'inspection' && u.note === 'open the doors');
    await checkIn().expect(422);
    const accepted = await api.http.post(`${API}/bookings/${b.body.id}/declaration/status`).set(bearer(staff)).send({ status: 'accepted' }).expect(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', note: null });
    await driver.waitFor('declaration:update', (u) => u.status === 'accepted');
    await dispatch.waitFor('declaration:update', (u) => u.bookingId === b.body.id && u.status === 'accepted');
    await checkIn().expect(201);
    const seen = await api.http.get(`${API}/bookings/${b.body.id}`).set(bearer(firm.dispatcherToken)).expect(200);
    expect(seen.body.declaration).toMatchObject({ declarationNo: '530120261130000123', status: 'accepted' });
  });

  it('only the firm files, only that port\'s staff answer, and bad input is 400', async () => {
    const b = await api.http.post(`${API}/bookings`).set(bearer(firm.dispatcherToken))
      .send({ slotId: (await slotAt(api, PORT, 3)).id, vehicleId: firm.vehicleIds[1], driverId: firm.driverIds[1], cargo: cargo() }).expect(201);
    const path = `${API}/bookings/${b.body.id}/declaration`;
    const other = await createFirm(api, 'Other Paperwork', 0);
    await api.http.put(path).set(bearer(other.dispatcherToken)).send({ declarationNo: 'X1' }).expect(404);
    await api.http.put(path).set(bearer(staff)).send({ declarationNo: 'X1' }).expect(403);
    await api.http.put(path).set(bearer(firm.dispatcherToken)).send({ declarationNo: '' }).expect(400);
    await api.http.put(path).set(bearer(firm.dispatcherToken)).send({ declarationNo: 'X1', documents: [{ kind: 'invoice' }] }).expect(400);
    // Nothing filed yet: nothing to answer.
    expect((await api.http.post(`${path}/status`).set(bearer(staff)).send({ status: 'accepted' }).expect(409)).body.code).toBe('conflict');
    await api.http.put(path).set(bearer(firm.dispatcherToken)).send({ declarationNo: 'X1' }).expect(200);
    await api.http.post(`${path}/status`).set(bearer(staff)).send({ status: 'approved' }).expect(400);
    await api.http.post(`${path}/status`).set(bearer(await portStaffToken(api, 'HEKOU'))).send({ status: 'accepted' }).expect(404);
    await api.http.post(`${path}/status`).set(bearer(firm.dispatcherToken)).send({ status: 'accepted' }).expect(403);
    await api.http.post(`${path}/status`).set(bearer(api.adminToken)).send({ status: 'rejected', note: 'wrong HS code' }).expect(200);
    await api.http.post(`${API}/bookings/${b.body.id}/cancel`).set(bearer(firm.dispatcherToken)).expect(200);
    expect((await api.http.put(path).set(bearer(firm.dispatcherToken)).send({ declarationNo: 'X2' }).expect(409)).body.code).toBe('illegal_transition');
  });
});
