import WebSocket from 'ws';

/**
 * socket.io spoken by hand over engine.io's WebSocket transport, as an attacker's script would: the test writes
 * the frames itself (`42/live,1["subscribe",…]`), so it can send what socket.io-client would never build.
 * Answers the server's pings; keeps every text frame it receives.
 */
export class RawSocket {
  readonly frames: string[] = [];
  /** The close code once the connection is closed (1005 for a plain close, 1009 for a message too big). */
  readonly closed: Promise<number>;
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.once('close', (code) => {
        resolve(code);
        this.changed();
      }),
    );
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const frame = (data as Buffer).toString('utf8');
      if (frame === '2') ws.send('3');
      this.frames.push(frame);
      this.changed();
    });
    ws.on('error', () => undefined);
  }

  /** Opens engine.io on `url` and joins `/live` as an anonymous client (with `auth`, if given, as the CONNECT payload). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<RawSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers });
    const socket = new RawSocket(ws);
    await socket.until((f) => f.startsWith('0{'), 'the engine.io handshake');
    return socket;
  }

  /** Sends the CONNECT packet of `/live` (optionally a raw payload) and waits for the server's answer to it. */
  async join(payload = ''): Promise<string> {
    this.send(`40/live,${payload}`);
    return this.until((f) => f.startsWith('40/live,') || f.startsWith('44/live,'), 'the /live CONNECT answer');
  }

  send(frame: string | Buffer): void {
    this.ws.send(frame);
  }

  /** The first frame matching `test`; fails if the connection closes first or none comes within 10 s. */
  until(test: (frame: string) => boolean, what: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.frames.find(test);
        if (hit !== undefined) done(() => resolve(hit));
        else if (this.ws.readyState === WebSocket.CLOSED)
          done(() => reject(new Error(`closed before ${what}; got ${this.frames.join(' | ')}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${what} within 10 s; got ${this.frames.join(' | ')}`))),
        10_000,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Whichever comes first: a frame matching `test` (the frame), or the connection's close (its code); 10 s at most. */
  closeOr(test: (frame: string) => boolean): Promise<{ frame: string } | { closed: number }> {
    return Promise.race([
      this.until(test, 'a matching frame').then(
        (frame) => ({ frame }),
        async (e: unknown) => {
          if (this.ws.readyState === WebSocket.CLOSED) return { closed: await this.closed };
          throw e;
        },
      ),
      this.closed.then((closed) => ({ closed })),
    ]);
  }

  close(): void {
    this.ws.close();
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}
