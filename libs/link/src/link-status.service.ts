import { Injectable } from '@nestjs/common';
import { AppConfig } from '@kouan/config';
import { PortsService } from '@kouan/ports';
import type { LinkStatusDto } from './dto/link-status.dto';
import { remoteOf } from './link.service';
import { LinkRepository } from './link.repository';

@Injectable()
export class LinkStatusService {
  constructor(
    private readonly config: AppConfig,
    private readonly ports: PortsService,
    private readonly repo: LinkRepository,
  ) {}

  /** The link's state as the worker last recorded it; a row of a remote no longer configured is not shown. */
  async of(code: string): Promise<LinkStatusDto> {
    await this.ports.getOrFail(code);
    const link = this.config.env.counterpartLinks.find((l) => l.port === code);
    const remote = link ? remoteOf(link) : null;
    const row = await this.repo.state(code);
    const state = row && row.remote === remote ? row : undefined;
    return {
      port: code,
      linked: !!link,
      remote,
      lastSuccessAt: state?.last_success_at?.toISOString() ?? null,
      lastFailureAt: state?.last_failure_at?.toISOString() ?? null,
      failures: state?.failures ?? 0,
      lastError: state?.last_error ?? null,
      pushedDates: Object.keys(state?.pushed ?? {}).sort(),
    };
  }
}
