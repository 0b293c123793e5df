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
    for (const port of [BOARD, DESK])
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
        await api.http.post(`${API}/ports/${BOARD}/check-ins`).set(bearer(staff.token)).send({ plate: b.plate });
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
      const shown = await page.locator('#dir-export tbody tr').count();
      expect(shown).toBeLessThan(16);
      expect(shown).toBeGreaterThanOrEqual(5);
      expect(await page.locator('#dir-export .more').innerText()).toBe(`+${16 - shown} more`);
      // Nothing below the screen: the last row, the "+N more" and the fees all inside 1080 px, and no scrolling.
      const fees = (await page.locator('#fees').boundingBox())!;
      expect(fees.y + fees.height).toBeLessThanOrEqual(1080);
      const more = (await page.locator('#dir-export .more').boundingBox())!;
      expect(more.y + more.height).toBeLessThanOrEqual(fees.y);
      expect(await page.evaluate('document.scrollingElement.scrollHeight')).toBeLessThanOrEqual(1080);
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
});

/** The port's day (Asia/Shanghai) of an instant. */
function dayAtPort(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
}
