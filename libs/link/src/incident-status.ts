import { CALL_STOPPING_KINDS, COUNTERPART_REASON_MAX, IncidentDto } from '@kouan/ports';

/** The status our incidents give the far side, as its `POST /ports/:code/counterpart/status` takes it. */
export interface RelayedStatus {
  status: 'open' | 'slowed' | 'closed';
  reason: string;
  until?: string;
}

/** What the far side is told when none of our incidents is open any more. */
export const INCIDENTS_CLOSED = 'incident closed';

/**
 * Our open incidents as the far side's status of us: `closed` while a call-stopping incident (`closure`) is open,
 * `slowed` while only others are, `open` when none is. The reason is the messages of the incidents that set it,
 * oldest first; `until` the latest of theirs, left out when one of them has none (it lasts until closed).
 */
export function statusOfIncidents(open: IncidentDto[]): RelayedStatus {
  if (!open.length) return { status: 'open', reason: INCIDENTS_CLOSED };
  const closures = open.filter((i) => (CALL_STOPPING_KINDS as readonly string[]).includes(i.kind));
  const setting = closures.length ? closures : open;
  const reason = setting
    .map((i) => i.message)
    .join('; ')
    .slice(0, COUNTERPART_REASON_MAX);
  const untils = setting.map((i) => i.until);
  const until = untils.every((u): u is string => u !== null)
    ? untils.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a))
    : undefined;
  return { status: closures.length ? 'closed' : 'slowed', reason, ...(until ? { until } : {}) };
}
