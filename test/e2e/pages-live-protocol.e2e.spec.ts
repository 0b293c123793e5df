import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import {
  API,
  bearer,
  cargo,
  createFirm,
  laneOf,
  OPENING_HOURS,
  portDayClock,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { until } from '../support/processes';

const WAIT = { timeout: 15_000 };

/**
 * The board and the lane console follow the queue by the one live protocol (libs/realtime/src/live-protocol.ts).
 * When a later slot starts, the order moves by the clock alone and the server sends the queue read afresh at the
 * same version; a page that dropped it as "not newer" kept the old order, and applied the next call's delta
 * (positions numbered in the new order) to it: after the call it showed F2, F0 waiting while the API had F1, F2
 * waiting and F0 called, until a gap or a reload.
 */
describe("pages across a later slot's start (browser)", () => {
  const PORT = 'DALUO';
  // The API and the pages at 10:00 port time: the slot under way and the one 3 h later are both within the opening
  // hours whatever the hour the suite runs at. The later slot's start is moved to 10 s after the clock's now below.
  const clock = portDayClock();
  let api: TestApi;
  let browser: Browser;
  let firm: TestFirm;
  const contexts: BrowserContext[] = [];
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    firm = await createFirm(api, 'Protocol Haulage', 3);
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 40, import: 40 },
      firmQuotaPercent: 100,
    });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const c of contexts) await c.close();
    await browser?.close();
    await api?.close();
  });

  const open = async (path: string): Promise<{ page: Page; errors: string[] }> => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    // The console counts time since a call and to its deadline on the page's clock: the API's.
    await context.clock.install({ time: clock.now() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}${path}`);
    return { page, errors };
  };

  it('shows what the API shows after the slot starts and after the next call, on the board and the console', async () => {
    const email = `staff-${randomBytes(3).toString('hex')}@port.example`;
    const created = await api.http
      .post(`${API}/ports/${PORT}/staff`)
      .set(bearer(api.adminToken))
      .send({ email, password: 'staff-password' })
      .expect(201);
    const staff = api.tokens.sign({ sub: created.body.id, role: 'port_staff', portCode: PORT });

    const board = await open(`/board/${PORT}`);
    await board.page.locator('#dir-export').waitFor(WAIT);
    const staffPage = await open('/staff');
    await staffPage.page.fill('#email', email);
    await staffPage.page.fill('#password', 'staff-password');
    await staffPage.page.click('#login button[type=submit]');
    await staffPage.page.locator('#live.on').waitFor(WAIT);
    const watcher = await connectLive(api.url, clients);
    expect(await watcher.emitWithAck('subscribe', { port: PORT, direction: 'export' })).toEqual({ ok: true });

    // F0 is of a later slot starting in 10 s (off the grid, so no other slot has it) and checks in first; F1 and F2
    // are of the slot under way: F1, F2, F0 until the later slot starts, then F0, F1, F2 (by check-in).
    const now = (await slotAt(api, PORT)).id;
    const later = (await slotAt(api, PORT, 3)).id;
    await api.ds.query(`UPDATE slots SET starts_at = $2::timestamptz + interval '10 seconds' WHERE id = $1`, [
      later,
      clock.now(),
    ]);
    const tag = randomBytes(2).toString('hex').toUpperCase();
    const plates: string[] = [];
    for (const [i, slotId] of [
      [0, later],
      [1, now],
      [2, now],
    ] as const) {
      const v = await api.http
        .post(`${API}/vehicles`)
        .set(bearer(firm.dispatcherToken))
        .send({ plate: `云K${tag}${i}`, country: 'CN' })
        .expect(201);
      await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId, vehicleId: v.body.id, driverId: firm.driverIds[i], cargo: cargo() })
        .expect(201);
      plates.push(v.body.plate as string);
    }
    for (const plate of plates)
      await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);

    /** Waiting and called plates as the API has them: masked for the board, whole for the console. */
    const rest = async () => {
      const pub = (await api.http.get(`${API}/ports/${PORT}/queue`).query({ direction: 'export' }).expect(200)).body;
      const own = (
        await api.http
          .get(`${API}/ports/${PORT}/queue/staff`)
          .query({ direction: 'export' })
          .set(bearer(staff))
          .expect(200)
      ).body;
      const plateOf = (k: string) => (e: Record<string, string>) => e[k];
      return {
        board: { waiting: pub.entries.map(plateOf('plateMasked')), called: pub.called.map(plateOf('plateMasked')) },
        console: { waiting: own.entries.map(plateOf('plate')), called: own.called.map(plateOf('plate')) },
      };
    };
    const shown = async () => ({
      board: {
        waiting: await board.page.locator('#dir-export tbody tr td.plate').allInnerTexts(),
        called: await board.page.locator('#dir-export .calling .plate').allInnerTexts(),
      },
      console: {
        waiting: await staffPage.page.locator('#dir-export table.waiting tbody tr .plate').allInnerTexts(),
        called: await staffPage.page.locator('#dir-export .called-row .plate').allInnerTexts(),
      },
    });
    /** Both pages show what the API does (polled: they follow it over the socket). */
    const same = async (what: string, test: (r: Awaited<ReturnType<typeof rest>>) => boolean) => {
      let last: unknown;
      await until(
        what,
        async () => {
          const r = await rest();
          const s = await shown();
          last = { rest: r, shown: s };
          return test(r) && JSON.stringify(s) === JSON.stringify(r);
        },
        20_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(last)}`);
      });
    };

    await same(
      'F1, F2, F0 on both pages',
      (r) => r.console.waiting.join() === [plates[1], plates[2], plates[0]].join(),
    );

    // The later slot starts: the API reads the queue afresh (same version, new order) and sends it whole.
    await watcher.waitForQueue(
      (q) => (q.entries as Array<{ plateMasked: string }>)[0]?.plateMasked.endsWith(plates[0].slice(-2)),
      'export',
      20_000,
    );
    await same(
      'F0, F1, F2 on both pages after the slot start',
      (r) => r.console.waiting.join() === [plates[0], plates[1], plates[2]].join(),
    );

    // The next call takes F0: a delta numbered in the new order.
    await api.http
      .post(`${API}/ports/${PORT}/lanes/${await laneOf(api, PORT)}/call-next`)
      .set(bearer(staff))
      .expect(200);
    await same(
      'F1, F2 waiting and F0 called on both pages',
      (r) => r.console.waiting.join() === [plates[1], plates[2]].join() && r.console.called.join() === plates[0],
    );
    expect(board.errors).toEqual([]);
    expect(staffPage.errors).toEqual([]);
  }, 90_000);
});
