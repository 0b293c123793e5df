/**
 * What the far side accepts (issue 20): a daily acceptance spread over its windows, and the slot capacities of
 * Kouan when it follows acceptance. Both spread a whole number of trucks the way the product does: equal shares,
 * the remainder to the earliest.
 */
export interface AcceptanceWindow {
  start: number;
  end: number;
  /** Trucks the far side takes in [start, end). */
  quota: number;
}

/** `total` over `parts` whole shares, the remainder to the earliest. */
export const spread = (total: number, parts: number): number[] =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

/** The day's acceptance over the far side's windows. */
export function acceptanceWindows(
  windows: ReadonlyArray<{ start: number; end: number }>,
  daily: number,
): AcceptanceWindow[] {
  const quotas = spread(daily, windows.length);
  return windows.map((w, i) => ({ ...w, quota: quotas[i] }));
}

/**
 * Following acceptance: each slot takes at most its share of the acceptance of the window its start falls in
 * (the window's quota spread over the slots starting in it); a slot starting outside every window takes none.
 */
export function followingCapacities(
  slots: ReadonlyArray<{ start: number }>,
  windows: readonly AcceptanceWindow[],
  capacity: number,
): number[] {
  const windowOf = slots.map((s) => windows.findIndex((w) => w.start <= s.start && s.start < w.end));
  const shares = windows.map((w, i) => spread(w.quota, windowOf.filter((x) => x === i).length));
  return windowOf.map((w, s) =>
    w < 0 ? 0 : Math.min(capacity, shares[w][windowOf.slice(0, s).filter((x) => x === w).length]),
  );
}
