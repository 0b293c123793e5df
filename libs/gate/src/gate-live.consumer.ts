import { Injectable } from '@nestjs/common';
import { ConsumesPortEvents, PortEvent, PortEventConsumer } from '@kouan/ports';
import { LivePublisher } from '@kouan/realtime';

/**
 * The live side of the gate's port events, after the relay's commit: `gate:read` for every read (and again when staff
 * resolve one), `gate:alert` for a truck at the wrong lane, `device:update` for a device's change, each to the port's
 * staff. Repeating one is harmless: the same read or device state again.
 */
@Injectable()
@ConsumesPortEvents('gate-live')
export class GateLiveConsumer implements PortEventConsumer {
  constructor(private readonly live: LivePublisher) {}

  relayed(events: PortEvent[]): void {
    for (const e of events) {
      if (e.type === 'gate.read') {
        this.live.gateRead(e.portCode, e.data.read);
        if (e.data.alert) this.live.gateAlert(e.portCode, e.data.alert);
      } else if (e.type === 'device.changed') this.live.device(e.portCode, e.data);
    }
  }
}
