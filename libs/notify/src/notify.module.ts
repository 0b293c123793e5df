import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DriverCodeCourier } from '@kouan/booking';
import { AppConfig } from '@kouan/config';
import { DriverCodeTexts } from './driver-code-texts';
import { LoggingSmsGateway, SmsChannel, SocketChannel } from './channels';
import { NOTIFICATION_CHANNELS, NotificationChannel, SMS_GATEWAY } from './notification';
import { NotificationSender } from './notification-sender';
import { NotificationsRepository } from './notifications.repository';
import { NotifyConsumer } from './notify.consumer';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';
import { WebPushChannel } from './webpush.channel';
import { Notification } from './entities/notification.entity';
import { PushSubscription } from './entities/push-subscription.entity';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const NOTIFY_ENTITIES = [Notification, PushSubscription];

/**
 * Driver notifications, for the worker: the relay's consumer, the sender and the channels NOTIFY_CHANNELS names.
 * A real SMS provider replaces SMS_GATEWAY; nothing else changes. Web Push needs the VAPID keys (libs/config).
 */
@Module({
  imports: [TypeOrmModule.forFeature(NOTIFY_ENTITIES)],
  providers: [
    SocketChannel,
    SmsChannel,
    WebPushChannel,
    { provide: SMS_GATEWAY, useClass: LoggingSmsGateway },
    {
      provide: NOTIFICATION_CHANNELS,
      inject: [AppConfig, SocketChannel, SmsChannel, WebPushChannel],
      useFactory: (config: AppConfig, ...all: NotificationChannel[]) => {
        // Listed by default, on only with the VAPID keys (libs/config leaves it out of notifyChannels without them).
        if (!config.env.webPush)
          new Logger('WebPush').warn('Web Push is off: set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT');
        return all.filter((c) => config.env.notifyChannels.includes(c.name));
      },
    },
    NotificationsRepository,
    PushSubscriptionsRepository,
    NotificationSender,
    NotifyConsumer,
  ],
})
export class NotifyModule {}

/**
 * The work behind booking's `POST /bookings/:id/driver-code/send` (docs/architecture.md, "Routes"), for the API: the
 * text is queued here and sent by the worker's NotificationSender.
 */
@Global()
@Module({
  providers: [NotificationsRepository, { provide: DriverCodeCourier, useClass: DriverCodeTexts }],
  exports: [DriverCodeCourier],
})
export class DriverCodeCourierModule {}
