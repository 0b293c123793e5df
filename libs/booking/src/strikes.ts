import { laneStoppedDuring } from '@kouan/ports';

/** How long a no-show counts against its firm. */
export const STRIKE_DAYS = 30;

/**
 * SQL: the strikes of firm `firm` (an SQL expression) now, at every port: its no-shows of the last 30 days
 * (`no_show_at`), less those waived by staff and those of a slot during which a lane of the booking's port and
 * direction was paused or closed (waived by themselves: the port stopped, not the truck). One definition for
 * the standing a firm is shown and for the quota its bookings get (places.ts), so the two always agree.
 */
export const strikesOf = (firm: string) => `(
  SELECT count(*)::int FROM bookings x JOIN slots xs ON xs.id = x.slot_id
  WHERE x.firm_id = ${firm} AND x.status = 'no_show' AND x.no_show_at > now() - make_interval(days => ${STRIKE_DAYS})
    AND x.waived_at IS NULL AND NOT ${laneStoppedDuring('x.port_code', 'x.direction', 'xs.starts_at', 'xs.ends_at')})`;

/** SQL: every no-show of firm `firm` in the last 30 days, waived or not. */
export const noShowsOf = (firm: string) => `(
  SELECT count(*)::int FROM bookings x
  WHERE x.firm_id = ${firm} AND x.status = 'no_show' AND x.no_show_at > now() - make_interval(days => ${STRIKE_DAYS}))`;

/** Above its port's strike limit a firm's quota share there is halved, until strikes age out. */
export const quotaPercentNow = (quotaPercent: number, strikes: number, strikeLimit: number): number =>
  strikes > strikeLimit ? quotaPercent / 2 : quotaPercent;
