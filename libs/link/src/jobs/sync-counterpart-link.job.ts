import { Injectable } from '@nestjs/common';
import { JobHandler, JobHandlerFor, JobName } from '@kouan/jobs';
import { LinkService, SyncResult } from '../link.service';

export interface SyncCounterpartLinkJobData {
  /** Our port, whose link (COUNTERPART_LINKS) runs. */
  port: string;
}

/** A link's run, scheduled or prompted by an incident: a failed one is retried with backoff (2 s, 4 s, 8 s). */
export const SYNC_COUNTERPART_LINK_OPTIONS = { attempts: 4, backoff: { type: 'exponential', delay: 2000 } } as const;

/** One run of one link: a scheduler per link (apps/worker/src/schedules.ts), every COUNTERPART_SYNC_SECONDS, and
 * at once when an incident of its port opens or closes (IncidentRelayConsumer). */
@Injectable()
@JobHandlerFor(JobName.SyncCounterpartLink)
export class SyncCounterpartLinkJob implements JobHandler<SyncCounterpartLinkJobData> {
  constructor(private readonly links: LinkService) {}

  handle({ port }: SyncCounterpartLinkJobData): Promise<SyncResult> {
    return this.links.sync(port);
  }
}
