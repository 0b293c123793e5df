import { Global, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { Principal } from '@kouan/auth';
import { Clock, DomainError, ipv4WrittenOddly, ReceiverNotAllowed, systemResolver, vetReceiver } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import { DriverPushSubscriptions, PushKeyDto, PushSubscriptionDto } from '@kouan/queue';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';

const pushOff = () => new DomainError('not_found', 'Web Push is off on this server (no VAPID keys)');

/**
 * A driver's Web Push subscription, through the queue lib's `/driver` routes. The endpoint is an address the browser
 * chose, and the worker will POST to it: it is checked as a webhook's receiver is (https, and public unless
 * WEBHOOK_ALLOW_PRIVATE), here and again before each push.
 */
@Injectable()
export class PushSubscriptionsService extends DriverPushSubscriptions implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebPush');

  constructor(
    private readonly repo: PushSubscriptionsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    if (!this.config.env.webPush)
      this.logger.warn('Web Push is off: set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT to turn it on');
  }

  key(): PushKeyDto {
    // Off is an answer, not an error: the page asks on every load, and a 404 there is an error in every console.
    return { publicKey: this.config.env.webPush?.publicKey ?? null };
  }

  async subscribe(p: Principal, dto: PushSubscriptionDto): Promise<void> {
    if (!this.config.env.webPush) throw pushOff();
    await this.vet(dto.endpoint);
    if (Buffer.from(dto.keys.p256dh, 'base64url')[0] !== 4)
      throw new DomainError('bad_request', 'keys.p256dh must be an uncompressed P-256 point');
    const { endpoint, keys } = dto;
    const stored = await this.repo.put(
      p.bookingId as string,
      p.codeVersion ?? 0,
      { endpoint, p256dh: keys.p256dh, auth: keys.auth },
      this.clock.now(),
    );
    if (!stored) throw new DomainError('booking_closed', 'the booking has ended');
  }

  unsubscribe(p: Principal): Promise<void> {
    return this.repo.remove(p.bookingId as string);
  }

  private async vet(endpoint: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new DomainError('bad_request', 'endpoint must be a URL');
    }
    const allowPrivate = this.config.env.webhookAllowPrivate;
    const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
    if (!schemes.includes(url.protocol) || url.username || url.password)
      throw new DomainError('bad_request', 'endpoint must be an https URL without credentials');
    if (allowPrivate) return;
    if (ipv4WrittenOddly(endpoint, url))
      throw new DomainError('url_not_allowed', 'write an IPv4 address as four decimal numbers');
    try {
      await vetReceiver(url, { allowPrivate, resolve: systemResolver });
    } catch (e) {
      if (e instanceof ReceiverNotAllowed) throw new DomainError('url_not_allowed', e.message);
      throw e;
    }
  }
}

/**
 * The notify lib's work behind the queue lib's `/driver/push…` routes (docs/architecture.md, "Routes"): the API
 * imports it; the worker serves no route and does not.
 */
@Global()
@Module({
  providers: [PushSubscriptionsRepository, { provide: DriverPushSubscriptions, useClass: PushSubscriptionsService }],
  exports: [DriverPushSubscriptions],
})
export class DriverPushModule {}
