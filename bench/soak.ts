/**
 * `npm run soak -- --port MOHAN --trucks 950 --speed 60 --seed N [--from HH:MM] [--to HH:MM | --minutes N] [--json]`
 * (issue 22 item 6): the capacity simulator's day (libs/sim, `runKouan`) played through the real system, and what
 * the system did compared with what the model did on the same seed.
 *
 * On a fresh database of its own (migrated and seeded, dropped at the end) and a Redis prefix of its own: two API
 * processes and the worker from dist/, all three on one simulated clock (CLOCK_START, CLOCK_RUN_FROM, CLOCK_SPEED:
 * it stands at `--from` while the soak sets up, then runs `--speed` times as fast as the real time). Set up through
 * the API: the port's schedule and lanes as the model's parameters say, a gate camera at the holding area's entry,
 * the model's firms with a dispatcher each, and every truck the model books today booked by its firm into the
 * model's slot (vehicle, driver, booking; perishable cargo as drawn), its driver signed in with the booking's code
 * and holding a socket. A public board socket and a lane console (a port staff socket) follow the line.
 *
 * Then the model's day, action by action, each at its model instant on the shared clock (or as soon as the one
 * before it is answered, when the soak runs late), one at a time and in the model's order:
 *  - a truck checking in: its plate read by the holding-area camera (`POST /gate/reads`), when the model checks it in
 *    (a truck that came before its window opened drives in when it opens);
 *  - a lane calling: `POST /ports/:code/lanes/:id/call-next` when the model's lane calls; the real system picks the
 *    truck by its own queue rules, and the soak compares its choice with the model's; a truck the model serves is
 *    then read by that lane's camera (`at_lane`: a truck at its lane is not timed out however long its service);
 *  - a served truck's end: `POST /bookings/:id/complete` when its service time is over;
 *  - a truck not at its lane (model `skip`): `POST /bookings/:id/skip` after the model's 2 minutes;
 *  - a truck that left (model `gone`): nothing from staff; the worker's called timeout puts it back (first) or makes
 *    it a no-show (second), and the soak waits for that before the model's next action.
 *
 * Reported beside the model: calls and trucks served, and the order of service (must be equal); waits in line
 * (check-in → the call it was served on: mean, p50, p90 within 5 %); every driver's last `booking:update` against
 * `GET /driver/booking` (0 mismatches); the board's and the console's line against `GET /ports/:code/queue` and
 * `…/queue/staff`; HTTP statuses (0 × 5xx) and p99 per endpoint; the event loop's delay p99 and the memory after a
 * full GC at the start and end of the day for each process (process-stats.preload.ts; growth ≤ 50 MB); how late the
 * soak was against the model's instants; the load average. `--json` prints the same as one JSON object.
 *
 * Every option of `npm run simulate` (docs/simulation.md) sets the model, and the port to match it, except
 * `--lane-hours` other than the opening hours and `--counterpart-daily`. Soak options: `--speed` (60), `--from`
 * (default 10 simulated minutes before the first check-in), `--to` (default: after the model's last action) or
 * `--minutes`, `--date` (the simulated day, default tomorrow at the port), `--lead` (real seconds the clock stands
 * still for the set-up, default 60), `--json`. Environment: DATABASE_URL / REDIS_URL (the servers; the database
 * name is replaced).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { io, Socket } from 'socket.io-client';
import { follow, isWhole, LineDelta, WholeLine } from '@kouan/realtime';
import { formatClock } from '@kouan/calendar';
import { parseOptions, population, SimParams, SimTruck } from '@kouan/sim';
import {
  ApiProcess,
  benchEnv,
  cleanupBench,
  cli,
  fmt,
  freshDatabase,
  jwtSigner,
  loadavg,
  log,
  nowMs,
  percentile,
  requestJson,
  runBench,
  sleep,
  startApi,
  startWorker,
  stopApi,
} from './support';
import { checkOutlook, LineLog, OutlookAnswer, summarize } from './soak-outlook';
import { plan, TruckAction } from './soak-plan';

/** Minutes after midnight as HH:MM. */
const at = (minutes: number) => formatClock(Math.floor(minutes));

const SOAK_OPTIONS = ['speed', 'from', 'to', 'minutes', 'date', 'lead', 'outlook-at'] as const;
/** A called timeout (the worker's) must show within this much real time after its instant. */
const WORKER_WAIT_MS = 60_000;
/** Live views must equal REST within this much real time after the last action. */
const SETTLE_MS = 10_000;
const MEMORY_GROWTH_LIMIT_MB = 50;
const WAIT_TOLERANCE = 0.05;
const DIRECTION = 'export';
const CONFIDENCE = 0.95;

interface Options {
  p: SimParams;
  speed: number;
  /** Minutes after the day's midnight. */
  from: number | null;
  to: number | null;
  minutes: number | null;
  leadMs: number;
  /** Minutes after the day's midnight at which the soak reads the outlook. */
  outlookAt: number[];
  json: boolean;
}

function options(argv: string[]): Options {
  const soak: Record<string, string> = {};
  const sim: string[] = [];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].replace(/^--/, '').split('=', 2);
    if (argv[i] === '--json') json = true;
    else if ((SOAK_OPTIONS as readonly string[]).includes(name)) soak[name] = inline ?? argv[++i];
    else sim.push(argv[i]);
  }
  const { values } = parseArgs({ args: sim, strict: false });
  if (values['counterpart-daily'] !== undefined)
    throw new RangeError('the soak plays one port: no --counterpart-daily');
  const { p } = parseOptions(sim);
  if (p.laneHours.length !== 1 || p.laneHours[0][0] !== p.openFrom || p.laneHours[0][1] !== p.openTo)
    throw new RangeError('the soak opens its lanes for the opening hours: no other --lane-hours');
  const minutes = (name: string, v: string) => {
    const m = /^(\d\d):(\d\d)$/.exec(v);
    if (!m) throw new RangeError(`--${name} must be HH:MM: ${v}`);
    return Number(m[1]) * 60 + Number(m[2]);
  };
  const clock = (name: string) => (soak[name] === undefined ? null : minutes(name, soak[name]));
  const positive = (name: string, fallback: number) => {
    const n = soak[name] === undefined ? fallback : Number(soak[name]);
    if (!Number.isFinite(n) || n <= 0) throw new RangeError(`--${name} must be a positive number: ${soak[name]}`);
    return n;
  };
  const zone = p.timeZone;
  p.date = soak.date ?? (DateTime.now().setZone(zone).plus({ days: 1 }).toISODate() as string);
  if (!/^\d{4}-\d\d-\d\d$/.test(p.date)) throw new RangeError(`--date must be YYYY-MM-DD: ${p.date}`);
  return {
    p,
    speed: positive('speed', 60),
    from: clock('from'),
    to: clock('to'),
    minutes: soak.minutes === undefined ? null : positive('minutes', 30),
    leadMs: positive('lead', 60) * 1000,
    outlookAt: (soak['outlook-at'] ?? '')
      .split(',')
      .filter(Boolean)
      .map((v) => minutes('outlook-at', v)),
    json,
  };
}

/** The soak reads the outlook (`--outlook-at`), after the instant's other actions. */
type Action = TruckAction | { kind: 'outlook'; at: number };

// ---------------------------------------------------------------------------------------------- HTTP, measured

interface Sample {
  route: string;
  status: number;
  ms: number;
}

class Http {
  readonly samples: Sample[] = [];
  private turn = 0;
  private readonly agents: http.Agent[];

  constructor(private readonly apis: ApiProcess[]) {
    // A kept-alive socket idle for 4 s is closed here, before the API's 5 s keepAliveTimeout closes it there: a request
    // sent on a socket the server is closing at that instant fails with ECONNRESET (Node's agent takes the server's
    // 5 s hint as it is), which a soak at speed 120 met once in a day, idle gaps of 5 s being 10 simulated minutes.
    this.agents = apis.map(() => new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 }));
  }

  /** One request, to the API processes in turn; the route (ids replaced) is what its latency is counted under. */
  async call<T>(method: string, path: string, token: string | null, body?: unknown, extra = {}) {
    const i = this.turn++ % this.apis.length;
    const headers: Record<string, string> = { ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const t0 = nowMs();
    const res = await requestJson(this.agents[i], this.apis[i].port, method, `/api/v1${path}`, body, headers);
    const route = `${method} ${path.replace(/\?.*$/, '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')}`;
    this.samples.push({ route, status: res.status, ms: nowMs() - t0 });
    let data: unknown;
    try {
      data = res.body ? JSON.parse(res.body) : null;
    } catch {
      data = res.body;
    }
    return { status: res.status, data: data as T };
  }

  /** As `call`, failing unless the status is `expect`. */
  async must<T>(expect: number, method: string, path: string, token: string | null, body?: unknown, extra = {}) {
    const r = await this.call<T>(method, path, token, body, extra);
    if (r.status !== expect) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.data)}`);
    return r.data;
  }

  close(): void {
    this.agents.forEach((a) => a.destroy());
  }
}

// ---------------------------------------------------------------------------------------------- sockets

/** Every socket the soak opened, closed at the end however it ends. */
const sockets: Socket[] = [];

class Live {
  readonly events: Array<{ event: string; data: Record<string, unknown> }> = [];
  readonly socket: Socket;

  constructor(api: ApiProcess, token: string | null) {
    this.socket = io(`http://127.0.0.1:${api.port}/live`, {
      auth: token ? { token } : {},
      transports: ['websocket'],
      forceNew: true,
      timeout: 20_000,
    });
    sockets.push(this.socket);
    this.socket.onAny((event: string, data: Record<string, unknown>) => this.events.push({ event, data }));
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((ok, fail) => {
      this.socket.once('connect', () => ok());
      this.socket.once('connect_error', (e) => fail(e));
    });
  }

  last(event: string): Record<string, unknown> | undefined {
    return this.events.filter((e) => e.event === event).at(-1)?.data;
  }

  /** The line a client applying every queue:update on top of `first` (the whole view it began with) holds. */
  line(first?: WholeLine): WholeLine | 'gap' | undefined {
    let kept = first;
    for (const { event, data } of this.events) {
      if (event !== 'queue:update' || data.direction !== DIRECTION) continue;
      const u = data as unknown as WholeLine | LineDelta;
      if (!kept && !isWhole(u)) continue;
      const next = follow(kept, u);
      if (next === 'gap') return 'gap';
      if (next !== 'old') kept = next;
    }
    return kept;
  }
}

// ---------------------------------------------------------------------------------------------- process stats

interface ProcStats {
  lag: { p50Ms: number; p99Ms: number; maxMs: number };
  rssMb: number;
  heapUsedMb: number;
}

/** Asks each process for its stats (process-stats.preload.ts) and waits for the n-th file of each. */
async function processStats(dir: string, procs: ApiProcess[], n: number): Promise<ProcStats[]> {
  for (const p of procs) p.child.kill('SIGWINCH');
  const file = (p: ApiProcess) => `${p.child.pid}-${n}.json`;
  const deadline = Date.now() + 30_000;
  while (procs.some((p) => !readdirSync(dir).includes(file(p)))) {
    if (Date.now() > deadline) throw new Error('a process wrote no stats within 30 s');
    await sleep(100);
  }
  return procs.map((p) => JSON.parse(readFileSync(join(dir, file(p)), 'utf8')) as ProcStats);
}

// ---------------------------------------------------------------------------------------------- the soak

interface Truck {
  sim: SimTruck;
  plate: string;
  bookingId: string;
  reference: string;
  driverToken: string;
  /** Its firm's dispatcher's. */
  firmToken: string;
  socket?: Live;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length,
    mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN,
    p50: percentile(s, 0.5),
    p90: percentile(s, 0.9),
  };
};
const within = (real: number, model: number) =>
  model === 0 ? Math.abs(real) < 1e-9 : Math.abs(real - model) / model <= WAIT_TOLERANCE;
export type SoakReport = Awaited<ReturnType<typeof soak>>;

async function soak(o: Options, env: ReturnType<typeof benchEnv>, procs: ApiProcess[], statsDir: string) {
  const { p } = o;
  const trucks = population(p);
  const { run, slotOf, actions: all } = plan(trucks, p);
  const zone = p.timeZone;
  const midnight = DateTime.fromISO(p.date, { zone }).toMillis();
  const instant = (minute: number) => midnight + Math.round(minute * 60_000);
  const firstCheckIn = all.find((a) => a.kind === 'check-in')?.at ?? p.openFrom;
  const from = o.from ?? Math.max(0, Math.floor(firstCheckIn / 10) * 10 - 10);
  const to = o.minutes !== null ? from + o.minutes : (o.to ?? Math.max(...all.map((a) => a.at)) + 1);
  const played = all.filter((a) => a.at <= to);
  const playing = new Set(played.map((a) => a.truck));
  const actions: Action[] = [...played];
  for (const minute of [...o.outlookAt].sort((a, b) => a - b)) {
    if (minute < from || minute > to)
      throw new RangeError(`--outlook-at ${at(minute)} is outside the played window ${at(from)}–${at(to)}`);
    const i = actions.findIndex((a) => a.at > minute);
    actions.splice(i < 0 ? actions.length : i, 0, { kind: 'outlook', at: minute });
  }
  const loadBefore = loadavg();

  // One clock for the three processes: it stands at `from` until the set-up is done, then runs at --speed.
  const clock = { start: instant(from), runFrom: Date.now() + o.leadMs, speed: o.speed };
  const clockAt = () => clock.start + Math.max(0, Date.now() - clock.runFrom) * clock.speed;
  Object.assign(env.extraEnv, {
    CLOCK_START: new Date(clock.start).toISOString(),
    CLOCK_RUN_FROM: String(clock.runFrom),
    CLOCK_SPEED: String(clock.speed),
  });
  await Promise.all([startApi(env, procs), startApi(env, procs), startWorker(env, procs)]);
  const apis = procs.filter((x) => x.port !== 0);
  const api = new Http(apis);
  const jwt = jwtSigner(env);
  // Tokens the soak signs itself are judged at the simulated clock: issued at its time, good for two of its days.
  const sign = (claims: Record<string, unknown>) => {
    const iat = Math.floor(clockAt() / 1000);
    return jwt.sign({ ...claims, iat, exp: iat + 2 * 86400 });
  };
  const admin = sign({ sub: randomUUID(), role: 'port_admin' });
  const tag = randomBytes(3).toString('hex');

  // The port as the model has it.
  await api.must(200, 'PUT', `/ports/${p.port}/schedule`, admin, {
    slotMinutes: p.slotMinutes,
    capacity: { export: p.capacity, import: p.capacity },
    openFrom: formatClock(p.openFrom),
    openTo: formatClock(p.openTo),
    firmQuotaPercent: p.firmQuotaPercent,
    horizonDays: 7,
    earlyArrivalMinutes: p.earlyArrivalMinutes,
    checkInGraceMinutes: p.checkInGraceMinutes,
    calledTimeoutMinutes: p.calledTimeoutMinutes,
    priorityRatio: p.priorityRatio,
    priorityCapPercent: p.priorityCapPercent,
  });
  type PortView = {
    lanes: Array<{ id: string; name: string; direction: string; status: string }>;
    parkingAreas: Array<{ id: string; bays: number }>;
  };
  let port = await api.must<PortView>(200, 'GET', `/ports/${p.port}`, null);
  for (let n = port.lanes.filter((l) => l.direction === DIRECTION).length; n < p.lanes; n++) {
    const lane = await api.must<{ id: string }>(201, 'POST', `/ports/${p.port}/lanes`, admin, {
      direction: DIRECTION,
      name: `${DIRECTION}-${n + 1}`,
    });
    await api.must(200, 'POST', `/ports/${p.port}/lanes/${lane.id}/status`, admin, { status: 'open' });
  }
  port = await api.must<PortView>(200, 'GET', `/ports/${p.port}`, null);
  const lanes = port.lanes.filter((l) => l.direction === DIRECTION).sort((a, b) => a.name.localeCompare(b.name));
  const bays = port.parkingAreas.reduce((s, a) => s + a.bays, 0);
  if (bays !== p.bays) throw new Error(`${p.port} has ${bays} bays, the model ${p.bays}: give --bays ${bays}`);
  const staffUser = await api.must<{ id: string }>(201, 'POST', `/ports/${p.port}/staff`, admin, {
    email: `staff.${tag}@soak.kouan`,
    password: `soak-staff-${tag}`,
  });
  const staff = sign({ sub: staffUser.id, role: 'port_staff', port: p.port });
  const camera = await api.must<{ key: string }>(201, 'POST', `/ports/${p.port}/devices`, admin, {
    name: 'Soak holding entry',
    position: 'holding_entry',
    areaId: port.parkingAreas[0].id,
  });
  // A camera over each lane sees the called truck arrive: a truck at its lane waits for the lane, so a long service
  // is not taken for an absent truck (the called timeout spares it, as the model does).
  const laneCameras: string[] = [];
  for (const lane of lanes) {
    const c = await api.must<{ key: string }>(201, 'POST', `/ports/${p.port}/devices`, admin, {
      name: `Soak ${lane.name} camera`,
      position: 'lane',
      laneId: lane.id,
    });
    laneCameras.push(c.key);
  }

  // The firms book the model's trucks into the model's slots, in the model's (random) order.
  const slots = await api.must<Array<{ id: string; startsAt: string }>>(
    200,
    'GET',
    `/ports/${p.port}/slots?date=${p.date}&direction=${DIRECTION}`,
    null,
  );
  const slotId = run.slots.map((s) => {
    const found = slots.find((x) => Date.parse(x.startsAt) === instant(s.start));
    if (!found) throw new Error(`no slot of ${p.port} at ${at(s.start)} on ${p.date}`);
    return found.id;
  });
  const dispatchers = new Map<number, { firmId: string; token: string }>();
  const dispatcher = async (firm: number) => {
    const known = dispatchers.get(firm);
    if (known) return known;
    const f = await api.must<{ id: string }>(201, 'POST', '/firms', admin, {
      name: `Soak Freight ${firm + 1} ${tag}`,
      country: 'CN',
      contactEmail: `ops${firm}.${tag}@soak.kouan`,
    });
    const u = await api.must<{ id: string }>(201, 'POST', `/firms/${f.id}/users`, admin, {
      email: `dispatch${firm}.${tag}@soak.kouan`,
      password: `soak-dispatch-${tag}`,
      role: 'dispatcher',
    });
    const d = { firmId: f.id, token: sign({ sub: u.id, role: 'dispatcher', firm: f.id }) };
    dispatchers.set(firm, d);
    return d;
  };
  const booked = new Map<number, Truck>();
  for (const t of trucks) {
    const s = slotOf[t.id];
    if (s === null || !playing.has(t.id)) continue;
    const d = await dispatcher(t.firm);
    const plate = `SK${tag.slice(0, 2).toUpperCase()}${String(t.id).padStart(4, '0')}`;
    const v = await api.must<{ id: string }>(201, 'POST', '/vehicles', d.token, {
      plate,
      country: 'CN',
      reefer: t.perishable,
    });
    const dr = await api.must<{ id: string }>(201, 'POST', '/drivers', d.token, {
      name: `Soak driver ${t.id}`,
      phone: `+86138${String(t.id).padStart(8, '0')}`,
      licenceNo: `SOAK-${tag}-${t.id}`,
      language: ['zh', 'en', 'lo', 'vi', 'my', 'th'][t.id % 6],
    });
    const b = await api.must<{ id: string; reference: string; driverCode: string }>(201, 'POST', '/bookings', d.token, {
      slotId: slotId[s],
      vehicleId: v.id,
      driverId: dr.id,
      cargo: t.perishable
        ? { description: 'Fresh bananas, 1,200 cartons', hsCode: '080390', weightKg: 18000, perishable: true }
        : { description: 'Natural rubber, smoked sheets', hsCode: '400121', weightKg: 24000, perishable: false },
    });
    const session = await api.must<{ accessToken: string }>(200, 'POST', '/driver/session', null, {
      reference: b.reference,
      driverCode: b.driverCode,
    });
    booked.set(t.id, {
      sim: t,
      plate,
      bookingId: b.id,
      reference: b.reference,
      driverToken: session.accessToken,
      firmToken: d.token,
    });
  }
  // A socket per driver, a public board and a lane console, spread over the two processes.
  const fleet = [...booked.values()];
  fleet.forEach((t, i) => (t.socket = new Live(apis[i % 2], t.driverToken)));
  const board = new Live(apis[0], null);
  const consoleLive = new Live(apis[1], staff);
  await Promise.all([...fleet.map((t) => (t.socket as Live).connected()), board.connected(), consoleLive.connected()]);
  const ack = (await board.socket.timeout(10_000).emitWithAck('subscribe', { port: p.port, direction: DIRECTION })) as {
    ok: boolean;
  };
  if (!ack.ok) throw new Error(`board subscribe: ${JSON.stringify(ack)}`);
  const consoleFirst = await api.must<WholeLine>(
    200,
    'GET',
    `/ports/${p.port}/queue/staff?direction=${DIRECTION}`,
    staff,
  );
  const setUpMs = Date.now() - (clock.runFrom - o.leadMs);
  if (Date.now() > clock.runFrom)
    log(`set-up took ${fmt(setUpMs / 1000, 1)} s, longer than --lead ${o.leadMs / 1000}: the day starts late`);
  while (Date.now() < clock.runFrom) await sleep(Math.min(1000, clock.runFrom - Date.now()));
  const statsStart = await processStats(statsDir, procs, 1);
  api.samples.length = 0;

  // The day.
  const byBooking = new Map(fleet.map((t) => [t.bookingId, t]));
  const calls: Array<{ model: number; real: string | null; at: number; serving: boolean }> = [];
  const lateMs: number[] = [];
  const problems: string[] = [];
  const checkedInBefore = new Set<number>();
  /** The truck each lane (model lane number) really has, when it differs from the model's choice. */
  const onLane = new Map<number, string>();
  const modelCalled = new Map<number, number>();
  const line = new LineLog();
  const outlooks: Array<Promise<OutlookAnswer | null>> = [];
  for (const [i, a] of actions.entries()) {
    if (i > 0 && actions[i - 1].at !== a.at) line.close(actions[i - 1].at);
    const due = instant(a.at);
    const wait = clock.runFrom + (due - clock.start) / clock.speed - Date.now();
    if (wait > 0) await sleep(wait);
    lateMs.push(Math.max(0, clockAt() - due));
    if (a.kind === 'outlook') {
      // Not awaited: the day goes on while the model runs (its answer says the instant it read the line at).
      outlooks.push(
        api.call<OutlookAnswer>('GET', `/ports/${p.port}/outlook?direction=${DIRECTION}`, staff).then((r) => {
          if (r.status === 200) return r.data;
          problems.push(`${at(a.at)} outlook: ${r.status} ${JSON.stringify(r.data)}`);
          return null;
        }),
      );
      continue;
    }
    const t = booked.get(a.truck) as Truck;
    if (a.kind === 'check-in') {
      if (a.at < from) checkedInBefore.add(a.truck);
      const r = await api.call<{ outcome: string; reason?: string }>(
        'POST',
        '/gate/reads',
        null,
        { plate: t.plate, confidence: CONFIDENCE },
        { authorization: `Device ${camera.key}` },
      );
      if (r.status !== 202 || r.data.outcome !== 'checked_in')
        problems.push(`${at(a.at)} check-in of truck ${a.truck}: ${r.status} ${JSON.stringify(r.data)}`);
      else line.set(a.truck, a.at, 'waiting');
    } else if (a.kind === 'call') {
      const lane = lanes[a.lane];
      const r = await api.call<{ bookingId: string }>('POST', `/ports/${p.port}/lanes/${lane.id}/call-next`, staff);
      const real = r.status === 200 ? r.data.bookingId : null;
      calls.push({ model: a.truck, real, at: a.at, serving: a.serving });
      const there = real ? byBooking.get(real) : undefined;
      if (there) line.set(there.sim.id, a.at, 'called');
      if (a.serving && there) {
        const seen = await api.call<{ outcome: string }>(
          'POST',
          '/gate/reads',
          null,
          { plate: there.plate, confidence: CONFIDENCE },
          { authorization: `Device ${laneCameras[a.lane]}` },
        );
        if (seen.status !== 202 || seen.data.outcome !== 'at_lane')
          problems.push(`${at(a.at)} lane read of truck ${a.truck}: ${seen.status} ${JSON.stringify(seen.data)}`);
      }
      modelCalled.set(a.truck, a.lane);
      if (real !== t.bookingId) {
        onLane.set(a.lane, real ?? '');
        problems.push(
          `${at(a.at)} lane ${lane.name} called ${real ? (byBooking.get(real)?.sim.id ?? real) : `nobody (${r.status})`}, the model truck ${a.truck}`,
        );
      } else onLane.delete(a.lane);
    } else if (a.kind === 'complete' || a.kind === 'skip') {
      // The truck the lane really has, if the system chose another than the model.
      const lane = modelCalled.get(a.truck) as number;
      const id = onLane.get(lane) ?? t.bookingId;
      const r = await api.call('POST', `/bookings/${id}/${a.kind}`, staff);
      if (r.status !== 200) problems.push(`${at(a.at)} ${a.kind} of truck ${a.truck}: ${r.status}`);
      else if (a.kind === 'skip') line.set((byBooking.get(id) as Truck).sim.id, a.at, 'waiting');
    } else {
      // The worker's called timeout: wait until it has put the truck back (or made it a no-show), as the model did.
      const want = a.final ? 'no_show' : 'checked_in';
      const deadline = Date.now() + WORKER_WAIT_MS;
      for (;;) {
        const r = await api.call<{ status: string }>('GET', '/driver/booking', t.driverToken);
        if (r.data?.status === want) {
          line.set(a.truck, a.at, a.final ? 'no_show' : 'waiting');
          break;
        }
        if (Date.now() > deadline) {
          problems.push(`${at(a.at)} the called timeout of truck ${a.truck} did not come: ${r.data?.status}`);
          break;
        }
        await sleep(50);
      }
    }
  }
  const endedAt = clockAt();
  if (actions.length) line.close((actions.at(-1) as Action).at);
  const minuteOf = (iso: string) => (Date.parse(iso) - midnight) / 60_000;
  const truckOf = (bookingId: string) => byBooking.get(bookingId)?.sim.id;
  const checks = (await Promise.all(outlooks))
    .filter((x): x is OutlookAnswer => x !== null)
    .map((x) => checkOutlook(x, line, minuteOf, truckOf, to));

  // Live views against REST, once the last changes have travelled (waited for, within SETTLE_MS).
  const pick = (u: Record<string, unknown> | undefined | null) =>
    JSON.stringify(u && { status: u.status, position: u.position, etaMinutes: u.etaMinutes, reason: u.reason });
  const compare = async () => {
    const rest = await Promise.all(
      fleet.map((t) => api.call<Record<string, unknown>>('GET', '/driver/booking', t.driverToken)),
    );
    const drivers = fleet.filter((t, i) => pick((t.socket as Live).last('booking:update')) !== pick(rest[i].data));
    const restBoard = await api.must<WholeLine & Record<string, unknown>>(
      200,
      'GET',
      `/ports/${p.port}/queue?direction=${DIRECTION}`,
      null,
    );
    const restConsole = await api.must<WholeLine & Record<string, unknown>>(
      200,
      'GET',
      `/ports/${p.port}/queue/staff?direction=${DIRECTION}`,
      staff,
    );
    const same = (a: WholeLine | 'gap' | undefined, b: WholeLine & Record<string, unknown>) =>
      a !== 'gap' && !!a && JSON.stringify([a.version, a.entries]) === JSON.stringify([b.version, b.entries]);
    const boardLine = board.line();
    const consoleLine = consoleLive.line(consoleFirst);
    const shown = (a: WholeLine | 'gap' | undefined) =>
      a === 'gap' || !a ? String(a) : JSON.stringify([a.version, a.entries]);
    const differences = [
      ...drivers.map((t) => {
        const i = fleet.indexOf(t);
        return `driver of truck ${t.sim.id}: live ${pick((t.socket as Live).last('booking:update'))}, REST ${pick(rest[i].data)}`;
      }),
      ...(same(boardLine, restBoard) ? [] : [`board: live ${shown(boardLine)}, REST ${shown(restBoard)}`]),
      ...(same(consoleLine, restConsole) ? [] : [`console: live ${shown(consoleLine)}, REST ${shown(restConsole)}`]),
    ];
    return { drivers, board: same(boardLine, restBoard), console: same(consoleLine, restConsole), differences };
  };
  let live = await compare();
  for (
    const deadline = Date.now() + SETTLE_MS;
    (live.drivers.length || !live.board || !live.console) && Date.now() < deadline;
  ) {
    await sleep(500);
    live = await compare();
  }
  problems.push(...live.differences);
  const statsEnd = await processStats(statsDir, procs, 2);
  const loadAfter = loadavg();

  // Waits in line: check-in → the call the truck was served on, in simulated minutes.
  const served = calls.filter((c) => c.serving);
  const modelCheckIn = new Map(played.filter((a) => a.kind === 'check-in').map((a) => [a.truck, a.at]));
  const compared = served.filter((c) => !checkedInBefore.has(c.model) && c.real === booked.get(c.model)?.bookingId);
  const realWaits: number[] = [];
  const modelWaits: number[] = [];
  for (const c of compared) {
    const t = booked.get(c.model) as Truck;
    const b = await api.must<{ stages: { arrivedAt: string; calledAt: string } }>(
      200,
      'GET',
      `/bookings/${t.bookingId}`,
      t.firmToken,
    );
    const real = (Date.parse(b.stages.calledAt) - Date.parse(b.stages.arrivedAt)) / 60_000;
    if (!Number.isFinite(real)) problems.push(`truck ${c.model}: stages ${JSON.stringify(b.stages)}`);
    realWaits.push(real);
    modelWaits.push(c.at - (modelCheckIn.get(c.model) as number));
  }
  const waits = { model: stats(modelWaits), real: stats(realWaits) };
  const routes = new Map<string, number[]>();
  const statuses = new Map<number, number>();
  for (const s of api.samples) {
    routes.set(s.route, [...(routes.get(s.route) ?? []), s.ms]);
    statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
  }
  const processes = procs.map((x, i) => ({
    name: x.port ? `API :${x.port}` : 'worker',
    lagP99Ms: statsEnd[i].lag.p99Ms,
    lagMaxMs: statsEnd[i].lag.maxMs,
    rssStartMb: statsStart[i].rssMb,
    rssEndMb: statsEnd[i].rssMb,
    heapStartMb: statsStart[i].heapUsedMb,
    heapEndMb: statsEnd[i].heapUsedMb,
  }));
  const modelServed = run.outcomes.filter((x) => x.fate === 'served' && (x.calledAt as number) <= to).length;
  const order = {
    model: served.map((c) => c.model),
    real: served.map((c) => (c.real ? (byBooking.get(c.real)?.sim.id ?? -1) : -1)),
  };
  const lates = [...lateMs].sort((a, b) => a - b);
  const fiveXx = [...statuses].filter(([s]) => s >= 500 || s === 0).reduce((n, [, k]) => n + k, 0);
  const report = {
    port: p.port,
    zone,
    seed: p.seed,
    date: p.date,
    speed: o.speed,
    window: { from: at(from), to: at(Math.min(to, 24 * 60)), simulatedMinutes: to - from },
    model: { trucks: p.trucks, lanes: p.lanes, capacity: p.capacity, serviceMinutes: p.serviceMinutes },
    booked: booked.size,
    actions: actions.length,
    /** What the played window exercised: check-ins, calls, completions, skips, the worker's called timeouts. */
    exercised: Object.fromEntries(
      (['check-in', 'call', 'complete', 'skip', 'timeout'] as const).map((k) => [
        k,
        actions.filter((a) => a.kind === k).length,
      ]),
    ),
    greenCalls: served.filter((c) => trucks[c.model].perishable).length,
    calls: { model: calls.length, matching: calls.filter((c) => c.real === booked.get(c.model)?.bookingId).length },
    served: { model: modelServed, real: served.filter((c) => c.real).length },
    orderEqual: JSON.stringify(order.model) === JSON.stringify(order.real),
    order,
    waits: {
      ...waits,
      compared: compared.length,
      checkedInBeforeWindow: checkedInBefore.size,
      withinTolerance: (['mean', 'p50', 'p90'] as const).every((k) => within(waits.real[k], waits.model[k])),
    },
    live: {
      drivers: fleet.length,
      mismatches: live.drivers.map((t) => t.sim.id),
      boardEqualsRest: live.board,
      consoleEqualsRest: live.console,
    },
    http: {
      requests: api.samples.length,
      statuses: Object.fromEntries(statuses),
      fiveXx,
      routes: [...routes]
        .map(([route, ms]) => {
          const s = ms.sort((a, b) => a - b);
          return { route, n: s.length, p50Ms: percentile(s, 0.5), p99Ms: percentile(s, 0.99) };
        })
        .sort((a, b) => a.route.localeCompare(b.route)),
    },
    processes,
    memoryGrowthOk: processes.every((x) => x.rssEndMb - x.rssStartMb <= MEMORY_GROWTH_LIMIT_MB),
    late: {
      p50S: percentile(lates, 0.5) / 1000,
      p99S: percentile(lates, 0.99) / 1000,
      maxS: (lates.at(-1) ?? 0) / 1000,
    },
    setUpSeconds: setUpMs / 1000,
    dayRealSeconds: (Date.now() - clock.runFrom) / 1000,
    simulatedEnd: DateTime.fromMillis(endedAt, { zone }).toFormat('HH:mm'),
    load: { before: loadBefore, after: loadAfter, cpus: os.cpus().length },
    /** Each outlook read (`--outlook-at`) against what the line then did. */
    outlook: { at: o.outlookAt.map(at), checks, ...summarize(checks) },
    problems,
  };
  const r = report;
  const ok =
    r.orderEqual &&
    r.calls.matching === r.calls.model &&
    r.served.model === r.served.real &&
    r.waits.withinTolerance &&
    r.live.mismatches.length === 0 &&
    r.live.boardEqualsRest &&
    r.live.consoleEqualsRest &&
    r.http.fiveXx === 0 &&
    r.memoryGrowthOk &&
    r.problems.length === 0;
  return { ...report, ok };
}

function print(r: SoakReport): void {
  const yes = (b: boolean) => (b ? 'yes' : '**NO**');
  const min = (x: number) => `${fmt(x, 1)} min`;
  log('');
  log(
    `### ${r.port}: the model's day played through two API processes and the worker, seed ${r.seed}, ${r.window.from}–${r.window.to} on ${r.date} at ${r.speed}×`,
  );
  log('');
  log(`| | model | real system | equal |`);
  log('| --- | ---: | ---: | --- |');
  log(
    `| calls (${r.actions} actions) | ${r.calls.model} | ${r.calls.matching} as the model chose | ${yes(r.calls.matching === r.calls.model)} |`,
  );
  log(`| trucks served | ${r.served.model} | ${r.served.real} | ${yes(r.served.model === r.served.real)} |`);
  log(`| order of service | ${r.order.model.join(' ')} | ${r.order.real.join(' ')} | ${yes(r.orderEqual)} |`);
  const w = r.waits;
  log(
    `| wait in line, mean / p50 / p90 (${w.compared} trucks) | ${min(w.model.mean)} / ${min(w.model.p50)} / ${min(w.model.p90)} | ${min(w.real.mean)} / ${min(w.real.p50)} / ${min(w.real.p90)} | ${yes(w.withinTolerance)} (≤ 5 %) |`,
  );
  log(
    `| drivers' last update = GET /driver/booking | ${r.live.drivers} | ${r.live.drivers - r.live.mismatches.length} | ${yes(!r.live.mismatches.length)} |`,
  );
  log(
    `| board = GET /queue, console = GET /queue/staff | | ${r.live.boardEqualsRest} / ${r.live.consoleEqualsRest} | ${yes(r.live.boardEqualsRest && r.live.consoleEqualsRest)} |`,
  );
  log(
    `| 5xx (and failed connections) of ${r.http.requests} requests | 0 | ${r.http.fiveXx} | ${yes(r.http.fiveXx === 0)} |`,
  );
  log('');
  log('| endpoint | requests | p50 ms | p99 ms |');
  log('| --- | ---: | ---: | ---: |');
  for (const x of r.http.routes) log(`| ${x.route} | ${x.n} | ${fmt(x.p50Ms, 1)} | ${fmt(x.p99Ms, 1)} |`);
  log('');
  log('| process | event-loop delay p99 / max ms | RSS start → end MB | heap after GC start → end MB |');
  log('| --- | ---: | ---: | ---: |');
  for (const x of r.processes)
    log(
      `| ${x.name} | ${fmt(x.lagP99Ms, 1)} / ${fmt(x.lagMaxMs, 1)} | ${fmt(x.rssStartMb)} → ${fmt(x.rssEndMb)} (${fmt(x.rssEndMb - x.rssStartMb, 1)}) | ${fmt(x.heapStartMb)} → ${fmt(x.heapEndMb)} |`,
    );
  log('');
  log(
    `Set-up ${fmt(r.setUpSeconds, 1)} s (${r.booked} trucks booked, ${r.live.drivers} driver sockets); the day ${fmt(r.dayRealSeconds, 1)} s real; ` +
      `actions late against the model's instants: p50 ${fmt(r.late.p50S, 1)} s, p99 ${fmt(r.late.p99S, 1)} s, max ${fmt(r.late.maxS, 1)} s simulated; ` +
      `HTTP statuses ${Object.entries(r.http.statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(', ')}; load average before ${r.load.before}, after ${r.load.after} (${r.load.cpus} CPUs).`,
  );
  printOutlook(r);
  if (r.problems.length) log(`Problems:\n${r.problems.map((x) => `- ${x}`).join('\n')}`);
  log(r.ok ? 'SOAK PASSED' : 'SOAK FAILED');
}

function printOutlook(r: SoakReport): void {
  if (!r.outlook.at.length) return;
  const hm = (x: number | null) => (x === null ? 'not today' : at(x));
  const minute = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(r.zone).toFormat('HH:mm');
  log('');
  log(
    '| outlook as of | line clears, predicted p50 (p10–p90) | really | error min | at risk (listed) | decided | really missed |',
  );
  log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const c of r.outlook.checks) {
    const { p10, p50, p90 } = c.predicted;
    const share = c.atRisk.share === null ? '–' : `${c.atRisk.missed} (${fmt(c.atRisk.share * 100)} %)`;
    log(
      `| ${minute(c.asOf)} (v${c.version}) | ${hm(p50)} (${hm(p10)}–${hm(p90)}) | ${hm(c.actual)} | ${c.errorMinutes === null ? '–' : fmt(c.errorMinutes, 1)} | ${c.atRisk.total} (${c.atRisk.listed}) | ${c.atRisk.decided} | ${share} |`,
    );
  }
  const s = r.outlook;
  log(
    `Outlook: median |error| of the clear time ${s.clearErrorMedianMinutes === null ? '–' : `${fmt(s.clearErrorMedianMinutes, 1)} min`}, ` +
      `actual within p10–p90 ${s.withinBand} of ${s.answered}; ` +
      `the line each hour, |p50 − real| median ${s.hourErrorMedian === null ? '–' : fmt(s.hourErrorMedian, 1)}, ` +
      `mean ${s.hourErrorMean === null ? '–' : fmt(s.hourErrorMean, 1)} trucks, above the p50 ${s.hoursAboveP50} and below ${s.hoursBelowP50}, ` +
      `within p10–p90 ${s.hoursWithinBand} of ${s.hours}; ` +
      `at-risk trucks that really missed ${s.atRiskMissed} of ${s.atRiskDecided}` +
      `${s.atRiskMissedShare === null ? '' : ` (${fmt(s.atRiskMissedShare * 100)} %)`}.`,
  );
}

function main(): void {
  const o = options(process.argv.slice(2));
  const id = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const env = benchEnv(`kouan_soak_${id}`, `kouan-soak-${id.replace('_', '-')}`, {
    // Every request comes from 127.0.0.1: the per-address limits would count the whole port's traffic as one client.
    PUBLIC_THROTTLE_LIMIT: '100000',
    DEVICE_THROTTLE_LIMIT: '100000',
    DRIVER_SESSION_ADDRESS_LIMIT: '100000',
    DRIVER_JWT_TTL_SECONDS: '86400',
    WEBHOOK_ALLOW_PRIVATE: 'true',
  });
  const statsDir = mkdtempSync(join(os.tmpdir(), 'kouan-soak-'));
  env.nodeArgs.push('--expose-gc', '-r', join(__dirname, 'process-stats.preload.js'));
  env.extraEnv.KOUAN_PROCESS_STATS = statsDir;
  const procs: ApiProcess[] = [];
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      for (const x of sockets) x.close();
      await Promise.all(procs.map((x) => stopApi(x).catch(() => undefined)));
      await cleanupBench(env, []);
      rmSync(statsDir, { recursive: true, force: true });
    })());
  // Interrupted (Ctrl-C, a test's hang limit): the processes, the database and the Redis keys go all the same.
  const interrupted = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const say = o.json ? (line: string) => process.stderr.write(`${line}\n`) : log;
  runBench(
    async () => {
      say(`kouan soak: ${o.p.port}, ${o.p.trucks} trucks, seed ${o.p.seed}, ${o.speed}×; load average ${loadavg()}`);
      await freshDatabase(env);
      await cli(env, 'migrate');
      await cli(env, 'seed');
      const r = await soak(o, env, procs, statsDir);
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else print(r);
      if (!r.ok) process.exitCode = 1;
    },
    cleanup,
    procs,
    6 * 3600_000,
  );
}

main();
