/**
 * bench:live's reconnect phase: what a driver's phone pays to come back from a dead zone, recovered (socket.io
 * connection state recovery through the streams adapter: back within LIVE_RECOVERY_MS) against the path it took on
 * every reconnect before recovery, and still takes after the window: a fresh connection, whose state the server sends,
 * then the driver page's GET /driver/booking and GET /ports/:code (its trip and the port's notices).
 *
 * RECONNECTS drivers at the tail of the line have their transport cut (no goodbye), MISSED call-nexts move them up,
 * and each comes back on the other API process. Counted per reconnect on the phone's side: HTTP requests (the
 * websocket upgrade is one), engine.io frames received (heartbeats left out) and bytes received (frames, plus each
 * GET's status line, headers and body), and the API processes' CPU.
 */
import http from 'node:http';
import type Redis from 'ioredis';
import { io, Socket } from 'socket.io-client';
import type { BookingUpdate } from '@kouan/realtime';
import { ApiProcess, cpuMs, fmt, log, nowMs, postJson, sleep } from './support';

export const RECONNECTS = 20;
export const MISSED = 5;

export interface Reconnecting {
  bookingId: string;
  token: string;
  socket: Socket;
  /** Its last booking:update before the cut. */
  last: BookingUpdate;
}

interface Cost {
  requests: number;
  frames: number;
  bytes: number;
  ms: number;
  recovered: boolean;
}

/** Frames and bytes the engine of `socket` receives from now on (its engine is made by `connect()`). */
function countFrames(socket: Socket, cost: Cost): void {
  socket.io.engine.on('packet', (p: { type: string; data?: unknown }) => {
    if (p.type === 'ping' || p.type === 'pong') return;
    cost.frames++;
    cost.bytes += 1 + (typeof p.data === 'string' ? Buffer.byteLength(p.data) : 0);
  });
}

/** One GET as the page makes it: the bytes of its answer (status line, headers, body). */
function getBytes(port: number, path: string, token: string): Promise<number> {
  return new Promise((ok, fail) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let n = Buffer.byteLength(`HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n\r\n`);
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          n += Buffer.byteLength(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`);
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => (res.statusCode === 200 ? ok(n) : fail(new Error(`GET ${path}: ${res.statusCode}`))));
      })
      .on('error', fail);
  });
}

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`reconnect phase: no ${what} within ${ms} ms`);
    await sleep(20);
  }
};

const nextState = (socket: Socket, expected: number) =>
  new Promise<void>((ok) => {
    const on = (u: BookingUpdate) => {
      if (u.position !== expected) return;
      socket.off('booking:update', on);
      ok();
    };
    socket.on('booking:update', on);
  });

/** Cuts every driver's transport and waits until socket.io keeps each one's session in Redis. */
async function cutAll(drivers: Reconnecting[], redis: Redis, sessionKey: (pid: string) => string): Promise<void> {
  for (const d of drivers) d.socket.io.engine.close();
  await until('sessions kept', async () => {
    for (const d of drivers) {
      const pid = (d.socket as unknown as { _pid?: string })._pid;
      if (!pid || (await redis.exists(sessionKey(pid))) !== 1) return false;
    }
    return true;
  });
}

export async function reconnectPhase(opts: {
  drivers: Reconnecting[];
  apis: ApiProcess[];
  redis: Redis;
  redisPrefix: string;
  staffToken: string;
  laneId: string;
  port: string;
  nsp: string;
}): Promise<void> {
  const { drivers, apis, redis } = opts;
  const sessionKey = (pid: string) => `${opts.redisPrefix}:socket.io:session:${pid}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const callNexts = async () => {
    for (let i = 0; i < MISSED; i++) {
      const r = await postJson(
        agent,
        apis[1].port,
        `/api/v1/ports/${opts.port}/lanes/${opts.laneId}/call-next`,
        {},
        {
          authorization: `Bearer ${opts.staffToken}`,
        },
      );
      if (r.status !== 200) throw new Error(`call-next: ${r.status} ${r.body}`);
    }
  };
  const cpu = () => apis.reduce((sum, a) => sum + cpuMs(a), 0);

  // Recovered: back on the other process within the window.
  await cutAll(drivers, redis, sessionKey);
  await callNexts();
  const recovered: Cost[] = [];
  let cpu0 = cpu();
  for (const d of drivers) {
    const cost: Cost = { requests: 1, frames: 0, bytes: 0, ms: 0, recovered: false };
    const expected = (d.last.position as number) - MISSED;
    (d.socket.io as unknown as { uri: string }).uri = `http://127.0.0.1:${apis[1].port}`;
    const t0 = nowMs();
    const state = nextState(d.socket, expected);
    d.socket.connect();
    countFrames(d.socket, cost);
    await state;
    cost.ms = nowMs() - t0;
    cost.recovered = d.socket.recovered;
    recovered.push(cost);
  }
  const cpuRecovered = (cpu() - cpu0) / drivers.length;

  // Not recovered: what the page did on every reconnect before, and still does after the window.
  await cutAll(drivers, redis, sessionKey);
  await callNexts();
  const fresh: Cost[] = [];
  cpu0 = cpu();
  for (const d of drivers) {
    d.socket.close();
    const cost: Cost = { requests: 3, frames: 0, bytes: 0, ms: 0, recovered: false };
    const expected = (d.last.position as number) - 2 * MISSED;
    const t0 = nowMs();
    const socket = io(`http://127.0.0.1:${apis[0].port}${opts.nsp}`, {
      auth: { token: d.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    d.socket = socket;
    const state = nextState(socket, expected);
    countFrames(socket, cost);
    await state;
    cost.bytes += await getBytes(apis[0].port, '/api/v1/driver/booking', d.token);
    cost.bytes += await getBytes(apis[0].port, `/api/v1/ports/${opts.port}`, d.token);
    cost.ms = nowMs() - t0;
    cost.recovered = socket.recovered;
    fresh.push(cost);
  }
  const cpuFresh = (cpu() - cpu0) / drivers.length;
  agent.destroy();

  const mean = (list: Cost[], k: 'requests' | 'frames' | 'bytes' | 'ms') =>
    list.reduce((s, c) => s + c[k], 0) / list.length;
  const row = (name: string, list: Cost[], cpuPer: number) =>
    `| ${name} | ${list.filter((c) => c.recovered).length} of ${list.length} | ${fmt(mean(list, 'requests'), 0)} | ` +
    `${fmt(mean(list, 'frames'), 1)} | ${fmt(mean(list, 'bytes'), 0)} | ${fmt(mean(list, 'ms'), 1)} | ${fmt(cpuPer, 1)} |`;
  log('');
  log(
    `### A driver's reconnect after missing ${MISSED} call-nexts (${drivers.length} drivers at the tail of the line, ` +
      `each back on the other API process; means per reconnect)`,
  );
  log('');
  log('| path | recovered | HTTP requests | frames received | bytes received | until current, ms | API CPU ms |');
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  log(row('fresh connection + GET /driver/booking + GET /ports/:code (before; after the window)', fresh, cpuFresh));
  log(row('recovered (within LIVE_RECOVERY_MS)', recovered, cpuRecovered));
  log(
    `recovered ÷ fresh: bytes ${fmt(mean(recovered, 'bytes') / mean(fresh, 'bytes'), 2)} ×, requests ` +
      `${fmt(mean(recovered, 'requests') / mean(fresh, 'requests'), 2)} ×, API CPU ${fmt(cpuRecovered / cpuFresh, 2)} ×`,
  );
}
