import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { coalesceWrites } from '@kouan/common';

/**
 * The `ws` server engine.io runs on (its `wsEngine`), with one change: the frames written to one websocket during
 * one turn of the event loop leave in one write. A batch of broadcasts (the Redis Streams adapter hands over several
 * entries at once: gate reads, a queue change, the yard's view) gives a staff console several frames in the same
 * turn, and each frame was a write of its own: a system call, and a TCP segment to a phone or console on the
 * border's poor networks (ws turns Nagle off). Measured in docs/performance.md ("Stop 32").
 *
 * The first write of a turn corks the connection's socket and the next check phase (`setImmediate`) uncorks it:
 * nothing waits longer than the rest of the turn. Everything written goes through the socket's own `write`,
 * broadcasts' pre-encoded frames included, so that is where the cork is taken.
 */
export class CoalescingWsServer extends WebSocketServer {
  override handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    callback: (client: WebSocket, request: IncomingMessage) => void,
  ): void {
    super.handleUpgrade(req, socket, head, (client, request) => {
      coalesceWrites(socket, 'check');
      callback(client, request);
    });
  }
}
