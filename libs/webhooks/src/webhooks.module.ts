import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BookingModule } from '@kouan/booking';
import { AdminWebhooksController, WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './entities/webhook.entities';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const WEBHOOKS_ENTITIES = [WebhookEndpoint, WebhookDelivery, WebhookAttempt];

/** The API side: firms register endpoints and read their delivery log. The worker sends (WebhookDispatcher). */
@Module({
  controllers: [WebhooksController, AdminWebhooksController],
  imports: [TypeOrmModule.forFeature(WEBHOOKS_ENTITIES), BookingModule],
  providers: [WebhooksService, WebhooksRepository],
})
export class WebhooksModule {}
