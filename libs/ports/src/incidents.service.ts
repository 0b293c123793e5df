import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertPortScope, Principal } from '@kouan/auth';
import { Clock, DomainError, inTransaction, notFound } from '@kouan/common';
import { isoInZone } from '@kouan/calendar';
import type { IncidentDto, OpenIncidentDto } from './dto/incident.dto';
import { IncidentsRepository } from './incidents.repository';
import { incidentDto, IncidentsReader } from './incidents-reader';
import { PortEvents } from './port-events.service';
import { PortsService } from './ports.service';

/**
 * Incidents at a port (issue 20, coordinated emergency response), opened and closed by its staff or admin. Each is a
 * port event in its transaction (incident.opened, incident.closed): the relay tells the consoles, boards, drivers and
 * firms, copies it into the audit trail, and a paired installation relays it to the far side. The port's row is held
 * while it changes, so a call racing it is judged wholly before or wholly after (IncidentsRepository.holdCalls).
 */
@Injectable()
export class IncidentsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly ports: PortsService,
    private readonly repo: IncidentsRepository,
    private readonly reader: IncidentsReader,
    private readonly events: PortEvents,
    private readonly clock: Clock,
  ) {}

  async open(p: Principal, code: string, dto: OpenIncidentDto): Promise<IncidentDto> {
    assertPortScope(p, code);
    const port = await this.ports.getOrFail(code);
    const at = this.clock.now();
    const until = dto.until ? new Date(dto.until) : null;
    if (until && until <= at) throw new DomainError('bad_request', 'until must be later than now');
    const row = await inTransaction(this.ds, async (em) => {
      await this.repo.holdCalls(em, code);
      const opened = (await this.repo.open(em, code, { kind: dto.kind, message: dto.message, until }, p.sub, at))!;
      await this.events.append(
        em,
        {
          type: 'incident.opened',
          portCode: code,
          direction: null,
          data: {
            id: opened.id,
            kind: opened.kind,
            message: opened.message,
            until: until && isoInZone(until, port.timeZone),
          },
        },
        at,
      );
      return opened;
    });
    return incidentDto(row, port.timeZone);
  }

  async close(p: Principal, code: string, id: string): Promise<IncidentDto> {
    assertPortScope(p, code);
    const port = await this.ports.getOrFail(code);
    const at = this.clock.now();
    const row = await inTransaction(this.ds, async (em) => {
      await this.repo.holdCalls(em, code);
      const closed = await this.repo.close(em, code, id, p.sub, at);
      if (!closed) throw notFound('open incident');
      await this.events.append(em, { type: 'incident.closed', portCode: code, direction: null, data: { id } }, at);
      return closed;
    });
    return incidentDto(row, port.timeZone);
  }

  async list(p: Principal, code: string): Promise<IncidentDto[]> {
    assertPortScope(p, code);
    const port = await this.ports.getOrFail(code);
    return this.reader.open(code, port.timeZone);
  }
}
