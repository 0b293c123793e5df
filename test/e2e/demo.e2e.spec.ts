import { runDemo } from '../../apps/cli/src/demo';
import { API, bearer, portDate, startApi, TestApi } from '../support/harness';
import { portTime, TestClock } from '../support/test-clock';

/** `npm run demo` against a running API: a day at Mohan that every page shows, and logins that work. */
describe('npm run demo', () => {
  // The API and the demo at 14:00 port time, running: a day with slots begun and slots to come, whatever the hour
  // the suite runs at (after Mohan's last slot the demo had nothing left to book today).
  const clock = new TestClock().run(portTime(portDate(0), '14:00:00'));
  let api: TestApi;
  let adminEmail: string;

  beforeAll(async () => {
    api = await startApi({}, { clock });
    adminEmail = (await api.ds.query(`SELECT email FROM users WHERE role = 'port_admin' LIMIT 1`))[0].email as string;
  });

  afterAll(() => api.close());

  it('books a day of trucks through the API, checks in those due, runs the lanes, and prints logins that work', async () => {
    const lines: string[] = [];
    const done = await runDemo({
      url: api.url,
      adminEmail,
      adminPassword: 'admin-password',
      say: (l) => lines.push(l),
      now: () => clock.now(),
    });
    const [{ n }] = await api.ds.query(`SELECT count(*)::int AS n FROM bookings WHERE port_code = 'MOHAN'`);
    expect(n).toBe(done.bookings);
    expect(done.bookings).toBeGreaterThan(10);
    // Tomorrow is booked too: the lane console's forecast has hours to show.
    const forecast = await api.http.get(`${API}/ports/MOHAN/forecast`).set(bearer(api.adminToken)).expect(200);
    const expected = forecast.body.hours as Array<{ booked: number; expectedArrivals: number }>;
    expect(expected.reduce((sum, h) => sum + h.booked, 0)).toBe(done.tomorrow);
    expect(expected.some((h) => h.expectedArrivals > 0)).toBe(true);
    const text = lines.join('\n');
    expect(text).toContain(`${api.url}/board/MOHAN`);
    // Every printed login opens a session.
    for (const [, email, password] of text.matchAll(/(\S+@demo\.kouan) \/ (\S+?)[,\n ]/g)) {
      await api.http.post(`${API}/auth/login`).send({ email, password }).expect(200);
    }
    const driver = /reference (\S+) and driver code (\d{6})/.exec(text);
    expect(driver).not.toBeNull();
    await api.http.post(`${API}/driver/session`).send({ reference: driver![1], driverCode: driver![2] }).expect(200);
    // What arrived is on the board (unless the demo runs before the day's first slot opens).
    const statuses = (await api.ds.query(`SELECT status, count(*)::int AS n FROM bookings GROUP BY status`)) as Array<{
      status: string;
      n: number;
    }>;
    const count = (s: string) => statuses.find((r) => r.status === s)?.n ?? 0;
    expect(count('checked_in') + count('called') + count('completed')).toBe(done.checkedIn);
    expect(count('completed')).toBe(done.completed);
    const [{ arrived }] = await api.ds.query(
      `SELECT count(*)::int AS arrived FROM bookings WHERE yard_arrived_at IS NOT NULL`,
    );
    expect(arrived).toBe(done.yardArrived);
    expect(text).toMatch(/\/yard {2}as yard\.mohan\.\S+@demo\.kouan \/ demo-yard-password/);
    // Fees, declarations and the audit trail are filled too.
    expect((await api.http.get(`${API}/ports/MOHAN/fees`).expect(200)).body.items).toHaveLength(2);
    const [{ answered }] = await api.ds.query(
      `SELECT count(*)::int AS answered FROM bookings WHERE declaration_status IN ('accepted', 'inspection')`,
    );
    expect(answered).toBe(done.declared);
    expect(done.declared).toBeGreaterThan(0);
    const regulator = /as regulator (\S+@demo\.kouan) \/ (\S+)/.exec(text);
    expect(regulator).not.toBeNull();
  });
});
