import { randomUUID } from 'node:crypto';
import { API, bearer, bookedDriverToken, createFirm, laneOf, startApi, TestApi, TestFirm } from '../support/harness';
import { expectContractError } from '../support/contract-error';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Who = 'admin' | 'dispatcher' | 'firmAdmin' | 'driver' | 'device';

/** `depth` objects one in another: past the parser's depth limit (32) at 40. */
const nest = (depth: number): unknown => (depth ? { a: nest(depth - 1) } : 1);

/**
 * Junk sent to the routes the admin console and the pages' day added (issue 18): every answer is a 4xx in the
 * contract's shape, never a 500 and never a leak, whatever the body or parameter. bad-input.e2e holds the precise
 * cases (this field, this message); this sweeps shapes nobody wrote a case for.
 */
describe('junk input to the admin and day routes: always a 4xx in the contract shape', () => {
  let api: TestApi;
  let firm: TestFirm;
  let driverToken: string;
  let laneId: string;
  let bookingId: string;
  /** A gate camera's key (POST /gate/isapi takes no token: `Authorization: Device <key>`). */
  let deviceKey: string;

  beforeAll(async () => {
    api = await startApi();
    firm = await createFirm(api, 'Junk Sweep Freight', 1);
    driverToken = await bookedDriverToken(api, firm, 'MOHAN');
    bookingId = api.tokens.verify(driverToken)!.sub;
    laneId = await laneOf(api, 'MOHAN');
    deviceKey = (
      await api.http
        .post(`${API}/ports/MOHAN/devices`)
        .set(bearer(api.adminToken))
        .send({ name: 'junk camera', position: 'yard_gate' })
        .expect(201)
    ).body.key as string;
  });
  afterAll(() => api.close());

  /** The Authorization header of `who`. */
  const authOf = (who: Who) => ({
    Authorization:
      who === 'device'
        ? `Device ${deviceKey}`
        : `Bearer ${{ admin: api.adminToken, dispatcher: firm.dispatcherToken, firmAdmin: firm.adminToken, driver: driverToken }[who]}`,
  });

  /** Bodies of every JSON shape a client might send by mistake or on purpose. */
  const JUNK_BODIES: unknown[] = [
    [],
    [{}],
    { names: 'Mohan' },
    { names: { xx: 'a', zh: 7 } },
    { names: { zh: 'x'.repeat(5000) } },
    { name: 42, status: ['open'], direction: {}, email: 3, password: null },
    { email: 'a@b', password: 'x'.repeat(10_000), role: 'root' },
    { endpoint: 'javascript:alert(1)', keys: { p256dh: 'AAAA', auth: [] } },
    { endpoint: 'https://push.example/x', keys: 'none' },
    { items: [{ code: null, amount: 'ten' }], effectiveFrom: '2026-13-45', currency: 5 },
    { items: Array.from({ length: 500 }, () => ({ code: 'a', amount: 1 })) },
    { channel: 'pigeon', phone: '+86'.repeat(40) },
    { slotMinutes: -1, capacity: { export: 1e12 }, openFrom: '25:00', openTo: '' },
    { bays: -5, reeferBays: 'many', centre: { lat: 91, lon: 'east' }, radiusMetres: 0 },
    { ['__proto__']: { admin: true }, constructor: { prototype: { x: 1 } } },
    nest(40),
  ];
  /** Path ids of every wrong kind. */
  const JUNK_IDS = ['abc', '00000000-0000-0000-0000-000000000000', randomUUID(), 'x'.repeat(300), '%00', '1e9'];

  const routes: Array<{ method: Method; path: (id: string) => string; who: Who; body?: boolean; query?: string[] }> = [
    { method: 'get', path: () => `${API}/firms`, who: 'admin', query: ['limit=-1', 'offset=x', 'q=' + '%'.repeat(3)] },
    { method: 'post', path: (id) => `${API}/firms/${id}/disable`, who: 'admin' },
    { method: 'post', path: (id) => `${API}/firms/${id}/enable`, who: 'admin' },
    { method: 'get', path: (id) => `${API}/firms/${id}/users`, who: 'admin' },
    { method: 'get', path: () => `${API}/users`, who: 'admin', query: ['role=god', 'limit=1e9', 'portCode[]=x'] },
    { method: 'post', path: (id) => `${API}/users/${id}/reset-password`, who: 'admin' },
    { method: 'post', path: (id) => `${API}/users/${id}/disable`, who: 'admin' },
    { method: 'get', path: () => `${API}/admin/webhooks`, who: 'admin', query: ['state=angry', 'limit=abc'] },
    { method: 'post', path: () => `${API}/ports/MOHAN/lanes`, who: 'admin', body: true },
    { method: 'patch', path: (id) => `${API}/ports/MOHAN/lanes/${id}`, who: 'admin', body: true },
    { method: 'patch', path: () => `${API}/ports/MOHAN/lanes/${laneId}`, who: 'admin', body: true },
    { method: 'get', path: (code) => `${API}/ports/${code}/parking-areas`, who: 'admin' },
    { method: 'post', path: () => `${API}/ports/MOHAN/parking-areas`, who: 'admin', body: true },
    { method: 'put', path: (id) => `${API}/ports/MOHAN/parking-areas/${id}`, who: 'admin', body: true },
    { method: 'post', path: () => `${API}/ports/MOHAN/schedule/preview`, who: 'admin', body: true },
    { method: 'post', path: () => `${API}/ports/MOHAN/fees/preview`, who: 'admin', body: true },
    { method: 'get', path: (code) => `${API}/ports/${code}/fees/history`, who: 'admin' },
    { method: 'post', path: (id) => `${API}/bookings/${id}/driver-code/send`, who: 'dispatcher', body: true },
    { method: 'post', path: () => `${API}/bookings/${bookingId}/driver-code/send`, who: 'dispatcher', body: true },
    { method: 'put', path: () => `${API}/driver/push-subscription`, who: 'driver', body: true },
    { method: 'get', path: () => `${API}/bookings`, who: 'dispatcher', query: ['date=yesterday', 'status=lost'] },
    // Gate cameras (issue 19): a JSON body is no ISAPI alert (415); a read's picture by junk ids.
    { method: 'post', path: () => `${API}/gate/isapi`, who: 'device', body: true, query: ['key=', 'key[]=x'] },
    { method: 'get', path: (id) => `${API}/ports/MOHAN/gate-reads/${id}/image`, who: 'admin' },
  ];

  it.each(routes.map((r) => [`${r.method.toUpperCase()} ${r.path(':id').replace(/undefined/, ':known')}`, r] as const))(
    '%s',
    async (_name, r) => {
      const auth = authOf(r.who);
      const sends: Array<() => Promise<import('supertest').Response>> = [];
      const ids = r.path('A') === r.path('B') ? [''] : JUNK_IDS;
      for (const id of ids) {
        const path = r.path(encodeURIComponent(id).replace(/%25/g, '%'));
        if (r.body)
          for (const body of JUNK_BODIES)
            sends.push(() =>
              api.http[r.method](path)
                .set(auth)
                .send(body as object),
            );
        else sends.push(() => api.http[r.method](path).set(auth));
        for (const q of r.query ?? []) sends.push(() => api.http[r.method](`${path}?${q}`).set(auth));
        // The body as text that is not JSON, with the JSON content type.
        if (r.method !== 'get')
          sends.push(() => api.http[r.method](path).set(auth).set('Content-Type', 'application/json').send('{"a":'));
      }
      let answered = 0;
      for (const send of sends) {
        const res = await send();
        if (res.status < 400) continue; // junk a route may rightly accept (an optional body it ignores, a list)
        expectContractError(res, res.status);
        answered += 1;
      }
      // Each route refused some of the junk: a sweep that only ever got 2xx would prove nothing.
      expect(answered).toBeGreaterThan(0);
    },
  );
});
