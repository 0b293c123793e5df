import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import {
  BookingDeadlinesRepository,
  BookingEventConsumer,
  ConsumesBookingEvents,
  Deadline,
  DomainEvent,
} from '@kouan/booking';
import { Clock } from '@kouan/common';
import { JobName, PollingLoop, JobQueue } from '@kouan/jobs';

/** Deadlines this far ahead get their delayed job; later ones at a later sweep. Bounds what Redis holds. */
const HORIZON_SECONDS = 600;
const SWEEP_MS = 60_000;
/** After the deadline: the job's handler then sees it passed by the database clock too. */
const AFTER_DUE_MS = 250;

/** Events that make or move a deadline (a booking, a slot change, a call, a truck put back in line). */
const MOVES_DEADLINES = new Set<DomainEvent['type']>([
  'booking.created',
  'booking.rescheduled',
  'booking.called',
  'booking.requeued',
]);

const JOB_OF: Record<Deadline['kind'], JobName> = { expire: JobName.ExpireOverdue, remind: JobName.RemindDrivers };

/**
 * Runs the rules over time when they come due, not at the next minute: each deadline coming due (Postgres holds
 * them all) gets a delayed job named for its time (`expire-overdue@<ms>`), so one is made however often it is
 * asked for. The job carries no decision: its handler looks at the database and acts on what is due by then. A
 * sweep every minute, at boot and when a booking's deadlines move (through the relay) adds any job missing, so a
 * Redis that lost its jobs gets them back, and the minutely ExpireOverdue/RemindDrivers schedulers act on anything
 * still overdue.
 */
@Injectable()
@ConsumesBookingEvents('deadlines')
export class DeadlineJobs implements BookingEventConsumer, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeadlineJobs.name);
  /**
   * One sweep at a time: a busy relay asks after every batch, and each sweep reads every active booking's
   * deadlines, so asks during a sweep fold into one more after it (PollingLoop), never one each.
   */
  private readonly loop: PollingLoop;

  constructor(
    private readonly deadlines: BookingDeadlinesRepository,
    private readonly clock: Clock,
    @InjectQueue(JobQueue.Maintenance) private readonly maintenance: Queue,
  ) {
    // A minute of the Clock's time: a real minute, or less under a simulated clock running faster (the soak).
    this.loop = new PollingLoop(
      'scheduling deadline jobs',
      () => this.sweep().then(() => false),
      this.logger,
      clock.realMs(SWEEP_MS),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    // A Redis that comes back (maybe empty: the development one keeps nothing) gets the coming jobs at once.
    (await this.maintenance.getBackend().client).on('ready', () => void this.loop.wake());
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  relayed(events: DomainEvent[]): void {
    if (events.some((e) => MOVES_DEADLINES.has(e.type))) void this.loop.wake();
  }

  /** Adds a delayed job for every deadline coming due within the horizon. Returns how many it asked for. */
  async sweep(): Promise<number> {
    try {
      const now = this.clock.now().getTime();
      const due = await this.deadlines.upcoming(new Date(now), HORIZON_SECONDS);
      await this.maintenance.addBulk(
        due.map((d) => {
          const at = d.due_at.getTime();
          const name = JOB_OF[d.kind];
          const delay = Math.max(0, this.clock.realMs(at - now) + AFTER_DUE_MS);
          return { name, data: {}, opts: { jobId: `${name}@${at}`, delay } };
        }),
      );
      return due.length;
    } catch (e) {
      this.logger.warn(
        { err: { message: (e as Error).message } },
        'could not schedule deadline jobs; the minutely sweep acts anyway',
      );
      return 0;
    }
  }
}
