import { DateTime } from 'luxon';
import { DomainError } from '@kouan/common';
import { feeNamesProblem } from './dto/fees.dto';
import type { PutFeesDto } from './dto/fees.dto';

/**
 * What a fee version must be to be published, checked the same for its publication and its preview: names in zh and
 * en, unique codes, and a day that is today at the port or later (what was charged stays charged).
 */
export function assertPublishable(dto: PutFeesDto, timeZone: string, at: Date): void {
  const problem = feeNamesProblem(dto.items);
  if (problem) throw new DomainError('bad_request', problem);
  const day = DateTime.fromISO(dto.effectiveFrom, { zone: timeZone });
  const today = DateTime.fromJSDate(at).setZone(timeZone).startOf('day');
  if (day < today) {
    throw new DomainError(
      'date_out_of_range',
      `fees take effect today (${today.toISODate()}) or later, never in the past`,
      {
        from: today.toISODate(),
      },
    );
  }
}
