import { Module } from '@nestjs/common';
import { BookingWorkerModule } from '@kouan/booking';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookFanOutConsumer } from './webhook-fanout.consumer';
import { WebhooksRepository } from './webhooks.repository';

/**
 * The worker's side of webhooks (apps/worker imports it): the relay's fan-out into deliveries and the sender. Needs
 * a `Clock` (the worker provides one, globally).
 */
@Module({ imports: [BookingWorkerModule], providers: [WebhooksRepository, WebhookFanOutConsumer, WebhookDispatcher] })
export class WebhooksWorkerModule {}
