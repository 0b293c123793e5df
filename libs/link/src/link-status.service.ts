import { Injectable } from '@nestjs/common';
import { PortsService } from '@kouan/ports';
import type { LinkStatusDto } from './dto/link-status.dto';
import { LinkRepository } from './link.repository';

@Injectable()
export class LinkStatusService {
  constructor(
    private readonly ports: PortsService,
    private readonly repo: LinkRepository,
  ) {}

  /** The link's state as the worker last recorded it (the worker holds COUNTERPART_LINKS; the API needs none). */
  async of(code: string): Promise<LinkStatusDto> {
    await this.ports.getOrFail(code);
    const state = await this.repo.state(code);
    return {
      port: code,
      remote: state?.remote ?? null,
      lastSuccessAt: state?.last_success_at?.toISOString() ?? null,
      lastFailureAt: state?.last_failure_at?.toISOString() ?? null,
      failures: state?.failures ?? 0,
      lastError: state?.last_error ?? null,
      pushedDates: Object.keys(state?.pushed ?? {}).sort(),
    };
  }
}
