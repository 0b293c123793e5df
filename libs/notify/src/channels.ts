import { Inject, Injectable, Logger } from '@nestjs/common';
import { LivePublisher } from '@kouan/realtime';
import { DriverNotification, NotificationChannel, SMS_GATEWAY, SmsGateway } from './notification';

/** booking:update to the driver's phone page (and the firm), when the notification carries one. */
@Injectable()
export class SocketChannel implements NotificationChannel {
  readonly name = 'socket';

  constructor(private readonly live: LivePublisher) {}

  send(n: DriverNotification): Promise<void> {
    if (n.update) this.live.booking(n.firmId, n.update);
    return Promise.resolve();
  }
}

/** A text message through the configured gateway. */
@Injectable()
export class SmsChannel implements NotificationChannel {
  readonly name = 'sms';

  constructor(@Inject(SMS_GATEWAY) private readonly gateway: SmsGateway) {}

  send(n: DriverNotification): Promise<void> {
    return this.gateway.send(n.phone, n.text);
  }
}

/** The gateway Kouan ships: writes the message to the log (phone masked) instead of sending it. */
@Injectable()
export class LoggingSmsGateway implements SmsGateway {
  private readonly logger = new Logger('Sms');

  send(to: string, text: string): Promise<void> {
    this.logger.log({ to: `${to.slice(0, 4)}…${to.slice(-2)}`, text }, 'text message (logging gateway: not sent)');
    return Promise.resolve();
  }
}
