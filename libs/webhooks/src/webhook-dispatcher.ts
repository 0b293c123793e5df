import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { unseal } from '@kouan/booking';
import { AppConfig } from '@kouan/config';
import { PollingLoop } from '@kouan/jobs';
import { systemResolver } from './receiver-address';
import { signature } from './signature';
import { failureOf, sendToReceiver } from './webhook-sender';
import { DueDelivery, WebhooksRepository } from './webhooks.repository';

/** How often due deliveries are looked for (retries come due by the clock; new ones and finished attempts wake it). */
const POLL_MS = 500;
/** Attempts this worker has in flight at most. */
export const SENDERS = 30;
/**
 * Of those, one firm's at most: a firm whose receivers hang (10 endpoints, each holding its attempt for the whole
 * timeout) takes this many, and every other firm's deliveries still find a free sender at once.
 */
export const FIRM_SHARE = 5;

/**
 * Sends due webhook deliveries (apps/worker only). Postgres holds every deadline (`next_at`); a delivery is taken
 * with a lease longer than the receiver's timeout, so a worker killed mid-attempt leaves it to be tried again when
 * the lease ends (at least once: receivers dedupe by Kouan-Event-Id). Attempts run side by side in a pool that is
 * refilled as each one ends, never a batch awaited as a whole: a slow receiver holds only its own sender.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly loop = new PollingLoop('sending webhooks', () => this.fill(), this.logger, POLL_MS);
  private readonly inFlight = new Set<Promise<void>>();
  /** Attempts in flight per firm. */
  private readonly sending = new Map<string, number>();

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
    // An attempt in flight ends by its timeout at the latest, and records itself.
    await Promise.allSettled([...this.inFlight]);
  }

  wake(): void {
    void this.loop.wake();
  }

  /** Takes as many due deliveries as there are free senders and starts them; true when more may be waiting. */
  private async fill(): Promise<boolean> {
    const free = SENDERS - this.inFlight.size;
    if (free <= 0) return false;
    const busy = [...this.sending].map(([firmId, sending]) => ({ firmId, sending }));
    // Twice the timeout and 5 s: a live attempt always ends (answer or timeout) and records itself well before it.
    const due = await this.repo.claimDue(free, FIRM_SHARE, busy, (2 * this.config.env.webhookTimeoutMs) / 1000 + 5);
    for (const d of due) this.start(d);
    return due.length === free;
  }

  private start(d: DueDelivery): void {
    this.sending.set(d.firm_id, (this.sending.get(d.firm_id) ?? 0) + 1);
    const attempt = this.attempt(d)
      .catch((e: unknown) => {
        // Not recorded: the lease runs out and the delivery is tried again.
        this.logger.warn({ err: { message: (e as Error).message }, delivery: d.id }, 'webhook attempt not recorded');
      })
      .finally(() => {
        const left = (this.sending.get(d.firm_id) ?? 1) - 1;
        if (left > 0) this.sending.set(d.firm_id, left);
        else this.sending.delete(d.firm_id);
        this.inFlight.delete(attempt);
        this.wake();
      });
    this.inFlight.add(attempt);
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const { jwtSecret, webhookTimeoutMs, webhookRetrySeconds, webhookDisableAfterSeconds, webhookAllowPrivate } =
      this.config.env;
    const started = Date.now();
    const result = await sendToReceiver(
      d.url,
      {
        timeoutMs: webhookTimeoutMs,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Kouan-Webhooks/1',
          'Kouan-Event-Id': d.event_id,
          'Kouan-Signature': signature(unseal(jwtSecret, d.secret_sealed), d.payload),
        },
        body: d.payload,
      },
      { allowPrivate: webhookAllowPrivate, resolve: systemResolver },
    );
    const took = Date.now() - started;
    const status = 'status' in result ? result.status : null;
    if (status !== null && status >= 200 && status < 300) return this.repo.delivered(d, status, took);
    // attempts counts this one: after the n-th, wait retry[n - 1]; after the last, give up.
    const retryIn = webhookRetrySeconds[d.attempts - 1] ?? null;
    await this.repo.failed(d, status, failureOf(result), took, retryIn, webhookDisableAfterSeconds);
  }
}
