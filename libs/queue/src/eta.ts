import type { EtaReason, LaneTimingView } from '@kouan/realtime';

/**
 * Minutes until a waiting truck at `position` is called: open lanes work through the line in parallel,
 * each at its own measured pace (the default until it has measurements). With no open lane there is no
 * honest figure, so the answer is null and says why.
 */
export function estimateEta(
  position: number,
  lanes: LaneTimingView[],
  defaultMinutes: number,
): { etaMinutes: number | null; reason: EtaReason | null } {
  const open = lanes.filter((l) => l.status === 'open');
  if (!open.length) {
    return { etaMinutes: null, reason: lanes.some((l) => l.status === 'paused') ? 'lane_paused' : 'lane_closed' };
  }
  const trucksPerMinute = open.reduce((sum, l) => sum + 1 / Math.max(l.medianMinutes ?? defaultMinutes, 0.5), 0);
  return { etaMinutes: Math.round(position / trucksPerMinute), reason: null };
}
