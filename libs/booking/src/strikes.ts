/** How long a no-show counts against its firm. */
export const STRIKE_DAYS = 30;

/** Above its port's strike limit a firm's quota share there is halved, until strikes age out. */
export const quotaPercentNow = (quotaPercent: number, strikes: number, strikeLimit: number): number =>
  strikes > strikeLimit ? quotaPercent / 2 : quotaPercent;
