import type { FeeItem } from './entities/fee-schedule.entity';

/**
 * The fee rule, the one place it is written: a truck owes every per-truck item once and every per-tonne item times
 * its cargo's weight in tonnes, the sum rounded to cents. The booking, the driver's trip and anything else that
 * shows a total use this.
 */
export function feeTotal(items: ReadonlyArray<{ amount: number; unit: string }>, weightKg: number): number {
  const total = items.reduce((sum, i) => sum + (i.unit === 'per_tonne' ? i.amount * (weightKg / 1000) : i.amount), 0);
  return Math.round(total * 100) / 100;
}

/** A row's fee columns as the LATERAL join of `FEES_IN_FORCE` returns them (all null while none is in force). */
export interface FeeColumns {
  fee_version: number | null;
  fee_currency: string | null;
  fee_items: FeeItem[] | null;
}

/** What a booking of `weightKg` owes under the fees of its slot's day, or null while the port has published none. */
export function feesDue(
  r: FeeColumns,
  weightKg: number,
): { version: number; currency: string; total: number; items: FeeItem[] } | null {
  if (r.fee_version === null || !r.fee_items) return null;
  return {
    version: r.fee_version,
    currency: r.fee_currency as string,
    total: feeTotal(r.fee_items, weightKg),
    items: r.fee_items,
  };
}
