import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Namespace, Server } from 'socket.io';
import { AppConfig } from '@kouan/config';
import { readyWithin } from '@kouan/db';
import {
  BookingUpdate,
  CounterpartUpdate,
  DeclarationUpdate,
  DeviceUpdate,
  GateAlert,
  GateReadUpdate,
  IncidentUpdate,
  DRIVER_SESSIONS_ENDED_EVENT,
  DriverSessionsEnded,
  LIVE_NAMESPACE,
  LaneUpdate,
  QUEUE_DELTA_AGAIN_EVENT,
  QUEUE_DELTA_EVENT,
  QueueDelta,
  rooms,
  ServerToClientEvents,
  SlotsUpdate,
  YardUpdate,
} from './live-events';
import { StreamsAdapter } from './streams-adapter';

/** Who hears what stops or slows a port: both boards, its staff, its bookings' drivers and every firm. */
const noticeRooms = (port: string) => [
  rooms.board(port, 'export'),
  rooms.board(port, 'import'),
  rooms.staff(port),
  rooms.notices(port),
  rooms.firms(),
];

/**
 * Publishes live events through the socket.io Redis Streams adapter, so they reach the clients of every API process
 * alike, and work from the worker too: a socket.io server of its own that listens nowhere (the streams adapter has no
 * emitter: socketio/socket.io-redis-streams-adapter#8), whose broadcasts go into the stream that every API process
 * reads and that a reconnecting socket's missed events are replayed from. Call it only after the transaction that
 * made the change has committed. Best effort: with Redis away a publish fails within a second and is dropped (and
 * counted); the change is in Postgres, and clients see the version jump at the next change or get the full state when
 * they reconnect.
 */
@Injectable()
export class LivePublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly adapter: StreamsAdapter;
  private readonly io: Server;
  private readonly emitter: Namespace<Record<string, never>, ServerToClientEvents>;

  constructor(config: AppConfig) {
    this.adapter = new StreamsAdapter(config.env, 'live-publisher', new Logger(LivePublisher.name));
    this.io = new Server({ adapter: this.adapter.create });
    this.emitter = this.io.of(LIVE_NAMESPACE);
  }

  onModuleInit(): Promise<void> {
    return readyWithin(this.adapter.redis, 3000);
  }

  /** One committed queue change, to every API process (each applies it to the queue it keeps). */
  queue(delta: QueueDelta): void {
    this.emitter.serverSideEmit(QUEUE_DELTA_EVENT, delta);
  }

  /** The same change again, from the worker's relay: only a process that lost the first copy applies it. */
  queueAgain(delta: QueueDelta): void {
    this.emitter.serverSideEmit(QUEUE_DELTA_AGAIN_EVENT, delta);
  }

  /** A new driver code ended the older sessions of a booking: every API process disconnects their sockets. */
  driverSessionsEnded(ended: DriverSessionsEnded): void {
    this.emitter.serverSideEmit(DRIVER_SESSIONS_ENDED_EVENT, ended);
  }

  /**
   * Calls `listener` each time this publisher's Redis connection is ready again after a loss: anything
   * published meanwhile was dropped, so whoever keeps state from Redis messages must read it afresh.
   */
  onReconnected(listener: () => void): void {
    let lost = false;
    this.adapter.redis.on('close', () => {
      lost = true;
    });
    this.adapter.redis.on('ready', () => {
      if (!lost) return;
      lost = false;
      listener();
    });
  }

  /** A lane opened, paused or closed: boards and staff show it; the yard re-reads its view (the ETAs moved). */
  lane(port: string, direction: string, update: LaneUpdate): void {
    this.emitter.to([rooms.board(port, direction), rooms.staff(port), rooms.yard(port)]).emit('lane:update', update);
  }

  /** A declaration submitted or answered: the booking's driver and firm hear of it. */
  declaration(firmId: string, update: DeclarationUpdate): void {
    this.emitter.to([rooms.booking(update.bookingId), rooms.firm(firmId)]).emit('declaration:update', update);
  }

  /** A change to one booking outside any queue (cancel, reschedule): its driver and its firm hear of it. */
  booking(firmId: string, update: BookingUpdate): void {
    this.emitter.to([rooms.booking(update.bookingId), rooms.firm(firmId)]).emit('booking:update', update);
  }

  /** The yard view of one port and direction, to that port's yard and its staff. */
  yard(update: YardUpdate): void {
    this.emitter.to([rooms.yard(update.port), rooms.staff(update.port)]).emit('yard:update', update);
  }

  /** A gate camera's read, to the port's staff (the lane console's "reads to confirm"). */
  gateRead(port: string, update: GateReadUpdate): void {
    this.emitter.to(rooms.staff(port)).emit('gate:read', update);
  }

  /** A truck at the wrong lane, to the port's staff. */
  gateAlert(port: string, alert: GateAlert): void {
    this.emitter.to(rooms.staff(port)).emit('gate:alert', alert);
  }

  /** A gate camera changed (registered, removed, new key, offline, online), to the port's staff. */
  device(port: string, update: DeviceUpdate): void {
    this.emitter.to(rooms.staff(port)).emit('device:update', update);
  }

  /** The far side's status, to everyone who watches the port: its boards, staff, its bookings' drivers, the firms. */
  counterpart(update: CounterpartUpdate): void {
    this.emitter.to(noticeRooms(update.port)).emit('counterpart:update', update);
  }

  /** An incident opened or closed, to the same rooms as the far side's status. */
  incident(update: IncidentUpdate): void {
    this.emitter.to(noticeRooms(update.port)).emit('incident:update', update);
  }

  slots(update: SlotsUpdate): void {
    this.emitter.to(rooms.board(update.port, update.direction)).emit('slots:update', update);
  }

  async onApplicationShutdown(): Promise<void> {
    // Only the namespaces' adapters: this server has no engine or listener to close.
    await Promise.all([this.io.sockets.adapter.close(), this.emitter.adapter.close()]);
    await this.adapter.close();
  }
}
