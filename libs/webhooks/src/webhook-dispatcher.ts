import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { unseal } from '@kouan/booking/secrets';
import { AppConfig } from '@kouan/config';
import { PollingLoop } from '@kouan/jobs/polling-loop';
import { signature } from './signature';
import { DueDelivery, WebhooksRepository } from './webhooks.repository';

/** How often due deliveries are looked for (retries come due by the clock; new ones also wake it). */
const POLL_MS = 500;
/** Deliveries per look; they are sent concurrently (each is a different booking or endpoint). */
const BATCH = 20;

/**
 * Sends due webhook deliveries (apps/worker only). Postgres holds every deadline (`next_at`); a delivery is taken
 * with a lease longer than the receiver's timeout, so a worker killed mid-attempt leaves it to be tried again when
 * the lease ends (at least once: receivers dedupe by Kouan-Event-Id). Redirects are not followed.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly loop = new PollingLoop('sending webhooks', () => this.sendDue().then((n) => n === BATCH), this.logger, POLL_MS);

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  wake(): void {
    void this.loop.wake();
  }

  private async sendDue(): Promise<number> {
    const { webhookTimeoutMs } = this.config.env;
    // Twice the timeout and 5 s: a live attempt always ends (answer or timeout) and records itself well before it.
    const due = await this.repo.claimDue(BATCH, (2 * webhookTimeoutMs) / 1000 + 5);
    await Promise.all(due.map((d) => this.attempt(d)));
    return due.length;
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const { jwtSecret, webhookTimeoutMs, webhookRetrySeconds, webhookDisableAfterSeconds } = this.config.env;
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(webhookTimeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Kouan-Webhooks/1',
          'Kouan-Event-Id': d.event_id,
          'Kouan-Signature': signature(unseal(jwtSecret, d.secret_sealed), d.payload),
        },
        body: d.payload,
      });
      status = res.status;
      await res.body?.cancel();
    } catch (e) {
      error = e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${webhookTimeoutMs} ms` : describe(e);
    }
    const took = Date.now() - started;
    if (status !== null && status >= 200 && status < 300) return this.repo.delivered(d, status, took);
    // attempts counts this one: after the n-th, wait retry[n - 1]; after the last, give up.
    const retryIn = webhookRetrySeconds[d.attempts - 1] ?? null;
    await this.repo.failed(d, status, error ?? `HTTP ${status}`, took, retryIn, webhookDisableAfterSeconds);
  }
}

/** A short, safe reason for a failed request (no stack, bounded). */
function describe(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return (cause?.code ?? cause?.message ?? (e as Error).message ?? 'request failed').slice(0, 200);
}
