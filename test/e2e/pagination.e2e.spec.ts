import { API, bearer, cargo, createFirm, portDate, slotsOf, startApi, TestApi, TestFirm } from '../support/harness';

/** Every list takes ?limit= (1-500, default 100) and ?offset= (>= 0), in a stable order. */
describe('pagination of lists', () => {
  let api: TestApi;
  let firm: TestFirm;

  beforeAll(async () => {
    api = await startApi();
    firm = await createFirm(api, 'Paging Haulage', 5);
    const slots = await slotsOf(api, 'MOHAN', portDate(1));
    for (let i = 0; i < 5; i++) {
      await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slots[i].id, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() })
        .expect(201);
    }
  });
  afterAll(() => api.close());

  const lists = () => [
    { path: `${API}/ports`, token: undefined, key: 'code', total: 26 },
    { path: `${API}/vehicles`, token: firm.dispatcherToken, key: 'id', total: 5 },
    { path: `${API}/drivers`, token: firm.adminToken, key: 'id', total: 5 },
    { path: `${API}/bookings`, token: firm.dispatcherToken, key: 'id', total: 5 },
  ];

  const get = (path: string, token: string | undefined, query: Record<string, unknown>) => {
    const req = api.http.get(path).query(query);
    return token ? req.set(bearer(token)) : req;
  };

  it('pages neither overlap nor skip, and the default page holds everything here', async () => {
    for (const { path, token, key, total } of lists()) {
      const all = (await get(path, token, {}).expect(200)).body as Array<Record<string, string>>;
      expect({ path, n: all.length }).toEqual({ path, n: total });
      const pages: string[] = [];
      for (let offset = 0; offset < total + 2; offset += 2) {
        const res = await get(path, token, { limit: 2, offset }).expect(200);
        expect(res.body.length).toBeLessThanOrEqual(2);
        pages.push(...(res.body as Array<Record<string, string>>).map((r) => r[key]));
      }
      expect({ path, pages }).toEqual({ path, pages: all.map((r) => r[key]) });
      expect((await get(path, token, { offset: total }).expect(200)).body).toEqual([]);
      expect((await get(path, token, { limit: 500 }).expect(200)).body).toHaveLength(total);
    }
  });

  it.each([
    ['limit=501', { limit: 501 }, 'limit'],
    ['limit=0', { limit: 0 }, 'limit'],
    ['limit=abc', { limit: 'abc' }, 'limit'],
    ['limit=1.5', { limit: '1.5' }, 'limit'],
    ['offset=-1', { offset: -1 }, 'offset'],
    ['an unknown query parameter', { page: 2 }, 'page'],
  ])('%s → 400 in the contract shape on every list', async (_name, query, field) => {
    for (const { path, token } of lists()) {
      const res = await get(path, token, query).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect({ path, message: JSON.stringify(res.body.message) }).toEqual({
        path,
        message: expect.stringContaining(field),
      });
    }
  });
});
