import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { Clock } from '@kouan/common';
import { isoInZone } from '@kouan/calendar';
import type { CounterpartDto } from './dto/counterpart.dto';
import type { CounterpartStatusValue } from './entities/counterpart.entity';
import type { Port } from './entities/port.entity';
import { AcceptanceRow, CounterpartRepository, CounterpartStatusRow } from './counterpart.repository';

/** The far side's status as it stands at an instant: open where nothing was said or its `until` has passed. */
export interface CounterpartState {
  status: CounterpartStatusValue;
  reason: string | null;
  reasons: Record<string, string>;
  until: Date | null;
}

export const counterpartState = (row: CounterpartStatusRow | undefined, at: Date): CounterpartState =>
  !row || row.status === 'open' || (row.until && row.until <= at)
    ? { status: 'open', reason: null, reasons: {}, until: null }
    : { status: row.status, reason: row.reason, reasons: row.reasons, until: row.until };

/** GET /ports/:code's `counterpart`: the port's far side by name, its status and its next stated acceptance. */
export const counterpartView = (
  name: string | null,
  state: CounterpartState,
  acceptance: AcceptanceRow | undefined,
  timeZone: string,
): CounterpartDto => ({
  name,
  status: state.status,
  reason: state.reason,
  reasons: state.reasons,
  until: state.until && isoInZone(state.until, timeZone),
  acceptance: acceptance
    ? {
        date: acceptance.service_date,
        windows: acceptance.windows,
        reason: acceptance.reason,
        setAt: isoInZone(acceptance.set_at, timeZone),
      }
    : null,
});

/** Reads what the far side of a port's border said, as it stands at the Clock's instant. */
@Injectable()
export class CounterpartReader {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: CounterpartRepository,
    private readonly clock: Clock,
  ) {}

  /** The far side's status at the port now (open past its `until`), for the libs that act on it. */
  async state(code: string): Promise<CounterpartState> {
    return counterpartState(await this.repo.status(this.ds, code), this.clock.now());
  }

  /** The far side's status at each of `codes` now, in one read (the open data feed's ports). */
  async states(codes: string[]): Promise<Map<string, CounterpartState>> {
    const at = this.clock.now();
    const found = new Map((await this.repo.statuses(this.ds, codes)).map((r) => [r.port_code, r]));
    return new Map(codes.map((code) => [code, counterpartState(found.get(code), at)]));
  }

  /** GET /ports/:code's `counterpart`. */
  async view(port: Port): Promise<CounterpartDto> {
    const at = this.clock.now();
    const today = DateTime.fromJSDate(at, { zone: port.timeZone }).toISODate() as string;
    const [status, acceptance] = await Promise.all([
      this.repo.status(this.ds, port.code),
      this.repo.nextAcceptance(this.ds, port.code, today),
    ]);
    return counterpartView(port.counterpart, counterpartState(status, at), acceptance, port.timeZone);
  }
}
