import { Injectable } from '@nestjs/common';
import { Clock } from '@kouan/common';
import type { FeesPreviewDto, PutFeesDto } from './dto/fees.dto';
import { feeTotal } from './fees';
import { assertPublishable } from './fees-check';
import { FeesRepository } from './fees.repository';
import { PortsService } from './ports.service';

/**
 * The trucks a fee version is shown on before it is published. The fee rule has no reefer surcharge (feeTotal weighs
 * only the cargo), so the reefer's total is the 25 t truck's until the rule gives reefers one.
 */
const EXAMPLES = [
  { weightKg: 10_000, reefer: false },
  { weightKg: 25_000, reefer: false },
  { weightKg: 40_000, reefer: false },
  { weightKg: 25_000, reefer: true },
];

/** What a fee version would charge, and which version it would follow, before it is published; reads only. */
@Injectable()
export class FeesPreviewService {
  constructor(
    private readonly ports: PortsService,
    private readonly repo: FeesRepository,
    private readonly clock: Clock,
  ) {}

  async preview(code: string, dto: PutFeesDto): Promise<FeesPreviewDto> {
    const port = await this.ports.getOrFail(code);
    assertPublishable(dto, port.timeZone, this.clock.now());
    const replaces = await this.repo.inForce(code, dto.effectiveFrom);
    return {
      effectiveFrom: dto.effectiveFrom,
      currency: dto.currency,
      examples: EXAMPLES.map((truck) => ({
        ...truck,
        total: feeTotal(dto.items, truck.weightKg),
        items: dto.items.map((i) => ({ code: i.code, amount: feeTotal([i], truck.weightKg) })),
      })),
      replaces: replaces
        ? {
            version: replaces.version,
            effectiveFrom: replaces.effective_from,
            currency: replaces.currency,
            items: replaces.items,
          }
        : null,
    };
  }
}
