import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * When a corked socket lets its writes go: `check`, at the next check phase of the event loop (setImmediate: the
 * websockets' frames from a batch of broadcasts handed over in one poll); `microtasks`, once the promise
 * continuations running now have all run (a transaction's statements issued together, and a COMMIT issued a few
 * continuations after its last statement: Postgres').
 */
export type FlushAt = 'check' | 'microtasks';

/**
 * Corks `socket` at its first write in a turn and uncorks it at `flushAt`, so what was written meanwhile leaves in one
 * system call and one TCP segment. On this project's machines a system call costs tens of microseconds (a Firecracker
 * VM): the socket writes were a third of an API's CPU (docs/performance.md, stops 32 and 33). Nothing waits longer
 * than the rest of its turn. Everything written goes through the socket's own `write`, so that is where the cork is
 * taken; a library's own cork/uncork around its writes nests inside.
 */
export function coalesceWrites(socket: Duplex, flushAt: FlushAt): void {
  // A TCP socket not connected yet: its connect() puts back the prototype's write, so the cork goes in after it.
  if (socket instanceof Socket && socket.pending) {
    socket.once('connect', () => coalesceWrites(socket, flushAt));
    return;
  }
  const write = socket.write;
  let corked = false;
  const release = () => {
    corked = false;
    if (!socket.destroyed) socket.uncork();
  };
  // A tick queued from a microtask runs once the microtask queue is empty, the continuations it held included.
  const schedule =
    flushAt === 'check' ? () => setImmediate(release) : () => queueMicrotask(() => process.nextTick(release));
  socket.write = function (this: Duplex, ...args: Parameters<Duplex['write']>) {
    if (!corked && !socket.writableEnded) {
      corked = true;
      socket.cork();
      schedule();
    }
    return write.apply(this, args);
  } as Duplex['write'];
}
