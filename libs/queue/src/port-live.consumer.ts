import { Injectable } from '@nestjs/common';
import { ConsumesPortEvents, PortEvent, PortEventConsumer } from '@kouan/ports';
import { LivePublisher } from '@kouan/realtime';

/**
 * The live side of port events, after the relay's commit: lane:update for a lane's status, slots:update for a slot's
 * counter, counterpart:update and incident:update for what stops or slows the port (its boards, staff, drivers,
 * firms), and each queue delta again to every API process (the API published it once right after its commit; a
 * process drops the copy it kept). In this lib, the highest that announces a port's live views (its queues and
 * lanes); slots are here too, so one consumer publishes every port event. Repeating one is harmless: the same state
 * again.
 */
@Injectable()
@ConsumesPortEvents('live')
export class PortLiveConsumer implements PortEventConsumer {
  constructor(private readonly live: LivePublisher) {}

  relayed(events: PortEvent[]): void {
    for (const e of events) {
      if (e.type === 'lane.status_changed')
        this.live.lane(e.portCode, e.data.direction, {
          port: e.portCode,
          laneId: e.data.laneId,
          status: e.data.status,
        });
      else if (e.type === 'slots.changed')
        this.live.slots({
          port: e.portCode,
          direction: e.direction as string,
          slotId: e.data.slotId,
          booked: e.data.booked,
          available: Math.max(e.data.capacity - e.data.booked, 0),
        });
      else if (e.type === 'queue.changed') this.live.queueAgain(e.data);
      else if (e.type === 'counterpart.status') this.live.counterpart({ port: e.portCode, ...e.data });
      else if (e.type === 'incident.opened') this.live.incident({ port: e.portCode, open: true, ...e.data });
      else if (e.type === 'incident.closed')
        this.live.incident({ port: e.portCode, id: e.data.id, open: false, kind: null, message: null, until: null });
    }
  }
}
