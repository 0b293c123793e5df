/**
 * The model's day (libs/sim, `runKouan`) as the actions staff, trucks and the worker take, in the order the model took
 * them: what the soak (soak.ts) plays through the real system, and what the outlook's model-only check
 * (outlook-check.ts) replays.
 */
import { book, runKouan, SimParams, SimTruck } from '@kouan/sim';

export type TruckAction =
  | { kind: 'check-in'; at: number; truck: number; waitedFrom: number }
  | { kind: 'call'; at: number; truck: number; lane: number; serving: boolean }
  | { kind: 'complete'; at: number; truck: number }
  | { kind: 'skip'; at: number; truck: number }
  | { kind: 'timeout'; at: number; truck: number; final: boolean };

/** Ends of a lane's work come first at one instant, then calls, then check-ins (see `plan`). */
const RANK: Record<TruckAction['kind'], number> = { complete: 0, skip: 0, timeout: 0, call: 1, 'check-in': 2 };

/**
 * The model's day as the actions staff, trucks and the worker take, in the order the model took them. Ties (equal
 * instants) happen at the lanes' opening and where several trucks waited on the road for their window to open: the
 * model then ends a lane's work before it calls, calls before the trucks whose window opens at that instant check in
 * (lanes were scheduled before them), among those first the one that came first, and a truck checks in before a call
 * that takes it.
 */
export function plan(trucks: SimTruck[], p: SimParams) {
  const run = runKouan(trucks, p);
  const slotOf = book(trucks, run.slots, p);
  const actions: TruckAction[] = [];
  for (const t of trucks) {
    const s = slotOf[t.id];
    const o = run.outcomes[t.id];
    if (s === null || t.noShow || o.arrivedAt === null) continue;
    const { start, end } = run.slots[s];
    if (o.arrivedAt > end + p.checkInGraceMinutes) continue;
    const at = Math.max(o.arrivedAt, start - p.earlyArrivalMinutes);
    actions.push({ kind: 'check-in', at, truck: t.id, waitedFrom: o.arrivedAt });
  }
  const timeouts = new Map<number, number>();
  const skipped = new Set<number>();
  for (const span of run.spans) {
    actions.push({ kind: 'call', at: span.from, truck: span.truck, lane: span.lane, serving: span.serving });
    if (span.serving) actions.push({ kind: 'complete', at: span.to, truck: span.truck });
    else if (trucks[span.truck].absence === 'skip' && !skipped.has(span.truck)) {
      skipped.add(span.truck);
      actions.push({ kind: 'skip', at: span.to, truck: span.truck });
    } else {
      const n = (timeouts.get(span.truck) ?? 0) + 1;
      timeouts.set(span.truck, n);
      actions.push({ kind: 'timeout', at: span.from + p.calledTimeoutMinutes, truck: span.truck, final: n === 2 });
    }
  }
  const order = new Map(actions.map((a, i) => [a, i]));
  actions.sort(
    (a, b) =>
      a.at - b.at ||
      RANK[a.kind] - RANK[b.kind] ||
      (a.kind === 'check-in' && b.kind === 'check-in' ? a.waitedFrom - b.waitedFrom : 0) ||
      (order.get(a) as number) - (order.get(b) as number),
  );
  // A truck checking in at the instant of the call that takes it checks in first.
  for (let i = 0; i < actions.length; i++) {
    const c = actions[i];
    if (c.kind !== 'call') continue;
    const j = actions.findIndex((a, k) => k > i && a.kind === 'check-in' && a.truck === c.truck && a.at === c.at);
    if (j > i) actions.splice(i, 0, ...actions.splice(j, 1));
  }
  return { run, slotOf, actions };
}
