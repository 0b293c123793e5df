import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
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
  putSchedule,
  slotAt,
  startApi,
  TestApi,
  TestFirm,
} from '../support/harness';
import { until } from '../support/processes';

const WAIT = { timeout: 20_000 };
/** The staff console sends an outcome after 10 s without an undo. */
const UNDO_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A port day on the consoles (issue 18, defects 3 and 6, and undo for Complete and Skip): the board of a busy line on
 * a 1920×1080 TV, the lane console at a desk and on a 360 px phone, the yard, and a Burmese driver's called screen.
 * The API and the browser run at 10:00 at the port, so every page judges the time the API does.
 */
describe('consoles through a port day (browser)', () => {
  const BOARD = 'MOHAN';
  const DESK = 'RUILI';
  // A port of its own for each console test: one that fails leaves no truck in another's line.
  const PHONE = 'HEKOU';
  const CALLED = 'WANDING';
  const clock = portDayClock('10:00:00');
  let api: TestApi;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  /** A browser context at the API's instant; bypassCSP only so axe-core's script can be added. */
  const context = async (opts: BrowserContextOptions): Promise<BrowserContext> => {
    const c = await browser.newContext({ bypassCSP: true, ...opts });
    await c.clock.install({ time: clock.now() });
    contexts.push(c);
    return c;
  };

  const open = async (url: string, opts: BrowserContextOptions) => {
    const page = await (await context(opts)).newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    return { page, errors };
  };

  const staffUser = async (port: string, role: 'port_staff' | 'yard_staff' = 'port_staff') => {
    const email = `${role}-${randomBytes(3).toString('hex')}@port.example`;
    const res = await api.http
      .post(`${API}/ports/${port}/staff`)
      .set(bearer(api.adminToken))
      .send({ email, password: 'staff-password', role })
      .expect(201);
    return { email, password: 'staff-password', token: api.tokens.sign({ sub: res.body.id, role, portCode: port }) };
  };

  const signIn = async (page: Page, user: { email: string; password: string }) => {
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await page.click('#login button[type=submit]');
    await page.locator('#live.on').waitFor(WAIT);
  };

  const plateOf = async (vehicleId: string) =>
    ((await api.ds.query('SELECT plate FROM vehicles WHERE id = $1', [vehicleId]))[0] as { plate: string }).plate;
  const status = async (id: string) =>
    ((await api.ds.query('SELECT status FROM bookings WHERE id = $1', [id]))[0] as { status: string }).status;

  /** Truck `i` of `firm` booked into the slot of now at `port`, with its driver speaking `language`. */
  const book = async (port: string, firm: TestFirm, i: number, language = 'zh') => {
    await api.ds.query('UPDATE drivers SET language = $2 WHERE id = $1', [firm.driverIds[i], language]);
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({
        slotId: (await slotAt(api, port)).id,
        vehicleId: firm.vehicleIds[i],
        driverId: firm.driverIds[i],
        cargo: cargo(),
      })
      .expect(201);
    return {
      id: b.body.id as string,
      reference: b.body.reference as string,
      code: b.body.driverCode as string,
      plate: await plateOf(firm.vehicleIds[i]),
    };
  };

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startApi({}, { clock });
    for (const port of [BOARD, DESK, PHONE, CALLED])
      await putSchedule(api, port, { ...OPENING_HOURS, capacity: { export: 30, import: 30 }, firmQuotaPercent: 100 });
  });

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  describe('the board of a busy line at 1920×1080', () => {
    /** 17 trucks checked in, the first called: 16 rows in line, three of them sharing the mask QA·***51. */
    const LOOK_ALIKES = ['QA1051', 'QA2051', 'QA3051'];

    beforeAll(async () => {
      const firm = await createFirm(api, 'Busy Line Freight', 17);
      const staff = await staffUser(BOARD);
      for (const [i, plate] of LOOK_ALIKES.entries())
        await api.ds.query('UPDATE vehicles SET plate = $2 WHERE id = $1', [firm.vehicleIds[i], plate]);
      for (let i = 0; i < 17; i++) {
        const b = await book(BOARD, firm, i);
        await api.http
          .post(`${API}/ports/${BOARD}/check-ins`)
          .set(bearer(staff.token))
          .send({ plate: b.plate })
          .expect(201);
      }
      const lane = await laneOf(api, BOARD);
      await api.http.post(`${API}/ports/${BOARD}/lanes/${lane}/call-next`).set(bearer(staff.token)).expect(200);
      await api.http
        .put(`${API}/ports/${BOARD}/fees`)
        .set(bearer(api.adminToken))
        .send({
          effectiveFrom: dayAtPort(clock.now()),
          currency: 'CNY',
          items: [
            {
              code: 'inspection',
              name: {
                zh: '查验费',
                en: 'Inspection',
                lo: 'ຄ່າກວດກາ',
                vi: 'Phí kiểm tra',
                my: 'စစ်ဆေးခ',
                th: 'ค่าตรวจสอบ',
              },
              amount: 100,
              unit: 'per_truck',
            },
          ],
        })
        .expect(201);
    });

    const openBoard = async () => {
      const board = await open(`${api.url}/board/${BOARD}`, { viewport: { width: 1920, height: 1080 } });
      await board.page.locator('#dir-export tbody tr').first().waitFor(WAIT);
      await board.page.locator('#fees:not([hidden])').waitFor(WAIT);
      return board;
    };
    /** The board in `word`'s language: the export heading says it (a rotation of six languages takes 48 s). */
    const inLanguage = (page: Page, word: string) =>
      page.locator('#dir-export h2', { hasText: word }).waitFor({ timeout: 60_000 });

    it('shows the rows that fit, "+N more", and the fees footer on screen', async () => {
      const { page, errors } = await openBoard();
      await inLanguage(page, 'Export');
      // One look at the page, in one task of its own: the rotation redraws the board every few seconds, so reading
      // the rows, the "+N more" and their boxes one call at a time could straddle a redraw (CI caught it once).
      type Box = { y: number; height: number; bottom: number };
      type Look = { heading: string; shown: number; more: string; moreBox: Box; fees: Box; scroll: number };
      const look = (): Promise<Look | null> =>
        page.evaluate(`(() => {
          const more = document.querySelector('#dir-export .more');
          const fees = document.querySelector('#fees');
          if (!more || !fees) return null;
          const box = (n) => { const r = n.getBoundingClientRect(); return { y: r.y, height: r.height, bottom: r.bottom }; };
          return {
            heading: (document.querySelector('#dir-export h2') || {}).textContent || '',
            shown: document.querySelectorAll('#dir-export tbody tr').length,
            more: more.innerText,
            moreBox: box(more),
            fees: box(fees),
            scroll: document.scrollingElement.scrollHeight,
          };
        })()`);
      let seen = await look();
      while (!seen?.heading.includes('Export')) {
        await inLanguage(page, 'Export');
        seen = await look();
      }
      expect(seen.shown).toBeLessThan(16);
      expect(seen.shown).toBeGreaterThanOrEqual(5);
      expect(seen.more).toBe(`+${16 - seen.shown} more`);
      // Nothing below the screen: the last row, the "+N more" and the fees all inside 1080 px, and no scrolling.
      expect(seen.fees.y + seen.fees.height).toBeLessThanOrEqual(1080);
      expect(seen.moreBox.bottom).toBeLessThanOrEqual(seen.fees.y);
      expect(seen.scroll).toBeLessThanOrEqual(1080);
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    }, 90_000);

    it('never shows two trucks alike, nor any plate whole', async () => {
      const { page, errors } = await openBoard();
      const labels = await page.locator('#board .plate').allInnerTexts();
      expect(labels.filter((l) => l.startsWith('QA·***51'))).toHaveLength(3);
      expect(new Set(labels).size).toBe(labels.length);
      const body = await page.locator('body').innerText();
      for (const plate of LOOK_ALIKES) expect(body).not.toContain(plate);
      expect(errors).toEqual([]);
    }, 90_000);

    it('speaks Thai, Burmese and Vietnamese in turn, fee names and "+N more" included', async () => {
      const { page, errors } = await openBoard();
      for (const [word, fee, more] of [
        ['ขาออก', 'ค่าตรวจสอบ', '^อีก \\d+ คัน$'],
        ['ထွက်', 'စစ်ဆေးခ', '^နောက်ထပ် \\d+ စီး$'],
        ['Xuất', 'Phí kiểm tra', '^\\+\\d+ xe nữa$'],
      ]) {
        // The heading, the fees and the "+N more" read in one go: the next rotation cannot fall between them.
        await page.waitForFunction(
          `document.querySelector('#dir-export h2')?.textContent === ${JSON.stringify(word)}
          && (document.querySelector('#fees')?.textContent ?? '').includes(${JSON.stringify(fee)})
          && new RegExp(${JSON.stringify(more)}).test(document.querySelector('#dir-export .more')?.textContent ?? '')`,
          undefined,
          { timeout: 60_000 },
        );
      }
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    }, 150_000);

    it('says how long ago it last heard the server wholly in Lao, with no English unit', async () => {
      const { page, errors } = await openBoard();
      await page.locator('#live.on').waitFor(WAIT);
      await page.context().setOffline(true);
      const badge = page.locator('#live.off');
      await badge.waitFor(WAIT);
      await page.waitForFunction(
        `document.documentElement.lang === 'lo' && /\\d/.test(document.querySelector('#live').textContent)`,
        undefined,
        { timeout: 60_000 },
      );
      const text = await badge.innerText();
      expect(text).toMatch(/^○ ອອບລາຍ · \d+ (ວິນາທີ|ນາທີ)ກ່ອນ$/);
      expect(text).not.toMatch(/[A-Za-z]/);
      await page.context().setOffline(false);
      expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|WebSocket/.test(e))).toEqual([]);
    }, 90_000);
  });

  describe('the lane console, the yard and the called screen', () => {
    let firm: TestFirm;

    beforeAll(async () => {
      firm = await createFirm(api, 'Desk Freight', 4);
    });

    const openConsole = async (user: { email: string; password: string }, width = 1280) => {
      const c = await open(`${api.url}/staff`, {
        locale: 'en-US',
        viewport: { width, height: width > 400 ? 800 : 740 },
      });
      await signIn(c.page, user);
      await c.page.locator('#dir-export .lane-card').first().waitFor(WAIT);
      return c;
    };

    it("names the holding area and the lanes in the console's language, not the driver's nor by code", async () => {
      const staff = await staffUser(DESK);
      const truck = await book(DESK, firm, 0, 'th');
      const { page, errors } = await openConsole(staff);
      await page.fill('#plate', truck.plate);
      await page.click('#checkin button');
      const msg = page.locator('#msg.ok', { hasText: `${truck.plate} checked in` });
      await msg.waitFor(WAIT);
      // The driver reads Thai; the officer, English: the area as the port names it in English, no Thai in it.
      expect(await msg.innerText()).toMatch(/Ruili holding area bay \d+$/);
      expect(await msg.innerText()).not.toMatch(/[\u0e00-\u0e7f]/);
      expect(await page.locator('#dir-export .lane-card .name').first().innerText()).toBe('Export lane 1');
      expect(await page.locator('body').innerText()).not.toContain('export-1');

      // In Chinese, the message and the lanes follow.
      await page.click('#lang');
      await page.locator('#dir-export .lane-card .name', { hasText: '出境 1号车道' }).first().waitFor(WAIT);
      expect(await page.locator('#msg').innerText()).toContain('瑞丽口岸货车等候区');
      await page.locator('#dir-export .lane-card button.call').first().click();
      const row = page.locator('#dir-export .called-row', { hasText: truck.plate });
      await row.waitFor(WAIT);
      expect(await row.locator('.lane').innerText()).toBe('→ 出境 1号车道');
      expect(await page.locator('#msg').innerText()).toContain('→ 出境 1号车道');
      expect(await page.locator('body').innerText()).not.toContain('export-1');
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);

      // The yard names the lane of the called truck in its language too.
      const yard = await open(`${api.url}/yard`, { locale: 'en-US', viewport: { width: 1280, height: 800 } });
      await signIn(yard.page, await staffUser(DESK, 'yard_staff'));
      const called = yard.page.locator('.lane', { hasText: 'Export lane 1' });
      await called.first().waitFor(WAIT);
      expect(await yard.page.locator('body').innerText()).not.toContain('export-1');
      expect(yard.errors).toEqual([]);
      await api.http.post(`${API}/bookings/${truck.id}/complete`).set(bearer(staff.token)).expect(200);
    }, 90_000);

    it('Complete and Skip wait 10 s for an undo, as No-show does, on a 360 px phone', async () => {
      const staff = await staffUser(PHONE);
      const truck = await book(PHONE, firm, 1);
      await api.http
        .post(`${API}/ports/${PHONE}/check-ins`)
        .set(bearer(staff.token))
        .send({ plate: truck.plate })
        .expect(201);
      const { page, errors } = await openConsole(staff, 360);
      await page.locator('#dir-export table.waiting tr', { hasText: truck.plate }).waitFor(WAIT);
      await page.locator('#dir-export .lane-card button.call').first().click();
      const row = page.locator('#dir-export .called-row', { hasText: truck.plate });
      await row.waitFor(WAIT);

      // Complete, then Undo; Skip, then U: both taken back, and after the 10 s nothing was sent.
      await row.locator('button.done').click();
      expect(await row.locator('.pending').innerText()).toMatch(/^Completing in (10|9) s$/);
      expect(await row.locator('button', { hasText: 'Skip' }).count()).toBe(0);
      await row.locator('button.undo').click();
      await page.locator('#msg', { hasText: 'Undone: nothing was sent.' }).waitFor(WAIT);
      await row.locator('button', { hasText: 'Skip' }).click();
      expect(await row.locator('.pending').innerText()).toMatch(/^Skipping in (10|9) s$/);
      expect(await seriousViolations(page)).toEqual([]);
      await page.keyboard.press('u');
      await row.locator('button.undo').waitFor({ state: 'detached', ...WAIT });
      await sleep(UNDO_MS + 1000);
      expect(await status(truck.id)).toBe('called');

      // Skip left alone: sent once the 10 s have passed, not before; the truck goes back in line.
      let tappedAt = Date.now();
      await row.locator('button', { hasText: 'Skip' }).click();
      await sleep(UNDO_MS / 2);
      expect(await status(truck.id)).toBe('called');
      await until('the skip is sent', async () => (await status(truck.id)) === 'checked_in', UNDO_MS + 10_000);
      expect(Date.now() - tappedAt).toBeGreaterThanOrEqual(UNDO_MS);

      // Called again (the only one waiting) and completed: sent once the 10 s have passed, not before.
      await page.locator('#dir-export table.waiting tr', { hasText: truck.plate }).waitFor(WAIT);
      await page.locator('#dir-export .lane-card button.call').first().click();
      await row.locator('button.done').click();
      tappedAt = Date.now();
      await sleep(UNDO_MS / 2);
      expect(await status(truck.id)).toBe('called');
      await until('the completion is sent', async () => (await status(truck.id)) === 'completed', UNDO_MS + 10_000);
      expect(Date.now() - tappedAt).toBeGreaterThanOrEqual(UNDO_MS - 1000);
      await page.locator('#msg.ok', { hasText: `${truck.plate}: completed` }).waitFor(WAIT);
      expect(errors).toEqual([]);
    }, 120_000);

    it("keeps a Burmese driver's lane name whole on the called screen at 360 px (a line starts only after a space)", async () => {
      const staff = await staffUser(CALLED);
      const truck = await book(CALLED, firm, 2, 'my');
      const { page, errors } = await open(`${api.url}/d`, { locale: 'my-MM', viewport: { width: 360, height: 740 } });
      await page.fill('#reference', truck.reference);
      await page.fill('#driverCode', truck.code);
      await page.click('#login button[type=submit]');
      await page.locator('#live.on').waitFor(WAIT);
      await api.http
        .post(`${API}/ports/${CALLED}/check-ins`)
        .set(bearer(staff.token))
        .send({ plate: truck.plate })
        .expect(201);
      const lane = await laneOf(api, CALLED);
      await api.http.post(`${API}/ports/${CALLED}/lanes/${lane}/call-next`).set(bearer(staff.token)).expect(200);
      await page.locator('#calledBox:not([hidden])').waitFor(WAIT);
      const name = await page.locator('#calledLane').innerText();
      expect(name).toMatch(/^\S+ 1$/);
      // Where each line of the name starts: a line may start only after a space (never inside a word), and the name
      // stays inside the screen.
      const starts = (await page.evaluate(`(() => {
        const text = document.querySelector('#calledLane').firstChild;
        const range = document.createRange();
        const starts = [];
        let top = null;
        for (let i = 0; i < text.length; i++) {
          range.setStart(text, i);
          range.setEnd(text, i + 1);
          const r = range.getClientRects()[0];
          if (!r) continue;
          if (top !== null && r.top > top + 2) starts.push(i);
          top = r.top;
        }
        return starts;
      })()`)) as number[];
      for (const i of starts) expect({ i, before: name[i - 1] }).toEqual({ i, before: ' ' });
      const box = (await page.locator('#calledLane').boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(360);
      expect(await page.evaluate('document.scrollingElement.scrollWidth')).toBeLessThanOrEqual(360);
      expect(errors).toEqual([]);
    }, 60_000);
  });
});

/** The port's day (Asia/Shanghai) of an instant. */
function dayAtPort(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
}
