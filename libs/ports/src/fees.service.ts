import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import type { Principal } from '@kouan/auth';
import { AuditService } from '@kouan/audit';
import { Clock, inTransaction, notFound } from '@kouan/common';
import { FeesDto, PutFeesDto } from './dto/fees.dto';
import { assertPublishable } from './fees-check';
import { FeeRow, FeesRepository } from './fees.repository';
import { PortsService } from './ports.service';

const toDto = (r: FeeRow): FeesDto => ({
  version: r.version,
  effectiveFrom: r.effective_from,
  currency: r.currency,
  items: r.items,
});

/** A port's published fees (port_fees, this lib's table): versions that take effect on a day and never change. */
@Injectable()
export class FeesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly ports: PortsService,
    private readonly audit: AuditService,
    private readonly repo: FeesRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * A new version, effective from its day (today at the port or later: what was charged stays charged). The port's
   * row is locked so two publications at once get consecutive versions.
   */
  async publish(p: Principal, code: string, dto: PutFeesDto): Promise<FeesDto> {
    const port = await this.ports.getOrFail(code);
    assertPublishable(dto, port.timeZone, this.clock.now());
    const row = await inTransaction(this.ds, async (em) => {
      const published = await this.repo.publish(em, code, dto.effectiveFrom, dto.currency, dto.items, p.sub);
      await this.audit.record(em, { type: 'fees.published', portCode: code, data: { ...toDto(published) } });
      return published;
    });
    return toDto(row);
  }

  /** The version in force today at the port (404 when none is yet). */
  async current(code: string): Promise<FeesDto> {
    const port = await this.ports.getOrFail(code);
    const today = DateTime.fromJSDate(this.clock.now()).setZone(port.timeZone).toISODate();
    const row = await this.repo.inForce(code, today as string);
    if (!row) throw notFound(`fees in force at ${code}`);
    return toDto(row);
  }

  /** Every version, newest first, including those still to take effect. */
  async history(code: string): Promise<FeesDto[]> {
    await this.ports.getOrFail(code);
    return (await this.repo.history(code)).map(toDto);
  }
}
