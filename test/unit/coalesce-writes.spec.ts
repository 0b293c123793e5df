import net, { type AddressInfo } from 'node:net';
import { setImmediate as turnEnd } from 'node:timers/promises';
import { coalesceWrites } from '@kouan/common';

/** A connected TCP pair on loopback: the sending end (coalescing at `microtasks`) and what the other end reads. */
async function pair(): Promise<{ socket: net.Socket; chunks: Buffer[]; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  const server = net.createServer((peer) => peer.on('data', (d: Buffer) => chunks.push(d)));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const socket = new net.Socket();
  coalesceWrites(socket, 'microtasks');
  await new Promise<void>((ok) => socket.connect((server.address() as AddressInfo).port, '127.0.0.1', ok));
  const close = async () => {
    socket.destroy();
    await new Promise<void>((ok) => server.close(() => ok()));
  };
  return { socket, chunks, close };
}

/**
 * The Postgres pool's sockets (dataSourceOptions): statements issued together, and a last statement with the COMMIT
 * issued a few promise continuations later, leave in one write once the continuations running now have all run.
 */
describe("coalesceWrites at 'microtasks'", () => {
  it('holds the writes of a run of promise continuations and lets them go together after it', async () => {
    const { socket, chunks, close } = await pair();
    try {
      let corkedAtLast = -1;
      await Promise.resolve()
        .then(() => socket.write('BEGIN;'))
        .then(() => Promise.resolve().then(() => socket.write('INSERT;')))
        .then(() => {
          socket.write('COMMIT;');
          corkedAtLast = socket.writableCorked;
        });
      // Three continuations apart, the COMMIT found the socket still corked by the first write.
      expect(corkedAtLast).toBe(1);
      await turnEnd();
      expect(socket.writableCorked).toBe(0);
      while (Buffer.concat(chunks).length < 'BEGIN;INSERT;COMMIT;'.length) await turnEnd();
      expect(chunks.map(String)).toEqual(['BEGIN;INSERT;COMMIT;']);
    } finally {
      await close();
    }
  });

  it('lets a write made outside any continuation go once the continuations after it have run, and corks again', async () => {
    const { socket, chunks, close } = await pair();
    try {
      await new Promise<void>((ok) =>
        setImmediate(() => {
          socket.write('one;');
          void Promise.resolve().then(() => {
            socket.write('two;');
            expect(socket.writableCorked).toBe(1);
            ok();
          });
        }),
      );
      await turnEnd();
      expect(socket.writableCorked).toBe(0);
      socket.write('three;');
      expect(socket.writableCorked).toBe(1);
      await turnEnd();
      while (Buffer.concat(chunks).length < 'one;two;three;'.length) await turnEnd();
      expect(Buffer.concat(chunks).toString()).toBe('one;two;three;');
      expect(chunks[0].toString()).toBe('one;two;');
    } finally {
      await close();
    }
  });
});
