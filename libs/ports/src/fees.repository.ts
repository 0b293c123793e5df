import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { FeeItem } from './entities/fee-schedule.entity';

export interface FeeRow {
  version: number;
  effective_from: string;
  currency: string;
  items: FeeItem[];
}

const FEE_COLUMNS = `f.version, to_char(f.effective_from, 'YYYY-MM-DD') AS effective_from, f.currency, f.items`;

/**
 * SQL: the port's fee version in force on a day (`port`, `day`: SQL expressions, the day the port's local date): the
 * latest effective on or before it, the highest version of that day. A later version does not change what a day
 * owes. For a LATERAL join (`… LEFT JOIN LATERAL (${FEES_IN_FORCE(…)}) fee ON true`, giving fee.version,
 * fee.currency, fee.items) or a statement of its own.
 */
export const FEES_IN_FORCE = (port: string, day: string, columns = 'f.version, f.currency, f.items') =>
  `SELECT ${columns} FROM port_fees f WHERE f.port_code = ${port} AND f.effective_from <= ${day}
   ORDER BY f.effective_from DESC, f.version DESC LIMIT 1`;

/** The statements on `port_fees` (this lib's table): versions that take effect on a day and never change. */
@Injectable()
export class FeesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * The port's next version, effective from `effectiveFrom`. The port's row is locked first, so two publications at
   * once get consecutive versions.
   */
  async publish(
    em: EntityManager,
    code: string,
    effectiveFrom: string,
    currency: string,
    items: FeeItem[],
    by: string,
  ): Promise<FeeRow> {
    await em.query('SELECT 1 FROM ports WHERE code = $1 FOR UPDATE', [code]);
    const published = await one<FeeRow>(
      em,
      `INSERT INTO port_fees (port_code, version, effective_from, currency, items, created_by)
       SELECT $1::varchar, COALESCE(max(version), 0) + 1, $2::date, $3, $4::jsonb, $5 FROM port_fees WHERE port_code = $1::varchar
       RETURNING version, to_char(effective_from, 'YYYY-MM-DD') AS effective_from, currency, items`,
      [code, effectiveFrom, currency, JSON.stringify(items), by],
    );
    return published as FeeRow;
  }

  /** The version in force on `day` (the port's local date), if any. */
  inForce(code: string, day: string): Promise<FeeRow | undefined> {
    return one<FeeRow>(this.ds, FEES_IN_FORCE('$1', '$2::date', FEE_COLUMNS), [code, day]);
  }

  /** Every version, newest first. */
  history(code: string): Promise<FeeRow[]> {
    return rows<FeeRow>(
      this.ds,
      `SELECT ${FEE_COLUMNS} FROM port_fees f WHERE f.port_code = $1 ORDER BY f.version DESC`,
      [code],
    );
  }
}
