import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@kouan/common';
import { JobHandler, JobHandlerFor, JobName } from '@kouan/jobs';
import { PortEventsRepository } from '../port-events.repository';

export interface PurgePortEventsJobData {
  /** Relayed events are kept at least this long (a few hours are always kept, whatever the job asks). */
  keepHours: number;
}

const BATCH = 5000;
/** The least a relayed event is kept: long enough to read what a consumer got after an incident. */
const MIN_KEEP_HOURS = 6;

/**
 * The port's outbox is a hand-over, not a history: the audit trail keeps what staff and admins changed, and every
 * call-next writes a queue delta naming drivers (phones included, for the staff view). Relayed events are dropped
 * after `keepHours`, in batches, all judged at the Clock's one instant; events not yet relayed and those parked for
 * a consumer (dead letters) stay until the relay or a port admin's replay is done with them.
 */
@Injectable()
@JobHandlerFor(JobName.PurgePortEvents)
export class PurgePortEventsJob implements JobHandler<PurgePortEventsJobData> {
  private readonly logger = new Logger(PurgePortEventsJob.name);

  constructor(
    private readonly events: PortEventsRepository,
    private readonly clock: Clock,
  ) {}

  async handle({ keepHours }: PurgePortEventsJobData): Promise<number> {
    const at = this.clock.now();
    let total = 0;
    for (;;) {
      const gone = await this.events.purge(Math.max(keepHours, MIN_KEEP_HOURS), at, BATCH);
      total += gone;
      if (gone < BATCH) break;
    }
    if (total) this.logger.log({ purged: total }, 'purged relayed port events');
    return total;
  }
}
