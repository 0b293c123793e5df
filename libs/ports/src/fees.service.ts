import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import type { Principal } from '@kouan/auth';
import { AuditService } from '@kouan/audit';
import { DomainError, inTransaction, notFound, one, rows } from '@kouan/common';
import { feeNamesProblem, FeesDto, PutFeesDto } from './dto/fees.dto';
import type { FeeItem } from './entities/fee-schedule.entity';
import { PortsService } from './ports.service';

interface FeeRow {
  version: number;
  effective_from: string;
  currency: string;
  items: FeeItem[];
}

const toDto = (r: FeeRow): FeesDto => ({ version: r.version, effectiveFrom: r.effective_from, currency: r.currency, items: r.items });

const FEE_COLUMNS = `version, to_char(effective_from, 'YYYY-MM-DD') AS effective_from, currency, items`;

/** A port's published fees (port_fees, this lib's table): versions that take effect on a day and never change. */
@Injectable()
export class FeesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly ports: PortsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * A new version, effective from its day (today at the port or later: what was charged stays charged). The port's
   * row is locked so two publications at once get consecutive versions.
   */
  async publish(p: Principal, code: string, dto: PutFeesDto): Promise<FeesDto> {
    const port = await this.ports.getOrFail(code);
    const problem = feeNamesProblem(dto.items);
    if (problem) throw new DomainError('bad_request', problem);
    const day = DateTime.fromISO(dto.effectiveFrom, { zone: port.timeZone });
    const today = DateTime.now().setZone(port.timeZone).startOf('day');
    if (day < today) {
      throw new DomainError('date_out_of_range', `fees take effect today (${today.toISODate()}) or later, never in the past`, {
        from: today.toISODate(),
      });
    }
    const row = await inTransaction(this.ds, async (em) => {
      await em.query('SELECT 1 FROM ports WHERE code = $1 FOR UPDATE', [code]);
      const published = await one<FeeRow>(
        em,
        `INSERT INTO port_fees (port_code, version, effective_from, currency, items, created_by)
         SELECT $1::varchar, COALESCE(max(version), 0) + 1, $2::date, $3, $4::jsonb, $5 FROM port_fees WHERE port_code = $1::varchar
         RETURNING ${FEE_COLUMNS}`,
        [code, dto.effectiveFrom, dto.currency, JSON.stringify(dto.items), p.sub],
      );
      await this.audit.record(em, { type: 'fees.published', portCode: code, data: { ...toDto(published as FeeRow) } });
      return published;
    });
    return toDto(row as FeeRow);
  }

  /** The version in force today at the port (404 when none is yet). */
  async current(code: string): Promise<FeesDto> {
    const port = await this.ports.getOrFail(code);
    const today = DateTime.now().setZone(port.timeZone).toISODate();
    const row = await one<FeeRow>(
      this.ds,
      `SELECT ${FEE_COLUMNS} FROM port_fees WHERE port_code = $1 AND effective_from <= $2::date
       ORDER BY effective_from DESC, version DESC LIMIT 1`,
      [code, today],
    );
    if (!row) throw notFound(`fees in force at ${code}`);
    return toDto(row);
  }

  /** Every version, newest first, including those still to take effect. */
  async history(code: string): Promise<FeesDto[]> {
    await this.ports.getOrFail(code);
    return (await rows<FeeRow>(this.ds, `SELECT ${FEE_COLUMNS} FROM port_fees WHERE port_code = $1 ORDER BY version DESC`, [code])).map(toDto);
  }
}
