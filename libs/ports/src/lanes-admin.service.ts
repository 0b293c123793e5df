import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@kouan/audit';
import { Clock, DomainError, inTransaction, isUniqueViolation, notFound } from '@kouan/common';
import type { AddLaneDto, RenameLaneDto } from './dto/lane.dto';
import type { NamedLaneDto } from './dto/port.dto';
import { LanesRepository, NamedLaneRow } from './lanes.repository';
import { PortsService } from './ports.service';

const toDto = (l: NamedLaneRow): NamedLaneDto => ({
  id: l.id,
  name: l.name,
  names: l.names,
  direction: l.direction,
  status: l.status,
});

/**
 * The port admin's changes to a port's lanes (this lib's table): adding one and naming it. A lane's status is the
 * lane staff's (queue's LanesService), under the queue's lock.
 */
@Injectable()
export class LanesAdminService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly ports: PortsService,
    private readonly lanes: LanesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * A new lane, closed: staff open it when it is manned. Nothing else changes until then (a closed lane adds no
   * pace to any queue's ETAs), so nothing is announced; the queues list it from their next change.
   */
  async add(code: string, dto: AddLaneDto): Promise<NamedLaneDto> {
    await this.ports.getOrFail(code);
    const at = this.clock.now();
    const lane = await this.write(async (em) => {
      const added = (await this.lanes.add(em, code, { ...dto, names: dto.names ?? {} }, at)) as NamedLaneRow;
      await this.audit.record(em, { type: 'lane.added', portCode: code, at, data: { lane: toDto(added) } });
      return added;
    });
    return toDto(lane);
  }

  /** A new name, or new display names (the whole set), for a lane of the port. */
  async rename(code: string, laneId: string, dto: RenameLaneDto): Promise<NamedLaneDto> {
    if (dto.name === undefined && dto.names === undefined) throw new DomainError('bad_request', 'give name or names');
    await this.ports.getOrFail(code);
    const lane = await this.write(async (em) => {
      const before = await this.lanes.lockNamed(em, laneId, code);
      if (!before) throw notFound('lane');
      // Taken under the lane's lock, as a status change does: the lane's changes are stamped in their order.
      const at = this.clock.now();
      const after = (await this.lanes.rename(em, laneId, dto.name ?? null, dto.names ?? null)) as NamedLaneRow;
      await this.audit.record(em, {
        type: 'lane.renamed',
        portCode: code,
        at,
        data: {
          laneId,
          before: { name: before.name, names: before.names },
          after: { name: after.name, names: after.names },
        },
      });
      return after;
    });
    return toDto(lane);
  }

  /** A change in one transaction; a name another lane of the port has is the caller's mistake (409). */
  private async write(work: (em: EntityManager) => Promise<NamedLaneRow>): Promise<NamedLaneRow> {
    try {
      return await inTransaction(this.ds, work);
    } catch (e) {
      if (isUniqueViolation(e, 'uq_lanes_port_name')) {
        throw new DomainError('conflict', 'the port already has a lane of that name');
      }
      throw e;
    }
  }
}
