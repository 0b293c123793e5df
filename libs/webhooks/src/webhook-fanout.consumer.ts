import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BookingEventConsumer, ConsumesBookingEvents, DomainEvent } from '@kouan/booking';
import { Clock } from '@kouan/common';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhooksRepository } from './webhooks.repository';

/** Turns each relayed event into one delivery per endpoint that wants it, in the relay's transaction: once each. */
@Injectable()
@ConsumesBookingEvents('webhooks')
export class WebhookFanOutConsumer implements BookingEventConsumer {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly dispatcher: WebhookDispatcher,
    private readonly clock: Clock,
  ) {}

  /** The deliveries are due at once (`next_at` = now). */
  async handle(em: EntityManager, events: DomainEvent[]): Promise<void> {
    await this.repo.fanOut(em, events, this.clock.now());
  }

  /** New deliveries are due now: no need to wait for the dispatcher's next look. */
  relayed(): void {
    this.dispatcher.wake();
  }
}
