import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { setImmediate as turnEnd } from 'node:timers/promises';
import type { WebSocket } from 'ws';
import { CoalescingWsServer } from '@kouan/realtime';

/** A server-side websocket and the TCP socket under it, and the client's end as raw bytes. */
async function connected(): Promise<{ ws: WebSocket; socket: Duplex; chunks: Buffer[]; close: () => Promise<void> }> {
  const wss = new CoalescingWsServer({ noServer: true });
  const server = http.createServer();
  const accepted = new Promise<{ ws: WebSocket; socket: Duplex }>((ok) =>
    server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ok({ ws, socket }))),
  );
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  const client = await new Promise<Duplex>((ok, fail) =>
    http
      .request({
        port,
        host: '127.0.0.1',
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        },
      })
      .on('upgrade', (_res, socket) => ok(socket))
      .on('error', fail)
      .end(),
  );
  const chunks: Buffer[] = [];
  client.on('data', (d: Buffer) => chunks.push(d));
  const { ws, socket } = await accepted;
  const close = async () => {
    client.destroy();
    ws.terminate();
    await new Promise<void>((ok) => server.close(() => ok()));
  };
  return { ws, socket, chunks, close };
}

/** The payloads of unmasked text frames shorter than 126 bytes (what the server sends here). */
function frames(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length;) {
    const len = bytes[i + 1] & 0x7f;
    out.push(bytes.subarray(i + 2, i + 2 + len).toString());
    i += 2 + len;
  }
  return out;
}

describe('CoalescingWsServer: the frames of one turn leave in one write', () => {
  it('holds the frames sent in one turn and writes them together once the turn ends', async () => {
    const { ws, socket, chunks, close } = await connected();
    try {
      ws.send('gate:read');
      ws.send('queue:update');
      ws.send('yard:update');
      // Nothing has left yet: the socket is corked with all three frames in its buffer.
      expect(socket.writableCorked).toBe(1);
      expect(socket.writableLength).toBe(3 * 2 + 'gate:read'.length + 'queue:update'.length + 'yard:update'.length);
      await turnEnd();
      expect(socket.writableCorked).toBe(0);
      while (chunks.length === 0) await turnEnd();
      // One write, so one read at the client (loopback), in the order sent.
      expect(chunks).toHaveLength(1);
      expect(frames(chunks[0])).toEqual(['gate:read', 'queue:update', 'yard:update']);
    } finally {
      await close();
    }
  });

  it('corks again on the next turn, and a frame sent after the connection ended does not throw', async () => {
    const { ws, socket, chunks, close } = await connected();
    try {
      ws.send('one');
      await turnEnd();
      ws.send('two');
      expect(socket.writableCorked).toBe(1);
      await turnEnd();
      while (frames(Buffer.concat(chunks)).length < 2) await turnEnd();
      expect(frames(Buffer.concat(chunks))).toEqual(['one', 'two']);
      socket.destroy();
      expect(() => ws.send('late')).not.toThrow();
      await turnEnd();
    } finally {
      await close();
    }
  });
});
