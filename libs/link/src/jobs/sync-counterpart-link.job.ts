import { Injectable } from '@nestjs/common';
import { JobHandler, JobHandlerFor, JobName } from '@kouan/jobs';
import { LinkService, SyncResult } from '../link.service';

export interface SyncCounterpartLinkJobData {
  /** Our port, whose link (COUNTERPART_LINKS) runs. */
  port: string;
}

/** One run of one link: a scheduler per link (apps/worker/src/schedules.ts), every COUNTERPART_SYNC_SECONDS. */
@Injectable()
@JobHandlerFor(JobName.SyncCounterpartLink)
export class SyncCounterpartLinkJob implements JobHandler<SyncCounterpartLinkJobData> {
  constructor(private readonly links: LinkService) {}

  handle({ port }: SyncCounterpartLinkJobData): Promise<SyncResult> {
    return this.links.sync(port);
  }
}
