import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '@kouan/common';
import { PollingLoop } from '@kouan/jobs';
import { NOTIFICATION_CHANNELS, NotificationChannel } from './notification';
import { NotificationsRepository } from './notifications.repository';

const POLL_MS = 1000;
const BATCH = 50;
/** A channel that failed is tried again after these (seconds); then the notification is given up. */
const RETRY_SECONDS = [30, 120, 600];
/** Longer than any channel takes: a worker killed mid-send leaves the notification to be sent again after it. */
const LEASE_SECONDS = 60;

/** Sends pending notifications through their channel (apps/worker only): at least once, in the order they came. */
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

  constructor(
    private readonly repo: NotificationsRepository,
    @Inject(NOTIFICATION_CHANNELS) channels: NotificationChannel[],
    private readonly clock: Clock,
  ) {
    this.byName = new Map(channels.map((c) => [c.name, c]));
  }

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
    const due = await this.repo.claimDue(BATCH, LEASE_SECONDS, this.clock.now());
    for (const d of due) {
      const channel = this.byName.get(d.channel);
      try {
        if (!channel) throw new Error(`channel ${d.channel} is not configured`);
        await channel.send(d.payload);
        // Each outcome at its own instant: a slow channel's send is long after the claim.
        await this.repo.sent(d.id, this.clock.now());
      } catch (e) {
        this.logger.warn(
          { err: { message: (e as Error).message }, channel: d.channel, attempt: d.attempts },
          'a notification failed',
        );
        await this.repo.failed(d.id, RETRY_SECONDS[d.attempts - 1] ?? null, this.clock.now());
      }
    }
    return due.length;
  }
}
