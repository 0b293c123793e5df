import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isapiAlert, parseCameraArgs, platesOfDay, runCamera } from '../../apps/cli/src/camera';
import { runDemo } from '../../apps/cli/src/demo';
import { DemoDay, readDemoDay, writeDemoDay } from '../../apps/cli/src/demo-day';
import { API, bearer, portDate, startApi, TestApi } from '../support/harness';
import { portTime, TestClock } from '../support/test-clock';

/**
 * `npm run camera` against the day `npm run demo` made (issue 19, item 5): the demo registers a camera per position
 * and writes the day's trucks; the camera plays reads from it (or from a list) to the API and reports each outcome.
 */
describe('npm run camera', () => {
  // As the demo's test: 14:00 at the port, running, so today has trucks checked in, called, through and still to come.
  const clock = new TestClock().run(portTime(portDate(0), '14:00:00'));
  let api: TestApi;
  let dir: string;
  let dayFile: string;
  let day: DemoDay;
  let cameras: Awaited<ReturnType<typeof runDemo>>['cameras'];
  const lines: string[] = [];
  const say = (l: string) => lines.push(l);
  const camera = (position: string) => cameras.find((c) => c.position === position)!;
  const status = async (id: string) =>
    (await api.ds.query('SELECT status, at_lane_at, yard_arrived_at FROM bookings WHERE id = $1', [id]))[0] as {
      status: string;
      at_lane_at: Date | null;
      yard_arrived_at: Date | null;
    };

  beforeAll(async () => {
    api = await startApi({}, { clock });
    const adminEmail = (await api.ds.query(`SELECT email FROM users WHERE role = 'port_admin' LIMIT 1`))[0]
      .email as string;
    const done = await runDemo({
      url: api.url,
      adminEmail,
      adminPassword: 'admin-password',
      say,
      now: () => clock.now(),
    });
    cameras = done.cameras;
    dir = mkdtempSync(join(tmpdir(), 'kouan-camera-'));
    dayFile = join(dir, 'demo-day.json');
    writeDemoDay(dayFile, done.day);
    day = readDemoDay(dayFile);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await api.close();
  });

  it('the demo registers one camera per position, prints their ids, keys and the camera command, and writes the day', async () => {
    expect(cameras.map((c) => c.position)).toEqual(['holding_entry', 'lane', 'yard_gate']);
    const listed = (await api.http.get(`${API}/ports/MOHAN/devices`).set(bearer(api.adminToken)).expect(200))
      .body as Array<{ id: string; position: string; laneId: string | null; areaId: string | null }>;
    for (const c of cameras) {
      expect(listed.find((d) => d.id === c.id)).toMatchObject({
        position: c.position,
        laneId: c.laneId,
        areaId: c.areaId,
      });
      expect(lines.join('\n')).toContain(`device ${c.id}, key ${c.key}`);
    }
    expect(camera('holding_entry').areaId).toEqual(expect.any(String));
    expect(camera('lane').laneId).toEqual(expect.any(String));
    expect(lines.join('\n')).toContain(
      `npm run camera -- --port MOHAN --device ${camera('holding_entry').id} --key ${camera('holding_entry').key}`,
    );
    // The day as it stands: the trucks still booked, the ones called, the ones through (the yard awaits one each way).
    const booked = Object.values(day.booked).flat();
    expect(booked.length).toBeGreaterThan(0);
    for (const b of booked) expect((await status(b.bookingId)).status).toBe('booked');
    expect(day.called.length).toBeGreaterThan(0);
    for (const c of day.called) expect((await status(c.bookingId)).status).toBe('called');
    for (const c of day.completed) {
      const s = await status(c.bookingId);
      expect(s.status).toBe('completed');
      expect(s.yard_arrived_at !== null).toBe(c.yardArrived);
    }
    expect(day.devices.map((d) => d.id)).toEqual(cameras.map((c) => c.id));
    expect(JSON.stringify(day)).not.toContain(camera('holding_entry').key);
  });

  it('at the holding entry: a booked truck whose window is open is checked in, an unknown plate is unmatched, a repeat is a duplicate', async () => {
    const first = Object.values(day.booked)
      .flat()
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
    // Half an hour before its slot: inside the hour a truck may come early.
    clock.set(Date.parse(first.startsAt) - 30 * 60_000);
    const played = await runCamera({
      url: api.url,
      port: 'MOHAN',
      device: camera('holding_entry').id,
      key: camera('holding_entry').key,
      plates: [first.plate, '云Z00000', first.plate],
      everyMs: 0,
      say,
      now: () => clock.now(),
    });
    expect(played).toEqual([
      { plate: first.plate, status: 202, outcome: 'checked_in', bookingId: first.bookingId },
      { plate: '云Z00000', status: 202, outcome: 'unmatched' },
      expect.objectContaining({ plate: first.plate, status: 202, outcome: 'duplicate' }),
    ]);
    expect((await status(first.bookingId)).status).toBe('checked_in');
    const stored = (await api.ds.query(
      `SELECT outcome FROM gate_reads WHERE device_id = $1 ORDER BY received_at, outcome`,
      [camera('holding_entry').id],
    )) as Array<{ outcome: string }>;
    expect(stored.map((r) => r.outcome).sort()).toEqual(['checked_in', 'duplicate', 'unmatched']);
    expect(lines.join('\n')).toMatch(new RegExp(`${first.plate} +0\\.93 +→ checked_in`));
  });

  it("over the lane and at the yard gate, from the demo's day: the called truck is at its lane, the one the yard awaits arrives", async () => {
    const lane = camera('lane');
    const atLane = await runCamera({
      url: api.url,
      port: 'MOHAN',
      device: lane.id,
      key: lane.key,
      dayFile,
      everyMs: 0,
      say,
      now: () => clock.now(),
    });
    const mine = day.called.find((c) => c.laneId === lane.laneId)!;
    expect(atLane[0]).toEqual({ plate: mine.plate, status: 202, outcome: 'at_lane', bookingId: mine.bookingId });
    expect((await status(mine.bookingId)).at_lane_at).not.toBeNull();
    // A truck called to the other lane, seen over this one.
    for (const r of atLane.slice(1)) expect(r).toMatchObject({ status: 202, outcome: 'wrong_lane' });
    expect(atLane).toHaveLength(day.called.length);

    const yard = camera('yard_gate');
    const arrived = await runCamera({
      url: api.url,
      port: 'MOHAN',
      device: yard.id,
      key: yard.key,
      dayFile,
      everyMs: 0,
      say,
      now: () => clock.now(),
    });
    const awaited = day.completed.filter((c) => !c.yardArrived);
    expect(awaited.length).toBeGreaterThan(0);
    expect(arrived).toEqual(
      awaited.map((c) => ({ plate: c.plate, status: 202, outcome: 'yard_arrived', bookingId: c.bookingId })),
    );
    for (const c of awaited) expect((await status(c.bookingId)).yard_arrived_at).not.toBeNull();
  });

  it('stops at a refused key, and refuses a device the day does not know without --plates', async () => {
    await expect(
      runCamera({
        url: api.url,
        port: 'MOHAN',
        device: camera('yard_gate').id,
        key: 'kgd_not-a-key',
        plates: ['云K12345', '云K12346'],
        everyMs: 0,
        say,
        now: () => clock.now(),
      }),
    ).rejects.toThrow(/401/);
    expect(() => platesOfDay(day, '00000000-0000-4000-8000-000000000000')).toThrow(/--plates/);
  });
});

describe('npm run camera --xml', () => {
  it('posts each read as a Hikvision ISAPI EventNotificationAlert to /gate/isapi with the key in the query', async () => {
    const seen: Array<{ url: string; type: string; body: string; auth?: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.method === 'GET' && req.url === '/api/v1/ports/MOHAN') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ timeZone: 'Asia/Shanghai' }));
          return;
        }
        seen.push({
          url: req.url ?? '',
          type: req.headers['content-type'] ?? '',
          body,
          auth: req.headers.authorization,
        });
        res
          .writeHead(202, { 'content-type': 'application/json' })
          .end(JSON.stringify({ readId: '11111111-1111-4111-8111-111111111111', outcome: 'unmatched' }));
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const { port } = server.address() as AddressInfo;
      const played = await runCamera({
        url: `http://127.0.0.1:${port}/`,
        port: 'MOHAN',
        device: '22222222-2222-4222-8222-222222222222',
        key: 'kgd_a+b/c',
        xml: true,
        plates: ['云K·12345'],
        confidence: 0.87,
        everyMs: 0,
        say: () => undefined,
        now: () => new Date('2026-12-05T06:30:00Z'),
      });
      expect(played).toEqual([{ plate: '云K·12345', status: 202, outcome: 'unmatched' }]);
      expect(seen).toHaveLength(1);
      expect(seen[0].url).toBe('/api/v1/gate/isapi?key=kgd_a%2Bb%2Fc');
      expect(seen[0].auth).toBeUndefined();
      expect(seen[0].type).toMatch(/^application\/xml/);
      const xml = seen[0].body;
      expect(xml).toContain('<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">');
      expect(xml).toContain('<eventType>ANPR</eventType>');
      expect(xml).toContain('<dateTime>2026-12-05T14:30:00+08:00</dateTime>');
      expect(xml).toMatch(
        /<ANPR>[\s\S]*<licensePlate>云K·12345<\/licensePlate>[\s\S]*<confidenceLevel>87<\/confidenceLevel>/,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    }
    expect(isapiAlert({ plate: 'A<&>B', confidence: 1, at: new Date(0), timeZone: 'UTC' })).toContain(
      '<licensePlate>A&lt;&amp;&gt;B</licensePlate>',
    );
  });

  it('reads its options from the command line', () => {
    expect(
      parseCameraArgs([
        '--port',
        'mohan',
        '--device',
        'd1',
        '--key',
        'k1',
        '--xml',
        '--plates',
        'A1, B2',
        '--every',
        '500ms',
        '--confidence=0.7',
      ]),
    ).toEqual({
      port: 'MOHAN',
      device: 'd1',
      key: 'k1',
      xml: true,
      url: 'http://localhost:3000',
      plates: ['A1', 'B2'],
      everyMs: 500,
      confidence: 0.7,
    });
    expect(parseCameraArgs(['--port', 'M', '--device', 'd', '--key', 'k', '--every', '2s']).everyMs).toBe(2000);
    expect(() => parseCameraArgs(['--port', 'M', '--device', 'd'])).toThrow(/--key is needed/);
    expect(() => parseCameraArgs(['--port', 'M', '--device', 'd', '--key', 'k', '--confidence', '2'])).toThrow();
    expect(() => parseCameraArgs(['--port', 'M', '--device', 'd', '--key', 'k', '--every', 'soon'])).toThrow();
    expect(() => parseCameraArgs(['--port', 'M', '--device', 'd', '--key', 'k', '--colour', 'red'])).toThrow(
      /not an option/,
    );
  });
});
