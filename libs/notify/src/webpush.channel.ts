import { createPrivateKey, sign } from 'node:crypto';
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
    // A driver code is texted only: a push would show the secret on a lock screen the firm never chose.
    if (n.kind === 'driver_code') return;
    const vapid = this.config.env.webPush;
    const to = await this.subscriptions.current(n.bookingId);
    if (!vapid || !to) return;
    const url = new URL(to.endpoint);
    const allowPrivate = this.config.env.webhookAllowPrivate;
    if (url.protocol !== 'https:' && !allowPrivate) throw new Error('push endpoint is not https');
    const message: PushMessage = { type: n.kind, reference: n.reference, lane: n.lane, port: n.port, text: n.text };
    const body = webPush.encrypt(to.p256dh, to.auth, JSON.stringify(message), 'aes128gcm').cipherText;
    const Authorization = vapidAuthorization(url.origin, vapid, this.clock.now());
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

/**
 * `vapid t=<JWT>, k=<public key>` (RFC 8292): an ES256 token for the push service's origin, expiring by the Clock.
 * Signed here rather than by web-push's getVapidHeaders, which judges the expiry by the system's time.
 */
function vapidAuthorization(
  audience: string,
  vapid: { publicKey: string; privateKey: string; subject: string },
  at: Date,
) {
  const point = Buffer.from(vapid.publicKey, 'base64url');
  const key = createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: vapid.privateKey,
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const exp = Math.floor(at.getTime() / 1000) + TOKEN_SECONDS;
  const unsigned = `${part({ typ: 'JWT', alg: 'ES256' })}.${part({ aud: audience, exp, sub: vapid.subject })}`;
  const signature = sign('sha256', Buffer.from(unsigned), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `vapid t=${unsigned}.${signature}, k=${vapid.publicKey}`;
}
