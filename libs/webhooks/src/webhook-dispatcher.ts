import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { unseal } from '@kouan/booking';
import { Clock, failureOf, sendToReceiver, systemResolver } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import { PollingLoop } from '@kouan/jobs';
import { signature } from './signature';
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
 * with a lease (WEBHOOK_LEASE_SECONDS) that this worker renews every third of it while the attempt runs, so a worker
 * killed mid-attempt leaves it to be tried again when the lease ends (at least once: receivers dedupe by
 * Kouan-Event-Id), and a slow receiver or a slow worker never loses it to another worker. Attempts run side by side
 * in a pool that is refilled as each one ends, never a batch awaited as a whole: a slow receiver holds only its own
 * sender.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly loop = new PollingLoop('sending webhooks', () => this.fill(), this.logger, POLL_MS);
  private readonly inFlight = new Set<Promise<void>>();
  /** Attempts in flight per owner (a firm, or a port's far side). */
  private readonly sending = new Map<string, number>();
  /** Deliveries whose lease this worker holds: the attempt is under way and not recorded yet. */
  private readonly leased = new Set<string>();
  private renewTimer?: NodeJS.Timeout;
  private renewing?: Promise<void>;

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
    this.renewTimer = setInterval(() => void this.renew(), (this.config.env.webhookLeaseSeconds * 1000) / 3);
    this.renewTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
    // An attempt in flight ends by its timeout at the latest, and records itself.
    await Promise.allSettled([...this.inFlight]);
    clearInterval(this.renewTimer);
    await this.renewing;
  }

  wake(): void {
    void this.loop.wake();
  }

  /** Takes as many due deliveries as there are free senders and starts them; true when more may be waiting. */
  private async fill(): Promise<boolean> {
    const free = SENDERS - this.inFlight.size;
    if (free <= 0) return false;
    const busy = [...this.sending].map(([owner, sending]) => ({ owner, sending }));
    const due = await this.repo.claimDue(free, FIRM_SHARE, busy, this.config.env.webhookLeaseSeconds, this.clock.now());
    for (const d of due) this.start(d);
    return due.length === free;
  }

  /**
   * Extends the lease of every attempt in flight. One renewal at a time; one that fails is logged and the next one
   * comes a third of the lease later (two in a row must fail before another worker may take the delivery).
   */
  private renew(): Promise<void> {
    if (this.renewing || !this.leased.size) return this.renewing ?? Promise.resolve();
    const ids = [...this.leased];
    this.renewing = this.repo
      .renewLease(ids, this.clock.now(), this.config.env.webhookLeaseSeconds)
      .catch((e: unknown) => {
        this.logger.warn({ err: { message: (e as Error).message }, deliveries: ids.length }, 'lease not renewed');
      })
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }

  private start(d: DueDelivery): void {
    this.leased.add(d.id);
    this.sending.set(d.owner, (this.sending.get(d.owner) ?? 0) + 1);
    const attempt = this.attempt(d)
      .catch((e: unknown) => {
        // Not recorded: the lease runs out and the delivery is tried again.
        this.logger.warn({ err: { message: (e as Error).message }, delivery: d.id }, 'webhook attempt not recorded');
      })
      .finally(() => {
        this.leased.delete(d.id);
        const left = (this.sending.get(d.owner) ?? 1) - 1;
        if (left > 0) this.sending.set(d.owner, left);
        else this.sending.delete(d.owner);
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
    // No renewal may follow the record (it would move the next attempt's deadline): stop renewing this one and let
    // a renewal under way finish first.
    this.leased.delete(d.id);
    await this.renewing;
    const status = 'status' in result ? result.status : null;
    const at = this.clock.now();
    if (status !== null && status >= 200 && status < 300) return this.repo.delivered(d, status, took, at);
    // attempts counts this one: after the n-th, wait retry[n - 1]; after the last, give up.
    const retryIn = webhookRetrySeconds[d.attempts - 1] ?? null;
    await this.repo.failed(d, status, failureOf(result), took, retryIn, webhookDisableAfterSeconds, at);
  }
}
