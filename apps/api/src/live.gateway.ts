import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import type { Namespace, Socket } from 'socket.io';
import { Principal, SessionChecks, SessionRevocations, TokenService } from '@kouan/auth';
import { Clock, clientAddressOf } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import { Applied, KeptQueue, QueueFollower, QueueReadService } from '@kouan/queue';
import {
  boardDelta,
  boardView,
  BookingUpdate,
  bookingUpdate,
  DRIVER_SESSIONS_ENDED_EVENT,
  DriverSessionsEnded,
  LIVE_NAMESPACE,
  QUEUE_DELTA_AGAIN_EVENT,
  QUEUE_DELTA_EVENT,
  QueueDelta,
  QueueTruck,
  rooms,
  ServerToClientEvents,
  staffDelta,
  staffView,
  SubscribeAck,
} from '@kouan/realtime';

type LiveSocket = Socket<
  Record<string, never>,
  ServerToClientEvents,
  Record<string, never>,
  /**
   * Kept in the socket's session while it is cut off (connection state recovery), so plain data only: `told` is the
   * last booking:update a driver's socket was sent, what a reconnect within LIVE_RECOVERY_MS is compared with.
   */
  { principal?: Principal; told?: BookingUpdate }
>;

/** The same holder (or none) on both sides of a recovered connection: only then are its restored rooms its own. */
const sameHolder = (a: Principal | undefined, b: Principal | undefined) => a?.sub === b?.sub && a?.role === b?.role;

const PORT_CODE = /^[A-Z0-9-]{2,32}$/;

/**
 * `subscribe` per client address per minute: each one builds and sends a whole board, so a loop on one socket
 * must not turn into a loop of them. A board subscribes once per connection; 60 leaves room for a post's boards.
 */
const SUBSCRIBES_PER_MINUTE = 60;

const REISSUED = 'the firm issued a new driver code; sign in with it';

/** setTimeout's ceiling (about 24.8 days); a token living longer is checked again when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * socket.io `/live`. Authenticated at the handshake with the same tokens as HTTP (a bad token is refused;
 * no token is a public board viewer). Rooms: booking:<id> and notices:<port> (driver), firm:<id> and firms, staff:<port>,
 * yard:<port>, and port:<code>:<direction> for board subscribers. Queue changes arrive once per change from Redis as small
 * deltas (any process may have made them); QueueFollower keeps each queue in memory, and what changed is sent
 * here to this process's own sockets only.
 *
 * With connection state recovery on, socket.io sends even a socket's own `emit` through the adapter (a Redis stream
 * entry each, to be replayable): 5,000 of them per call at 5,000 waiting trucks. So everything this process works out
 * for its own sockets goes out `local` (never through Redis), and a driver back from a cut gets its state instead of
 * the replay of each step it missed (`tellOwn`, `told`); the broadcasts of the publisher are the stream's.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(LiveGateway.name);

  @WebSocketServer() private readonly nsp: Namespace<Record<string, never>, ServerToClientEvents>;

  /** The address `subscribe` is counted against, by the same TRUSTED_PROXIES as Express's `req.ip`. */
  private readonly clientAddress: (req: IncomingMessage) => string;

  /** Each socket's timer that ends it with its token (outside `data`, which a cut-off socket's session keeps). */
  private readonly expiries = new Map<string, NodeJS.Timeout>();

  /** Sockets back within LIVE_RECOVERY_MS with their rooms and the events they missed, as the same holder. */
  private readonly resumed = new WeakSet<LiveSocket>();

  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionChecks,
    private readonly reader: QueueReadService,
    private readonly queues: QueueFollower,
    @InjectThrottlerStorage() private readonly throttle: ThrottlerStorage,
    private readonly revocations: SessionRevocations,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.clientAddress = clientAddressOf(config.env.trustedProxies);
  }

  afterInit(nsp: Namespace): void {
    nsp.use((raw, next) => {
      const socket = raw as LiveSocket;
      // A recovered socket comes with its session's data: what the token says now decides who it is.
      const before = socket.data.principal;
      delete socket.data.principal;
      const resume = (principal?: Principal) => {
        if (!socket.recovered) return next();
        if (sameHolder(before, principal)) this.resumed.add(socket);
        // Not the session's holder: none of its rooms are this socket's.
        else for (const room of [...socket.rooms]) if (room !== socket.id) void socket.leave(room);
        next();
      };
      const token: unknown = socket.handshake.auth?.token;
      if (token === undefined || token === null || token === '') return resume();
      const principal = typeof token === 'string' ? this.tokens.verify(token) : null;
      if (!principal) return next(new Error('unauthorized: invalid or expired token'));
      this.sessions.current(principal).then(
        (current) => {
          if (!current) return next(new Error('unauthorized: this session has ended'));
          socket.data.principal = principal;
          resume(principal);
        },
        (e: unknown) => {
          this.logger.warn({ err: e }, 'could not check a connecting session');
          next(new Error('unavailable: try again'));
        },
      );
    });
    this.queues.onChange((queue, change, kind) => this.fanOut(queue, change, kind));
    // Every process hears of every session ended (logout, reuse, password change, disabled) and closes its own sockets of it.
    this.revocations.onEnded((sids) => this.endSessions(sids));
    nsp.on(QUEUE_DELTA_EVENT, (delta: QueueDelta) => this.queues.receive(delta));
    nsp.on(QUEUE_DELTA_AGAIN_EVENT, (delta: QueueDelta) => this.queues.receive(delta, true));
    nsp.on(DRIVER_SESSIONS_ENDED_EVENT, (ended: DriverSessionsEnded) => this.endDriverSessions(ended));
  }

  async handleConnection(socket: LiveSocket): Promise<void> {
    const p = socket.data.principal;
    if (!p) return;
    if (p.expiresAt !== undefined) this.endAtExpiry(socket, p.expiresAt);
    if (p.role === 'driver' && p.bookingId) {
      // Back within LIVE_RECOVERY_MS: its rooms are restored and the broadcasts it missed (notices, a cancel, a
      // declaration's answer) were replayed from the stream before this runs.
      const back = this.resumed.has(socket);
      if (!back) await socket.join(rooms.booking(p.bookingId));
      // A new code committed between the handshake's check and the join was announced before this socket was in
      // the room: ask again now that any later announcement will reach it.
      if (!(await this.sessions.current(p).catch(() => true))) return this.endSession(socket, REISSUED);
      // A connecting driver gets its current state at once, not at the next change; a driver back from a cut gets it
      // only if it moved meanwhile (queue changes reach each process's own sockets, not the stream).
      try {
        const { portCode, direction: _direction, ...update } = await this.reader.bookingUpdate(p.bookingId);
        // What stops or slows its port (counterpart:update, incident:update) reaches the driver too.
        if (!back) await socket.join(rooms.notices(portCode));
        if (!back || !isDeepStrictEqual(update, socket.data.told)) this.tellOwn(socket, update);
      } catch (e) {
        this.logger.warn({ err: e, bookingId: p.bookingId }, 'no state for a connecting driver');
      }
    } else if (p.firmId) {
      await socket.join([rooms.firm(p.firmId), rooms.firms()]);
      // A dashboard opening (or reconnecting) shows its trucks' places at once, not at their next change.
      try {
        for (const update of await this.reader.firmUpdates(p.firmId)) this.toOwn(socket).emit('booking:update', update);
      } catch (e) {
        this.logger.warn({ err: e, firmId: p.firmId }, 'no state for a connecting firm');
      }
    } else if (p.role === 'port_staff' && p.portCode) {
      await socket.join(rooms.staff(p.portCode));
    } else if (p.role === 'yard_staff' && p.portCode) {
      // yard:update only: the yard console reads its first view over HTTP (GET /ports/:code/yard), as the lane console does.
      await socket.join(rooms.yard(p.portCode));
    }
  }

  handleDisconnect(socket: LiveSocket): void {
    clearTimeout(this.expiries.get(socket.id));
    this.expiries.delete(socket.id);
  }

  /** This socket only, from this process, not through Redis (`socket.local` would be every other socket here). */
  private toOwn(socket: LiveSocket) {
    return this.nsp.local.to(socket.id);
  }

  /**
   * A driver's state on connecting, through the stream (a broadcast to the socket's own room): the client then holds
   * a stream offset, which is what a reconnect asks recovery from (a client that never got a broadcast is not
   * recovered).
   */
  private tellOwn(socket: LiveSocket, update: BookingUpdate): void {
    socket.data.told = update;
    this.nsp.to(socket.id).emit('booking:update', update);
  }

  /** A socket's access ends with its token: `session:expired`, then disconnect (the client signs in again). */
  private endAtExpiry(socket: LiveSocket, expiresAt: number): void {
    // The token's expiry was judged at the Clock (TokenService): so is the time left.
    const left = expiresAt - this.clock.now().getTime();
    if (left > MAX_TIMER_MS) {
      this.expiries.set(
        socket.id,
        setTimeout(() => this.endAtExpiry(socket, expiresAt), MAX_TIMER_MS),
      );
      return;
    }
    const timer = setTimeout(
      () => this.endSession(socket, 'your session has expired; sign in again', expiresAt),
      Math.max(0, left),
    );
    this.expiries.set(socket.id, timer);
  }

  /** This process's sockets of the booking whose token is of an earlier driver code. */
  private endDriverSessions({ bookingId, codeVersion }: DriverSessionsEnded): void {
    for (const id of this.nsp.adapter.rooms.get(rooms.booking(bookingId)) ?? []) {
      const socket = this.nsp.sockets.get(id) as LiveSocket | undefined;
      const p = socket?.data.principal;
      if (socket && p?.role === 'driver' && (p.codeVersion ?? 0) < codeVersion) this.endSession(socket, REISSUED);
    }
  }

  private endSession(socket: LiveSocket, message: string, at = this.clock.now().getTime()): void {
    clearTimeout(this.expiries.get(socket.id));
    this.toOwn(socket).emit('session:expired', { expiredAt: new Date(at).toISOString(), message });
    socket.disconnect(true);
  }

  /** Sockets of sessions that have ended: `session:expired`, then disconnect, as at a token's expiry. */
  private endSessions(sids: ReadonlySet<string>): void {
    for (const socket of this.nsp.sockets.values() as IterableIterator<LiveSocket>) {
      const sid = socket.data.principal?.sessionId;
      if (sid && sids.has(sid)) this.endSession(socket, 'your session has ended; sign in again');
    }
  }

  /** `subscribe` {port, direction}: the public board of that port and direction, starting with its current state. */
  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<SubscribeAck> {
    const { port, direction } = (body ?? {}) as { port?: unknown; direction?: unknown };
    const code = typeof port === 'string' ? port.toUpperCase() : '';
    if (!PORT_CODE.test(code) || (direction !== 'export' && direction !== 'import')) {
      return { ok: false, error: 'subscribe needs {port: "MOHAN", direction: "export" | "import"}' };
    }
    if (await this.tooManySubscribes(socket)) {
      return {
        ok: false,
        error: `too many subscribes from this address (at most ${SUBSCRIBES_PER_MINUTE} a minute); wait a minute`,
      };
    }
    const queue = (await this.reader.portExists(code))
      ? await this.queues.get(code, direction).catch(() => null)
      : null;
    if (!queue) return { ok: false, error: `no port ${code}` };
    // Port admins have no port of their own: subscribing to one gives them its staff view instead of the board's
    // (one queue:update per change, so deltas apply to the view they were made for).
    const admin = socket.data.principal?.role === 'port_admin';
    await socket.join(admin ? rooms.staff(code) : rooms.board(code, direction));
    this.toOwn(socket).emit('queue:update', admin ? staffView(queue.view()) : boardView(queue.view()));
    return { ok: true };
  }

  /** Counted in the HTTP throttlers' Redis storage; with Redis away it lets the subscribe through. */
  private async tooManySubscribes(socket: LiveSocket): Promise<boolean> {
    const address = createHash('sha256').update(this.clientAddress(socket.request)).digest('base64url');
    const { isBlocked } = await this.throttle.increment(
      `subscribe|${address}`,
      60_000,
      SUBSCRIBES_PER_MINUTE,
      60_000,
      'subscribe',
    );
    return isBlocked;
  }

  /**
   * Sends what a change means to this process's own sockets: the board and staff views of the queue (built only
   * when someone here watches them; whole after a whole read, else only what changed), and booking:update to the driver and firm of each truck the change was
   * about and of each waiting truck whose position or ETA moved (all of them after a whole read).
   */
  private fanOut(queue: KeptQueue, change: Applied, kind: 'delta' | 'whole' | 'finals'): void {
    const whole = kind === 'whole';
    const joined = this.nsp.adapter.rooms;
    const send = (
      room: string,
      event: keyof ServerToClientEvents,
      payload: () => unknown,
      keep?: (socket: LiveSocket) => void,
    ) => {
      const members = joined.get(room);
      if (!members?.size) return;
      this.nsp.local.to(room).emit(event, payload() as never);
      if (keep) for (const id of members) keep(this.nsp.sockets.get(id) as LiveSocket);
    };
    // Every new version goes to the boards and consoles (lanes and the called list are in it too).
    if (whole) {
      send(rooms.board(queue.port, queue.direction), 'queue:update', () => boardView(queue.view()));
      send(rooms.staff(queue.port), 'queue:update', () => staffView(queue.view()));
    } else if (kind === 'delta') {
      const line = {
        port: queue.port,
        direction: queue.direction,
        version: queue.version,
        lanes: queue.laneViews,
        called: queue.calledTrucks,
        removed: change.removed,
        inserted: change.inserted,
        ...queue.lanePace,
      };
      send(rooms.board(queue.port, queue.direction), 'queue:update', () => boardDelta(line));
      send(rooms.staff(queue.port), 'queue:update', () => staffDelta(line));
    }
    const texts = queue.textTable;
    const tell = (truck: QueueTruck) => {
      if (!joined.has(rooms.booking(truck.bookingId)) && !joined.has(rooms.firm(truck.firmId))) return;
      const update = bookingUpdate(texts, truck);
      send(
        rooms.booking(truck.bookingId),
        'booking:update',
        () => update,
        (socket) => (socket.data.told = update),
      );
      send(rooms.firm(truck.firmId), 'booking:update', () => update);
    };
    const told = new Set<string>();
    for (const truck of change.changed) {
      told.add(truck.bookingId);
      tell(truck);
    }
    for (const truck of queue.waitingFrom(whole ? 0 : change.from)) {
      if (!told.has(truck.bookingId)) tell(truck);
    }
    if (whole) for (const truck of queue.calledTrucks) tell(truck);
  }
}
