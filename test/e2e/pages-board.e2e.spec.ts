import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { seriousViolations } from '../support/axe';
import { launchChromium } from '../support/browser';
import {
  API,
  bearer,
  cargo,
  createFirm,
  laneOf,
  OPENING_HOURS,
  portDayClock,
  portStaffToken,
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';

const IMG = join(__dirname, '..', '..', 'docs', 'img');
const WAIT = { timeout: 20_000 };

/**
 * The public board on a 1920×1080 screen at Mohan (China–Laos): NOW CALLING with the called truck and the time
 * since its call, each row's ETA as the API computes it, and its words rotating zh → en → Lao. The API and the
 * browser both run from 10:00 port time: the slot holding now takes check-ins, and the board's "time since the call"
 * counts from the API's call on the page's own clock.
 */
describe('port board (browser)', () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let browser: Browser;
  let firm: TestFirm;
  const clock = portDayClock();

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    await putSchedule(api, PORT, {
      ...OPENING_HOURS,
      capacity: { export: 20, import: 20 },
      firmQuotaPercent: 100,
    });
    firm = await createFirm(api, 'Board Freight', 3);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it("shows NOW CALLING with the elapsed time, an ETA per row equal to the API's, and rotates zh, en, Lao", async () => {
    const staff = await portStaffToken(api, PORT);
    const slot = await slotAt(api, PORT);
    const trucks = [];
    for (let i = 0; i < 3; i++) {
      const b = await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId: slot.id, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() })
        .expect(201);
      const plate = (await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [firm.vehicleIds[i]]))[0]
        .plate as string;
      await api.http.post(`${API}/ports/${PORT}/check-ins`).set(bearer(staff)).send({ plate }).expect(201);
      trucks.push({
        id: b.body.id as string,
        plate,
        token: api.tokens.sign({ sub: b.body.id, role: 'driver', firmId: firm.id, portCode: PORT }),
      });
    }
    const lane = await laneOf(api, PORT);
    await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/call-next`).set(bearer(staff)).expect(200);
    await api.http
      .put(`${API}/ports/${PORT}/fees`)
      .set(bearer(api.adminToken))
      .send({
        effectiveFrom: DateTime.fromJSDate(clock.now()).setZone('Asia/Shanghai').toISODate(),
        currency: 'CNY',
        items: [
          {
            code: 'inspection',
            name: { zh: '查验费', en: 'Inspection', lo: 'ຄ່າກວດກາ' },
            amount: 100,
            unit: 'per_truck',
          },
        ],
      })
      .expect(201);

    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, bypassCSP: true });
    await context.clock.install({ time: clock.now() });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${api.url}/board/${PORT}`);
      const band = page.locator('#dir-export .calling');
      await band.waitFor(WAIT);
      const masked = `${[...trucks[0].plate].slice(0, 2).join('')}·***${trucks[0].plate.slice(-2)}`;
      expect(await band.locator('.plate').innerText()).toBe(masked);
      // The port's fees, in the words of the moment.
      await page
        .locator('#fees', { hasText: /查验费 100 CNY\/车|Inspection 100 CNY\/truck|ຄ່າກວດກາ 100 CNY\/ຄັນ/ })
        .waitFor(WAIT);
      const elapsed = await band.locator('.elapsed').innerText();
      expect(elapsed).toMatch(/^\d+:\d\d$/);
      await band.locator('.elapsed').filter({ hasNotText: elapsed }).waitFor(WAIT);
      expect(await page.locator('body').innerText()).not.toContain(trucks[0].plate);

      // Each row's ETA is the one the truck's driver is told.
      for (const [i, t] of trucks.slice(1).entries()) {
        const rest = (await api.http.get(`${API}/driver/booking`).set(bearer(t.token)).expect(200)).body;
        expect(rest.position).toBe(i + 1);
        expect(await page.locator('#dir-export tbody tr').nth(i).locator('td.eta').innerText()).toMatch(
          new RegExp(`^~${rest.etaMinutes} `),
        );
      }

      // The words rotate: Chinese, English, then Lao at a port on the Lao border; the port's own name with them
      // where it has one in the language (Chinese), else the seed's.
      const heading = page.locator('#dir-export h2');
      for (const [word, name] of [
        ['出境', '磨憨公路口岸 ⇄ Boten Road'],
        ['Export', 'Mohan Road ⇄ Boten Road'],
        ['ຂາອອກ', 'Mohan Road ⇄ Boten Road'],
      ]) {
        await heading.filter({ hasText: word }).waitFor(WAIT);
        // Both read in one go: the next rotation cannot fall between them.
        await page.waitForFunction(
          `(document.querySelector('#dir-export h2')?.textContent ?? '').includes(${JSON.stringify(word)})
          && document.querySelector('#title')?.textContent === ${JSON.stringify(name)}`,
          undefined,
          WAIT,
        );
      }
      if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: join(IMG, 'board.png') });
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
