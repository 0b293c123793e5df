import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import { PollingLoop } from '@kouan/jobs';
import { NOTIFICATION_CHANNELS, NotificationChannel } from './notification';
import { DueNotification, NotificationsRepository } from './notifications.repository';

const POLL_MS = 1000;
const BATCH = 50;
/** A channel that failed is tried again after these (seconds); then the notification is given up. */
const RETRY_SECONDS = [30, 120, 600];

/**
 * Sends pending notifications through their channel (apps/worker only): at least once, in the order they came. A
 * batch is claimed with a lease (NOTIFY_LEASE_SECONDS) that this worker renews every third of it until each
 * notification's outcome is recorded: a channel can be slow (a real SMS gateway is a call to a provider), and the
 * batch is sent one by one, so without renewal another worker would take the batch's tail and text the driver twice.
 * A worker killed mid-send leaves what it held to be sent again when the lease ends.
 */
@Injectable()
export class NotificationSender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationSender.name);
  private readonly loop = new PollingLoop(
    'sending notifications',
    () => this.sendDue().then((n) => n === BATCH),
    this.logger,
    POLL_MS,
  );
  private readonly byName: Map<string, NotificationChannel>;
  /** Notifications whose lease this worker holds: claimed and not recorded yet. */
  private readonly leased = new Set<string>();
  private renewTimer?: NodeJS.Timeout;
  private renewing?: Promise<void>;

  constructor(
    private readonly repo: NotificationsRepository,
    @Inject(NOTIFICATION_CHANNELS) channels: NotificationChannel[],
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.byName = new Map(channels.map((c) => [c.name, c]));
  }

  onApplicationBootstrap(): void {
    this.loop.start();
    this.renewTimer = setInterval(() => void this.renew(), (this.config.env.notifyLeaseSeconds * 1000) / 3);
    this.renewTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
    clearInterval(this.renewTimer);
    await this.renewing;
  }

  wake(): void {
    void this.loop.wake();
  }

  private async sendDue(): Promise<number> {
    const due = await this.repo.claimDue(BATCH, this.config.env.notifyLeaseSeconds, this.clock.now());
    for (const d of due) this.leased.add(d.id);
    try {
      for (const d of due) await this.send(d);
    } finally {
      // A batch cut short (the database gone mid-batch) leaves the rest to their lease.
      for (const d of due) this.leased.delete(d.id);
    }
    return due.length;
  }

  private async send(d: DueNotification): Promise<void> {
    const channel = this.byName.get(d.channel);
    let failure: Error | null = null;
    try {
      if (!channel) throw new Error(`channel ${d.channel} is not configured`);
      await channel.send(d.payload);
    } catch (e) {
      failure = e as Error;
    }
    // No renewal may follow the record (it would move the retry's deadline): stop renewing this one and let a
    // renewal under way finish first.
    this.leased.delete(d.id);
    await this.renewing;
    // Each outcome at its own instant: a slow channel's send is long after the claim.
    const at = this.clock.now();
    if (!failure) return this.repo.sent(d.id, at);
    this.logger.warn(
      { err: { message: failure.message }, channel: d.channel, attempt: d.attempts },
      'a notification failed',
    );
    await this.repo.failed(d.id, RETRY_SECONDS[d.attempts - 1] ?? null, at);
  }

  /**
   * Extends the lease of every notification claimed and not yet recorded. One renewal at a time; one that fails is
   * logged and the next comes a third of the lease later (two in a row must fail before another worker may take it).
   */
  private renew(): Promise<void> {
    if (this.renewing || !this.leased.size) return this.renewing ?? Promise.resolve();
    const ids = [...this.leased];
    this.renewing = this.repo
      .renewLease(ids, this.clock.now(), this.config.env.notifyLeaseSeconds)
      .catch((e: unknown) => {
        this.logger.warn({ err: { message: (e as Error).message }, notifications: ids.length }, 'lease not renewed');
      })
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }
}
