import { Injectable, Logger } from '@nestjs/common';
import webPush from 'web-push';
import { Clock, sendToReceiver, systemResolver } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import { DriverNotification, NotificationChannel } from './notification';
import type { PushMessage } from './push-message';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';

/** How long a push service keeps a message for a phone that is off (s): a call is stale after its deadline anyway. */
const TTL_SECONDS = 600;
/** The VAPID token's life (RFC 8292 allows at most 24 h). */
const TOKEN_SECONDS = 12 * 3600;

/**
 * A push message to the driver's browser, whose page may be closed: encrypted to the subscription's keys (RFC 8291,
 * aes128gcm) and signed with the server's VAPID key (RFC 8292). The push service's URL was chosen by the browser, so
 * it goes out as a webhook does: https, checked and pinned (`sendToReceiver`). A subscription the service no longer
 * knows (404, 410) is deleted; any other failure is retried by the sender.
 */
@Injectable()
export class WebPushChannel implements NotificationChannel {
  readonly name = 'webpush';
  private readonly logger = new Logger('WebPush');

  constructor(
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async send(n: DriverNotification): Promise<void> {
    const vapid = this.config.env.webPush;
    const to = await this.subscriptions.current(n.bookingId);
    if (!vapid || !to) return;
    const url = new URL(to.endpoint);
    const allowPrivate = this.config.env.webhookAllowPrivate;
    if (url.protocol !== 'https:' && !allowPrivate) throw new Error('push endpoint is not https');
    const message: PushMessage = { type: n.kind, reference: n.reference, lane: n.lane, port: n.port, text: n.text };
    const body = webPush.encrypt(to.p256dh, to.auth, JSON.stringify(message), 'aes128gcm').cipherText;
    const { Authorization } = webPush.getVapidHeaders(
      url.origin,
      vapid.subject,
      vapid.publicKey,
      vapid.privateKey,
      'aes128gcm',
      Math.floor(this.clock.now().getTime() / 1000) + TOKEN_SECONDS,
    );
    const result = await sendToReceiver(
      to.endpoint,
      {
        headers: {
          Authorization,
          TTL: String(TTL_SECONDS),
          Urgency: n.kind === 'called' ? 'high' : 'normal',
          'Content-Encoding': 'aes128gcm',
          'Content-Type': 'application/octet-stream',
        },
        body,
        timeoutMs: this.config.env.webhookTimeoutMs,
      },
      { allowPrivate, resolve: systemResolver },
    );
    if ('status' in result && result.status >= 200 && result.status < 300) return;
    if ('status' in result && (result.status === 404 || result.status === 410)) {
      this.logger.log({ booking: n.bookingId, status: result.status }, 'push subscription gone: deleted');
      return this.subscriptions.removeGone(n.bookingId, to.endpoint);
    }
    throw new Error(`push service answered ${'status' in result ? `http_${result.status}` : result.error}`);
  }
}
