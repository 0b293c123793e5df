import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import type { Namespace, Socket } from 'socket.io';
import { Principal, TokenService } from '@kouan/auth';
import { clientAddress } from '@kouan/common';
import { ACTIVE_STATUSES, BookingStatus } from '@kouan/booking/booking-status';
import { QueueReadService } from '@kouan/queue';
import {
  boardView, BookingUpdate, bookingUpdate, LIVE_NAMESPACE, QUEUE_SNAPSHOT_EVENT, QueueSnapshot, rooms, ServerToClientEvents, staffView,
} from '@kouan/realtime';

type LiveSocket = Socket<Record<string, never>, ServerToClientEvents, Record<string, never>, { principal?: Principal; expiry?: NodeJS.Timeout }>;

const PORT_CODE = /^[A-Z0-9-]{2,32}$/;

/**
 * `subscribe` per client address per minute: each one reads a whole queue, so a loop on one socket must not
 * turn into a loop of queue reads. A board subscribes once per connection; 60 leaves room for a post's boards.
 */
const SUBSCRIBES_PER_MINUTE = 60;

/** setTimeout's ceiling (about 24.8 days); a token living longer is checked again when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * socket.io `/live`. Authenticated at the handshake with the same tokens as HTTP (a bad token is refused;
 * no token is a public board viewer). Rooms: booking:<id> (driver), firm:<id>, staff:<port>, and
 * port:<code>:<direction> for board subscribers. Queue changes arrive once per change from Redis (any
 * process may have made them) and are fanned out here to this process's own sockets.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(LiveGateway.name);
  /** Newest version sent per queue, so a late or duplicate snapshot never overwrites a newer one. */
  private readonly sent = new Map<string, number>();

  @WebSocketServer() private readonly nsp: Namespace<Record<string, never>, ServerToClientEvents>;

  constructor(
    private readonly tokens: TokenService,
    private readonly reader: QueueReadService,
    @InjectThrottlerStorage() private readonly throttle: ThrottlerStorage,
  ) {}

  afterInit(nsp: Namespace): void {
    nsp.use((socket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      if (token === undefined || token === null || token === '') return next();
      const principal = typeof token === 'string' ? this.tokens.verify(token) : null;
      if (!principal) return next(new Error('unauthorized: invalid or expired token'));
      (socket as LiveSocket).data.principal = principal;
      next();
    });
    nsp.on(QUEUE_SNAPSHOT_EVENT, (snapshot: QueueSnapshot) => this.fanOut(snapshot));
  }

  async handleConnection(socket: LiveSocket): Promise<void> {
    const p = socket.data.principal;
    if (!p) return;
    if (p.expiresAt !== undefined) this.endAtExpiry(socket, p.expiresAt);
    if (p.role === 'driver' && p.bookingId) {
      await socket.join(rooms.booking(p.bookingId));
      // A reconnecting driver gets its current state at once, not at the next change.
      try {
        const { portCode: _port, direction: _direction, ...update } = await this.reader.bookingUpdate(p.bookingId);
        socket.emit('booking:update', update);
      } catch (e) {
        this.logger.warn({ err: e, bookingId: p.bookingId }, 'no state for a connecting driver');
      }
    } else if (p.firmId) {
      await socket.join(rooms.firm(p.firmId));
    } else if (p.role === 'port_staff' && p.portCode) {
      await socket.join(rooms.staff(p.portCode));
    }
  }

  handleDisconnect(socket: LiveSocket): void {
    clearTimeout(socket.data.expiry);
  }

  /** A socket's access ends with its token: `session:expired`, then disconnect (the client signs in again). */
  private endAtExpiry(socket: LiveSocket, expiresAt: number): void {
    const left = expiresAt - Date.now();
    if (left > MAX_TIMER_MS) {
      socket.data.expiry = setTimeout(() => this.endAtExpiry(socket, expiresAt), MAX_TIMER_MS);
      return;
    }
    socket.data.expiry = setTimeout(() => {
      socket.emit('session:expired', { expiredAt: new Date(expiresAt).toISOString(), message: 'your session has expired; sign in again' });
      socket.disconnect(true);
    }, Math.max(0, left));
  }

  /** `subscribe` {port, direction}: the public board of that port and direction, starting with its current state. */
  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<{ ok: boolean; error?: string }> {
    const { port, direction } = (body ?? {}) as { port?: unknown; direction?: unknown };
    const code = typeof port === 'string' ? port.toUpperCase() : '';
    if (!PORT_CODE.test(code) || (direction !== 'export' && direction !== 'import')) {
      return { ok: false, error: 'subscribe needs {port: "MOHAN", direction: "export" | "import"}' };
    }
    if (await this.tooManySubscribes(socket)) {
      return { ok: false, error: `too many subscribes from this address (at most ${SUBSCRIBES_PER_MINUTE} a minute); wait a minute` };
    }
    const snapshot = await this.reader.snapshotOfPort(code, direction).catch(() => null);
    if (!snapshot) return { ok: false, error: `no port ${code}` };
    await socket.join(rooms.board(code, direction));
    // Port admins have no port of their own: subscribing to one also gives them its staff view.
    const admin = socket.data.principal?.role === 'port_admin';
    if (admin) await socket.join(rooms.staff(code));
    socket.emit('queue:update', admin ? staffView(snapshot) : boardView(snapshot));
    return { ok: true };
  }

  /** Counted in the HTTP throttlers' Redis storage; with Redis away it lets the subscribe through. */
  private async tooManySubscribes(socket: LiveSocket): Promise<boolean> {
    const address = createHash('sha256').update(clientAddress(socket.request)).digest('base64url');
    const { isBlocked } = await this.throttle.increment(`subscribe|${address}`, 60_000, SUBSCRIBES_PER_MINUTE, 60_000, 'subscribe');
    return isBlocked;
  }

  private fanOut(s: QueueSnapshot): void {
    const key = `${s.port}:${s.direction}`;
    const newer = (this.sent.get(key) ?? -1) < s.version;
    // Every process gets every snapshot but holds only its own sockets: build and send only what a socket here
    // is waiting for. Each booking:update is different (its own position), so it goes straight to the sockets
    // of its rooms rather than through a broadcast per booking.
    const joined = this.nsp.adapter.rooms;
    const send = (room: string, event: keyof ServerToClientEvents, payload: () => unknown) => {
      const members = joined.get(room);
      if (!members?.size) return;
      const data = payload();
      for (const id of members) this.nsp.sockets.get(id)?.emit(event, data as never);
    };
    if (newer) {
      this.sent.set(key, s.version);
      send(rooms.board(s.port, s.direction), 'queue:update', () => boardView(s));
      send(rooms.staff(s.port), 'queue:update', () => staffView(s));
    }
    for (const truck of s.trucks) {
      // Concurrent changes can arrive with the same or an older version than one already sent, yet be the only
      // snapshot naming a booking that just left the line (completed, no-show): a final state cannot be stale.
      if (!newer && ACTIVE_STATUSES.includes(truck.status as BookingStatus)) continue;
      let update: BookingUpdate | undefined;
      const once = () => (update ??= bookingUpdate(s, truck));
      send(rooms.booking(truck.bookingId), 'booking:update', once);
      send(rooms.firm(truck.firmId), 'booking:update', once);
    }
  }
}
