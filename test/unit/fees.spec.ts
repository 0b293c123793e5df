import { feesDue, feeTotal } from '@kouan/ports';

const truck = (amount: number) => ({ amount, unit: 'per_truck' });
const tonne = (amount: number) => ({ amount, unit: 'per_tonne' });

describe('the fee rule (feeTotal, feesDue)', () => {
  it('charges a per-truck item once, whatever the cargo weighs', () => {
    expect(feeTotal([truck(80)], 0)).toBe(80);
    expect(feeTotal([truck(80)], 40_000)).toBe(80);
  });

  it('charges a per-tonne item times the cargo in tonnes (kg / 1000), not per started tonne', () => {
    expect(feeTotal([tonne(12.5)], 18_000)).toBe(225);
    expect(feeTotal([tonne(10)], 1_500)).toBe(15);
    expect(feeTotal([tonne(10)], 0)).toBe(0);
  });

  it('adds the items and rounds the sum to cents, half up as Math.round does', () => {
    expect(feeTotal([truck(80), tonne(12.5), truck(20)], 18_000)).toBe(325);
    // 3.5 × 1.234 = 4.319 → 4.32; 0.333 × 1 = 0.333 → 0.33
    expect(feeTotal([tonne(3.5)], 1_234)).toBe(4.32);
    expect(feeTotal([tonne(0.333)], 1_000)).toBe(0.33);
    // 12.5 cents (exact in binary) rounds up
    expect(feeTotal([truck(0.125)], 0)).toBe(0.13);
  });

  it('owes nothing for no items', () => {
    expect(feeTotal([], 20_000)).toBe(0);
  });

  it('feesDue: null while no version is in force, else the version with its items and total', () => {
    expect(feesDue({ fee_version: null, fee_currency: null, fee_items: null }, 10_000)).toBeNull();
    const items = [
      { code: 'entry', name: { zh: '入境费', en: 'Entry' }, amount: 80, unit: 'per_truck' as const },
      { code: 'handling', name: { zh: '装卸费', en: 'Handling' }, amount: 12.5, unit: 'per_tonne' as const },
    ];
    expect(feesDue({ fee_version: 3, fee_currency: 'CNY', fee_items: items }, 18_000)).toEqual({
      version: 3,
      currency: 'CNY',
      total: 305,
      items,
    });
  });
});
