import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminWebhooksController, WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './entities/webhook.entities';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const WEBHOOKS_ENTITIES = [WebhookEndpoint, WebhookDelivery, WebhookAttempt];

/** The API side: firms register endpoints and read their delivery log. The worker sends (WebhookDispatcher). */
@Module({
  imports: [TypeOrmModule.forFeature(WEBHOOKS_ENTITIES)],
  controllers: [WebhooksController, AdminWebhooksController],
  providers: [WebhooksService, WebhooksRepository],
})
export class WebhooksModule {}
