/**
 * `npm run bench:balancer`: what a socket.io connection costs through a balancer in front of two API processes, and
 * how often it fails, for the choice in docker/nginx.conf (docs/operations.md, "Many machines").
 *
 * Two API processes on a fresh database; a TCP balancer of the bench's own in front of them that sends each new
 * client connection to the next process (round robin, as nginx does without stickiness). CLIENTS `/live` clients per
 * case connect one after another:
 *  - default transports (long-polling, then the upgrade: the bundled pages) through the round-robin balancer;
 *  - the same, sticky (every request of a client to one process, as nginx `ip_hash` does);
 *  - websocket only, through the round-robin balancer.
 * Counted per connection at the balancer: HTTP requests (request lines) and bytes both ways until connected; a
 * client not connected within 5 s, or refused, is a failure.
 */
import net from 'node:net';
import os from 'node:os';
import { io } from 'socket.io-client';
import { ApiProcess, benchEnv, cleanupBench, cli, fmt, freshDatabase, log, nowMs, runBench, startApi } from './support';

const CLIENTS = Number(process.env.BENCH_BALANCER_CLIENTS ?? 200);
const env = benchEnv('kouan_bench_balancer', 'kouan-bench-balancer');
const apis: ApiProcess[] = [];

interface Tally {
  requests: number;
  bytes: number;
}

/** A round-robin TCP balancer over `ports`; `tally` counts what passes while it is set. */
function balancer(ports: number[], tally: { current?: Tally }): Promise<{ port: number; close(): void }> {
  let next = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(ports[next++ % ports.length], '127.0.0.1');
    client.on('data', (d: Buffer) => {
      const t = tally.current;
      if (t) {
        t.bytes += d.length;
        t.requests += (d.toString('latin1').match(/^(GET|POST) \/socket\.io\//gm) ?? []).length;
      }
    });
    upstream.on('data', (d: Buffer) => {
      if (tally.current) tally.current.bytes += d.length;
    });
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok({ port: (server.address() as net.AddressInfo).port, close: () => server.close() }),
    ),
  );
}

async function connectOnce(url: string, websocketOnly: boolean): Promise<{ ok: boolean; ms: number }> {
  const t0 = nowMs();
  const socket = io(`${url}/live`, {
    transports: websocketOnly ? ['websocket'] : ['polling', 'websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5000,
  });
  const ok = await new Promise<boolean>((done) => {
    const timer = setTimeout(() => done(false), 5000);
    socket.once('connect', () => {
      // Connected means upgraded, for the default transports: the page then stays on that connection.
      if (websocketOnly || socket.io.engine.transport.name === 'websocket') return (clearTimeout(timer), done(true));
      socket.io.engine.once('upgrade', () => (clearTimeout(timer), done(true)));
      socket.io.engine.once('upgradeError', () => (clearTimeout(timer), done(false)));
    });
    socket.once('connect_error', () => (clearTimeout(timer), done(false)));
  });
  // Stays up a little, as a page does: a long-polling session on the wrong process fails at its next request.
  const stillUp = ok && (await new Promise<boolean>((r) => setTimeout(() => r(socket.connected), 300)));
  socket.close();
  return { ok: stillUp, ms: nowMs() - t0 };
}

async function main(): Promise<void> {
  log(
    `kouan balancer bench: 2 API processes, ${CLIENTS} clients per case; load average ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  await freshDatabase(env);
  await cli(env, 'migrate');
  for (let i = 0; i < 2; i++) await startApi(env, apis);
  const tally: { current?: Tally } = {};
  const rr = await balancer(
    apis.map((a) => a.port),
    tally,
  );
  const sticky = await Promise.all(apis.map((a) => balancer([a.port], tally)));
  const cases: { name: string; url: (i: number) => string; ws: boolean }[] = [
    {
      name: 'default transports (polling, then upgrade), round robin',
      url: () => `http://127.0.0.1:${rr.port}`,
      ws: false,
    },
    { name: 'default transports, sticky (ip_hash)', url: (i) => `http://127.0.0.1:${sticky[i % 2].port}`, ws: false },
    { name: 'websocket only, round robin', url: () => `http://127.0.0.1:${rr.port}`, ws: true },
  ];
  log('');
  log('| case | connected | failed | HTTP requests per connect | bytes per connect | ms per connect (mean) |');
  log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const c of cases) {
    let ok = 0;
    let ms = 0;
    const sum: Tally = { requests: 0, bytes: 0 };
    for (let i = 0; i < CLIENTS; i++) {
      const t: Tally = { requests: 0, bytes: 0 };
      tally.current = t;
      const r = await connectOnce(c.url(i), c.ws);
      tally.current = undefined;
      if (!r.ok) continue;
      ok++;
      ms += r.ms;
      sum.requests += t.requests;
      sum.bytes += t.bytes;
    }
    log(
      `| ${c.name} | ${ok} | ${CLIENTS - ok} | ${fmt(sum.requests / ok, 1)} | ${fmt(sum.bytes / ok, 0)} | ${fmt(ms / ok, 1)} |`,
    );
  }
  rr.close();
  for (const s of sticky) s.close();
}

runBench(main, () => cleanupBench(env, apis), apis, 10 * 60_000);
