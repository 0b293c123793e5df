import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { assertPortScope, Principal } from '@kouan/auth';
import { AuditService } from '@kouan/audit';
import { DomainError, inTransaction, notFound, one } from '@kouan/common';
import { LivePublisher } from '@kouan/realtime/live.publisher';
import type { DeclarationDto, DeclarationStatusDto, PutDeclarationDto } from './dto/declaration.dto';

interface DeclarationRow {
  id: string;
  firm_id: string;
  port_code: string;
  declaration_no: string | null;
  customs_office: string | null;
  declaration_documents: Array<{ kind: string; ref: string }>;
  declaration_status: DeclarationDto['status'];
  declaration_note: string | null;
}

const RETURNING = 'id, firm_id, port_code, declaration_no, customs_office, declaration_documents, declaration_status, declaration_note';

const toDto = (r: DeclarationRow): DeclarationDto => ({
  declarationNo: r.declaration_no as string, customsOffice: r.customs_office, documents: r.declaration_documents,
  status: r.declaration_status, note: r.declaration_note,
});

/**
 * The customs declaration that goes with a booking: the firm files it (status submitted), port staff record
 * customs' answer (accepted, rejected, inspection); a port whose schedule requires it checks in only accepted
 * ones. Drivers and firms hear each change (declaration:update).
 */
@Injectable()
export class DeclarationsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly live: LivePublisher,
    private readonly audit: AuditService,
  ) {}

  /** Files (or files again) the firm's declaration for an active booking; customs' earlier answer is cleared. */
  async file(p: Principal, id: string, dto: PutDeclarationDto): Promise<DeclarationDto> {
    const row = await inTransaction(this.ds, async (em) => {
      const before = await this.statusBefore(em, id);
      const filed = await one<DeclarationRow>(
        em,
        `UPDATE bookings SET declaration_no = $3, customs_office = $4, declaration_documents = $5::jsonb,
           declaration_status = 'submitted', declaration_note = NULL, updated_at = now()
         WHERE id = $1 AND firm_id = $2 AND status IN ('booked', 'checked_in', 'called') RETURNING ${RETURNING}`,
        [id, p.firmId, dto.declarationNo, dto.customsOffice ?? null, JSON.stringify(dto.documents ?? [])],
      );
      if (filed) await this.record(em, 'declaration.filed', filed, before);
      return filed;
    });
    if (!row) throw await this.whyNot(id, p.firmId as string);
    this.announce(row);
    return toDto(row);
  }

  /** Port staff record customs' answer to a filed declaration (another port's booking is a 404). */
  async answer(p: Principal, id: string, dto: DeclarationStatusDto): Promise<DeclarationDto> {
    const b = await one<{ port_code: string; declaration_status: string | null }>(
      this.ds, 'SELECT port_code, declaration_status FROM bookings WHERE id = $1', [id],
    );
    if (!b) throw notFound('booking');
    assertPortScope(p, b.port_code);
    const row = await inTransaction(this.ds, async (em) => {
      const before = await this.statusBefore(em, id);
      const answered = await one<DeclarationRow>(
        em,
        `UPDATE bookings SET declaration_status = $2, declaration_note = $3, updated_at = now()
         WHERE id = $1 AND declaration_status IS NOT NULL RETURNING ${RETURNING}`,
        [id, dto.status, dto.note ?? null],
      );
      if (answered) await this.record(em, 'declaration.status', answered, before);
      return answered;
    });
    if (!row) throw new DomainError('conflict', 'this booking has no declaration filed yet');
    this.announce(row);
    return toDto(row);
  }

  /** The declaration's status before this change, its booking row locked until the change commits. */
  private async statusBefore(em: EntityManager, id: string): Promise<string | null> {
    return (await one<{ s: string | null }>(em, 'SELECT declaration_status AS s FROM bookings WHERE id = $1 FOR UPDATE', [id]))?.s ?? null;
  }

  private record(em: EntityManager, type: string, r: DeclarationRow, before: string | null): Promise<void> {
    return this.audit.record(em, {
      type, portCode: r.port_code, bookingId: r.id,
      data: { declarationNo: r.declaration_no, customsOffice: r.customs_office, documents: r.declaration_documents, before, status: r.declaration_status, note: r.declaration_note },
    });
  }

  private announce(r: DeclarationRow): void {
    this.live.declaration(r.firm_id, { bookingId: r.id, status: r.declaration_status as DeclarationDto['status'], note: r.declaration_note });
  }

  private async whyNot(id: string, firmId: string): Promise<DomainError> {
    const b = await one<{ status: string }>(this.ds, 'SELECT status FROM bookings WHERE id = $1 AND firm_id = $2', [id, firmId]);
    return b ? new DomainError('illegal_transition', `a ${b.status} booking takes no declaration`, { currentStatus: b.status }) : notFound('booking');
  }
}
