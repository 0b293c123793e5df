import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { PurgeIdempotencyKeysJobData } from '@kouan/booking';
import { AppConfig } from '@kouan/config';
import type { PurgeGateReadsJobData } from '@kouan/gate';
import { SYNC_COUNTERPART_LINK_OPTIONS, type SyncCounterpartLinkJobData } from '@kouan/link';
import type { PurgePortEventsJobData } from '@kouan/ports';
import { JobName, JobQueue } from '@kouan/jobs';

/** How often the schedulers are upserted again: a Redis that restarted empty gets them back within this. */
const RESTORE_EVERY_MS = 60_000;

/**
 * Recurring jobs. Upserting a scheduler is idempotent, so every worker does it at start, whenever its connection
 * comes back, and every minute: a Redis that restarted empty (the development one keeps nothing on disk) gets its
 * schedules back at once, and a due run is at most a minute late.
 */
@Injectable()
export class RecurringJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecurringJobs.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectQueue(JobQueue.Maintenance) private readonly maintenance: Queue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.upsert();
    const restore = () => {
      this.upsert().catch((err: Error) =>
        this.logger.warn({ err: { message: err.message } }, 'could not restore recurring jobs'),
      );
    };
    (await this.maintenance.getBackend().client).on('ready', restore);
    this.timer = setInterval(restore, RESTORE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async upsert(): Promise<void> {
    const data: PurgeIdempotencyKeysJobData = { keepHours: 48 };
    await this.maintenance.upsertJobScheduler(
      JobName.PurgeIdempotencyKeys,
      { every: 3600_000 },
      {
        name: JobName.PurgeIdempotencyKeys,
        data,
      },
    );
    // Relayed port events (queue deltas name drivers) are kept two days.
    const portEvents: PurgePortEventsJobData = { keepHours: 48 };
    await this.maintenance.upsertJobScheduler(
      JobName.PurgePortEvents,
      { every: 3600_000 },
      { name: JobName.PurgePortEvents, data: portEvents },
    );
    // No-shows should leave the board within a minute of their deadline.
    await this.maintenance.upsertJobScheduler(
      JobName.ExpireOverdue,
      { every: 60_000 },
      { name: JobName.ExpireOverdue, data: {} },
    );
    // A silent gate camera shows offline within DEVICE_OFFLINE_SECONDS + 30 s.
    await this.maintenance.upsertJobScheduler(
      JobName.MarkDevicesOffline,
      { every: 30_000 },
      { name: JobName.MarkDevicesOffline, data: {} },
    );
    // Camera reads (plates) are kept 30 days.
    const gateReads: PurgeGateReadsJobData = { keepDays: 30 };
    await this.maintenance.upsertJobScheduler(
      JobName.PurgeGateReads,
      { every: 86_400_000 },
      { name: JobName.PurgeGateReads, data: gateReads },
    );
    // Reminders 2 h and 30 min before a slot: at most a minute late.
    await this.maintenance.upsertJobScheduler(
      JobName.RemindDrivers,
      { every: 60_000 },
      { name: JobName.RemindDrivers, data: {} },
    );
    await this.upsertLinks();
  }

  /**
   * A scheduler per counterpart link (COUNTERPART_LINKS), keyed by our port; those of links no longer configured
   * are removed. A failed run is retried with backoff before the next one is due.
   */
  private async upsertLinks(): Promise<void> {
    const { counterpartLinks, counterpartSyncSeconds } = this.config.env;
    const keys = new Set(counterpartLinks.map((l) => `${JobName.SyncCounterpartLink}:${l.port}`));
    for (const s of await this.maintenance.getJobSchedulers()) {
      if (s.name === JobName.SyncCounterpartLink && !keys.has(s.key)) await this.maintenance.removeJobScheduler(s.key);
    }
    for (const link of counterpartLinks) {
      const data: SyncCounterpartLinkJobData = { port: link.port };
      await this.maintenance.upsertJobScheduler(
        `${JobName.SyncCounterpartLink}:${link.port}`,
        { every: counterpartSyncSeconds * 1000 },
        {
          name: JobName.SyncCounterpartLink,
          data,
          opts: SYNC_COUNTERPART_LINK_OPTIONS,
        },
      );
    }
  }
}
