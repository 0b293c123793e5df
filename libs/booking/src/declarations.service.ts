import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { assertPortScope, Principal } from '@kouan/auth';
import { AuditService } from '@kouan/audit';
import { Clock, DomainError, inTransaction, notFound } from '@kouan/common';
import { ACTIVE_STATUSES } from './booking-status';
import { DeclarationStatus } from './declaration-status';
import { DeclarationRow, DeclarationsRepository } from './declarations.repository';
import type {
  DeclarationDto,
  DeclarationStatusDto,
  PutDeclarationDto,
  ReopenDeclarationDto,
} from './dto/declaration.dto';

const toDto = (r: DeclarationRow): DeclarationDto => ({
  declarationNo: r.declaration_no as string,
  customsOffice: r.customs_office,
  documents: r.declaration_documents,
  status: r.declaration_status,
  note: r.declaration_note,
});

/**
 * The customs declaration that goes with a booking: the firm files it (status submitted), port staff record
 * customs' answer (accepted, rejected, inspection); a port whose schedule requires it checks in only accepted
 * ones. An accepted declaration is locked: only staff reopen it (reopened, with a reason), and then the firm may
 * file again. Each change writes its `booking.declaration_updated` event in its statement (the outbox): the worker's
 * relay turns it into the live declaration:update to the driver and the firm (BookingLiveConsumer) and into the
 * firm's webhooks. Each is audited here, in the change's transaction, with what the event leaves out (the documents,
 * the declaration's status before, the reason): the audit trail's consumer skips the event.
 */
@Injectable()
export class DeclarationsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: DeclarationsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Files (or files again) the firm's declaration for an active booking; customs' earlier answer is cleared. */
  async file(p: Principal, id: string, dto: PutDeclarationDto): Promise<DeclarationDto> {
    const row = await inTransaction(this.ds, async (em) => {
      const before = await this.repo.lockStatus(em, id);
      const filed = await this.repo.file(
        em,
        id,
        p.firmId as string,
        {
          declarationNo: dto.declarationNo,
          customsOffice: dto.customsOffice ?? null,
          documents: dto.documents ?? [],
        },
        this.clock.now(),
      );
      if (filed) await this.record(em, 'declaration.filed', filed, before);
      return filed;
    });
    if (!row) throw await this.whyNotFiled(id, p.firmId as string);
    return toDto(row);
  }

  /** Port staff record customs' answer to a filed declaration (another port's booking is a 404). */
  async answer(p: Principal, id: string, dto: DeclarationStatusDto): Promise<DeclarationDto> {
    await this.inScope(p, id);
    const row = await inTransaction(this.ds, async (em) => {
      const before = await this.repo.lockStatus(em, id);
      const answered = await this.repo.answer(em, id, dto.status, dto.note ?? null, this.clock.now());
      if (answered) await this.record(em, 'declaration.status', answered, before);
      return answered;
    });
    if (!row) throw new DomainError('conflict', 'this booking has no declaration filed yet');
    return toDto(row);
  }

  /** Port staff hand an accepted declaration back to the firm, saying why (another port's booking is a 404). */
  async reopen(p: Principal, id: string, dto: ReopenDeclarationDto): Promise<DeclarationDto> {
    await this.inScope(p, id);
    const row = await inTransaction(this.ds, async (em) => {
      const before = await this.repo.lockStatus(em, id);
      const reopened = await this.repo.reopen(em, id, dto.reason, this.clock.now());
      if (reopened) await this.record(em, 'declaration.reopened', reopened, before, { reason: dto.reason });
      return reopened;
    });
    if (!row) throw await this.whyNotReopened(id);
    return toDto(row);
  }

  private async inScope(p: Principal, id: string): Promise<void> {
    const b = await this.repo.owner(id);
    if (!b) throw notFound('booking');
    assertPortScope(p, b.port_code);
  }

  private record(
    em: EntityManager,
    type: string,
    r: DeclarationRow,
    before: DeclarationStatus | null,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    return this.audit.record(em, {
      type,
      portCode: r.port_code,
      bookingId: r.id,
      data: {
        declarationNo: r.declaration_no,
        customsOffice: r.customs_office,
        documents: r.declaration_documents,
        before,
        status: r.declaration_status,
        note: r.declaration_note,
        ...extra,
      },
    });
  }

  /** Why a filing changed nothing, read after the fact: the statement's `WHERE` alone decided. */
  private async whyNotFiled(id: string, firmId: string): Promise<DomainError> {
    const b = await this.repo.owner(id);
    if (!b || b.firm_id !== firmId) return notFound('booking');
    if (!ACTIVE_STATUSES.includes(b.status)) {
      return new DomainError('illegal_transition', `a ${b.status} booking takes no declaration`, {
        currentStatus: b.status,
      });
    }
    return new DomainError(
      'declaration_locked',
      'customs accepted this declaration: port staff must reopen it before it can be replaced',
      {
        declarationStatus: b.declaration_status,
      },
    );
  }

  private async whyNotReopened(id: string): Promise<DomainError> {
    const b = await this.repo.owner(id);
    if (!b) return notFound('booking');
    if (!ACTIVE_STATUSES.includes(b.status)) {
      return new DomainError('illegal_transition', `a ${b.status} booking's declaration is not reopened`, {
        currentStatus: b.status,
      });
    }
    return new DomainError(
      'conflict',
      `only an accepted declaration is reopened (this one: ${b.declaration_status ?? 'none filed'})`,
      {
        declarationStatus: b.declaration_status,
      },
    );
  }
}
