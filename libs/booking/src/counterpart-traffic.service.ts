import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertPortScope, Principal } from '@kouan/auth';
import {
  Clock,
  decodeCursor,
  DEFAULT_LIMIT,
  DomainError,
  encodeCursor,
  inTransaction,
  normalisePlate,
  type CursorQueryDto,
} from '@kouan/common';
import { PortsService } from '@kouan/ports';
import type { ArrivalDto, DepartureDto, DeparturesPageDto } from './dto/counterpart-traffic.dto';
import { CounterpartTrafficRepository, DepartureRow } from './counterpart-traffic.repository';

/** Trucks one announcement may carry. */
export const MAX_ARRIVALS = 500;
/** How far ahead of our clock a departure may be stamped (the far side's clock runs a little ahead). */
const CLOCK_SKEW_MS = 5 * 60_000;

export const departureOf = (r: DepartureRow): DepartureDto => ({
  plate: r.plate,
  trailerPlate: r.trailer_plate,
  firmName: r.firm_name,
  cargo: r.cargo,
  hsCode: r.hs_code,
  weightKg: r.weight_kg,
  declarationNo: r.declaration_no,
  completedAt: r.completed_at.toISOString(),
});

/**
 * Trucks announced across the border, both ways (docs/counterpart.md, "Departures and arrivals"): the trucks that
 * completed our export lane, for the far side, and the trucks the far side says left towards us, "on the way" until
 * they check in here.
 */
@Injectable()
export class CounterpartTraffic {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: CounterpartTrafficRepository,
    private readonly ports: PortsService,
    private readonly clock: Clock,
  ) {}

  async departures(p: Principal, port: string, q: CursorQueryDto): Promise<DeparturesPageDto> {
    const after = decodeCursor(q.after);
    await this.ownPort(p, port);
    const limit = q.limit ?? DEFAULT_LIMIT;
    const found = await this.repo.departures(port, after, limit);
    return {
      items: found.map(departureOf),
      next: found.length === limit ? encodeCursor(found[found.length - 1].seq) : null,
    };
  }

  async announce(p: Principal, port: string, trucks: ArrivalDto[]): Promise<{ accepted: number }> {
    await this.ownPort(p, port);
    if (!trucks.length || trucks.length > MAX_ARRIVALS)
      throw new DomainError('bad_request', `send 1 to ${MAX_ARRIVALS} trucks at a time`);
    const at = this.clock.now();
    const latest = at.getTime() + CLOCK_SKEW_MS;
    const rows = trucks.map((t, i) => {
      const departedAt = Date.parse(t.departedAt);
      if (!(departedAt <= latest)) throw new DomainError('bad_request', `[${i}].departedAt is in the future`);
      return {
        plate: normalisePlate(t.plate) as string,
        trailerPlate: t.trailerPlate === undefined ? null : normalisePlate(t.trailerPlate),
        firmName: t.firmName ?? null,
        cargo: t.cargo ?? null,
        declarationNo: t.declarationNo ?? null,
        departedAt: new Date(departedAt).toISOString(),
      };
    });
    await inTransaction(this.ds, (em) => this.repo.announce(em, port, rows, at));
    return { accepted: trucks.length };
  }

  /** A counterpart or a port's staff of another port, like an unknown port, get a 404. */
  private async ownPort(p: Principal, port: string): Promise<void> {
    assertPortScope(p, port);
    await this.ports.getOrFail(port);
  }
}
