import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '@kouan/config';
import { warnGate } from '@kouan/db';
import { JobName, JobQueue } from '@kouan/jobs';
import { ConsumesPortEvents, PortEvent, PortEventConsumer } from '@kouan/ports';
import { SYNC_COUNTERPART_LINK_OPTIONS, SyncCounterpartLinkJobData } from './jobs/sync-counterpart-link.job';

/**
 * An incident opened or closed at a linked port of ours runs its link at once, after the relay's commit, so the far
 * side hears of it within seconds rather than at the link's next scheduled run. A run that finds the link's lease
 * held skips, and the scheduled run that follows relays it (it posts whatever our open incidents imply then).
 */
@Injectable()
@ConsumesPortEvents('link')
export class IncidentRelayConsumer implements PortEventConsumer {
  private readonly logger = new Logger(IncidentRelayConsumer.name);
  private readonly gate = warnGate();

  constructor(
    @InjectQueue(JobQueue.Maintenance) private readonly maintenance: Queue,
    private readonly config: AppConfig,
  ) {}

  relayed(events: PortEvent[]): void {
    const linked = new Set(this.config.env.counterpartLinks.map((l) => l.port));
    const ports = new Set(
      events
        .filter((e) => (e.type === 'incident.opened' || e.type === 'incident.closed') && linked.has(e.portCode))
        .map((e) => e.portCode),
    );
    for (const port of ports) {
      const data: SyncCounterpartLinkJobData = { port };
      this.maintenance.add(JobName.SyncCounterpartLink, data, SYNC_COUNTERPART_LINK_OPTIONS).then(
        () => this.gate.reset(),
        (err: Error) => {
          if (this.gate.due())
            this.logger.warn({ port, err: { message: err.message } }, 'could not run the link for an incident');
        },
      );
    }
  }
}
