import { io, Socket } from 'socket.io-client';
import { follow, isWhole, LineDelta, WholeLine } from '@kouan/realtime';
import { AsyncApiChecker } from './asyncapi';

type Json = Record<string, unknown>;

/**
 * A socket.io `/live` client that keeps every event it receives, so a test can wait for one or inspect all. Each
 * event is checked against the API's AsyncAPI document as it arrives: one the document does not describe fails the
 * test at its next look at the events (`of`, `waitFor` and what is built on them).
 */
export class LiveClient {
  readonly events: { event: string; data: Json }[] = [];
  /** What the AsyncAPI document says is wrong with events received so far. */
  readonly undocumented: string[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly socket: Socket,
    checker: AsyncApiChecker,
  ) {
    socket.onAny((event: string, data: Json) => {
      this.undocumented.push(...checker.problems(event, data));
      this.events.push({ event, data });
      for (const l of [...this.listeners]) l();
    });
    // Kept in `events` too (as `disconnect` {reason}), so a test can tell what came before it.
    socket.on('disconnect', (reason) => {
      this.events.push({ event: 'disconnect', data: { reason } });
      for (const l of [...this.listeners]) l();
    });
  }

  /** Index to wait from: only events received after this call count. */
  mark(): number {
    return this.events.length;
  }

  /** Throws when an event received so far is one the AsyncAPI document does not describe. */
  private documented(): void {
    if (this.undocumented.length)
      throw new Error(`events the AsyncAPI document does not describe:\n${this.undocumented.join('\n')}`);
  }

  of(event: string, from = 0): Json[] {
    this.documented();
    return this.events
      .slice(from)
      .filter((e) => e.event === event)
      .map((e) => e.data);
  }

  /** The first `event` from index `from` on that satisfies `test`, waiting for it up to `timeoutMs`. */
  waitFor(event: string, test: (data: Json) => boolean = () => true, from = 0, timeoutMs = 10_000): Promise<Json> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let hit: Json | undefined;
        try {
          hit = this.of(event, from).find(test);
        } catch (e) {
          cleanup();
          return reject(e as Error);
        }
        if (!hit) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `no ${event} matching ${test.toString()} within ${timeoutMs} ms; got ${JSON.stringify(this.events.slice(from))}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** The reason the socket was disconnected, once it is (waiting up to `timeoutMs`). */
  async disconnected(timeoutMs = 10_000): Promise<string> {
    return (await this.waitFor('disconnect', () => true, 0, timeoutMs)).reason as string;
  }

  /**
   * The queue of one direction as a client that applies deltas sees it after every queue:update received so far, by
   * the live protocol the pages follow (libs/realtime/src/live-protocol.ts). A delta that does not follow what is
   * kept is a fault of the server: the result says so instead of guessing.
   */
  queue(direction = 'export', upTo = this.events.length): Json | undefined {
    this.documented();
    let kept: WholeLine | undefined;
    for (const { event, data } of this.events.slice(0, upTo)) {
      const u = data as unknown as WholeLine | LineDelta;
      if (event !== 'queue:update' || data.direction !== direction) continue;
      // Before its first whole view a client has nothing to apply a delta on: a staff socket hears deltas from the
      // moment it connects, and reads the whole queue (as the console does over HTTP) when it needs it.
      if (!kept && !isWhole(u)) continue;
      const next = follow(kept, u);
      if (next === 'gap') return { gap: `delta ${String(u.version)} after ${String(kept?.version)}` };
      if (next !== 'old') kept = next;
    }
    return kept as unknown as Json | undefined;
  }

  /** Waits until the queue this client follows (see `queue`) satisfies `test`, and returns it. */
  async waitForQueue(test: (q: Json) => boolean, direction = 'export', timeoutMs = 10_000): Promise<Json> {
    await this.waitFor(
      'queue:update',
      () => {
        const q = this.queue(direction);
        return Boolean(q && test(q));
      },
      0,
      timeoutMs,
    );
    return this.queue(direction) as Json;
  }

  /** Names of the events received, in order. */
  names(): string[] {
    this.documented();
    return this.events.map((e) => e.event);
  }

  emitWithAck(event: string, body: unknown): Promise<Json> {
    return this.socket.timeout(10_000).emitWithAck(event, body) as Promise<Json>;
  }

  /**
   * Cuts the connection under the socket as a dead network does (the transport closes; no goodbye to the namespace):
   * the server keeps the socket's session for LIVE_RECOVERY_MS. Resolves once the client has seen the disconnect.
   */
  async cut(): Promise<void> {
    const from = this.mark();
    this.socket.io.engine.close();
    await this.waitFor('disconnect', () => true, from);
  }

  /**
   * Connects again (to `url`, another API process, when given) with the session id and stream offset socket.io kept:
   * `socket.recovered` then tells whether the server restored the session. Resolves once connected.
   */
  async reconnect(url?: string): Promise<void> {
    // socket.io-client keeps the address in a private field of its Manager: a phone's next connection may land on
    // any process behind the balancer.
    if (url) (this.socket.io as unknown as { uri: string }).uri = url;
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
      this.socket.connect();
    });
  }

  close(): void {
    this.socket.close();
  }
}

export interface ConnectOptions {
  token?: string;
  /** Handshake headers (Node only): X-Forwarded-For to pose as another client address, Origin for a browser page. */
  headers?: Record<string, string>;
}

/**
 * Opens `/live` on `url`: resolves with the client once the handshake is accepted, rejects with the
 * connect_error. Every client made is pushed to `opened`, for the caller to close.
 */
export async function connectLive(url: string, opened: LiveClient[], opts: ConnectOptions = {}): Promise<LiveClient> {
  const checker = await AsyncApiChecker.forUrl(url);
  const socket = io(`${url}/live`, {
    auth: opts.token ? { token: opts.token } : {},
    extraHeaders: opts.headers,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const client = new LiveClient(socket, checker);
  opened.push(client);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connect or connect_error within 10 s')), 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  return client;
}

/** The connect_error of a handshake that must be refused (fails the test if it connects). */
export async function refusedLive(url: string, opened: LiveClient[], opts: ConnectOptions = {}): Promise<Error> {
  try {
    await connectLive(url, opened, opts);
  } catch (e) {
    if ((e as Error).message.startsWith('no connect')) throw e;
    return e as Error;
  }
  throw new Error(`the handshake was accepted: ${JSON.stringify(opts.headers ?? {})}`);
}
