import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one } from '@kouan/common';
import { ACTIVE_STATUSES, BookingStatus } from './booking-status';
import { EVENT, MOVED, TX_ACTOR } from './booking-transitions.repository';
import { DeclarationStatus, REOPENABLE, REPLACEABLE } from './declaration-status';

export interface DeclarationRow {
  id: string;
  firm_id: string;
  port_code: string;
  declaration_no: string | null;
  customs_office: string | null;
  declaration_documents: Array<{ kind: string; ref: string }>;
  declaration_status: DeclarationStatus;
  declaration_note: string | null;
}

/** What the service needs to say why a statement changed nothing, or to check the caller's scope first. */
export interface DeclarationOwnerRow {
  firm_id: string;
  port_code: string;
  status: BookingStatus;
  declaration_status: DeclarationStatus | null;
}

export interface FiledDeclaration {
  declarationNo: string;
  customsOffice: string | null;
  documents: Array<{ kind: string; ref: string }>;
}

const RETURNING =
  'id, firm_id, port_code, declaration_no, customs_office, declaration_documents, declaration_status, declaration_note';

/** What a declaration change returns from its `moved` CTE: what EVENT needs, and the declaration. */
const MOVED_DECLARATION = `${MOVED}, b.declaration_no, b.customs_office, b.declaration_documents, b.declaration_status,
  b.declaration_note`;

/**
 * The change's outbox event, in its statement (`at`: the parameter holding its Clock instant): the declaration's
 * status and note, never its documents (a webhook body carries `data`; the audit entry keeps the documents).
 */
const DECLARATION_EVENT = (at: string) =>
  EVENT(
    'booking.declaration_updated',
    `jsonb_build_object('declarationStatus', m.declaration_status, 'note', m.declaration_note)`,
    TX_ACTOR,
    `${at}::timestamptz`,
  );

/**
 * The declaration columns of `bookings` (the booking lib's table). Each change is one conditional UPDATE: its
 * `WHERE` states who may move the declaration from where, so a concurrent change cannot slip between a check and
 * the write; the same statement writes its `booking.declaration_updated` event (the outbox), so the change and its
 * announcement commit together.
 */
@Injectable()
export class DeclarationsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The declaration's status before a change, its booking row locked until the change commits (for the audit's `before`). */
  async lockStatus(em: EntityManager, id: string): Promise<DeclarationStatus | null> {
    return (
      (
        await one<{ s: DeclarationStatus | null }>(
          em,
          'SELECT declaration_status AS s FROM bookings WHERE id = $1 FOR UPDATE',
          [id],
        )
      )?.s ?? null
    );
  }

  /** The firm's filing over none or a replaceable one, on an active booking of its own; customs' earlier answer is cleared. */
  file(
    em: EntityManager,
    id: string,
    firmId: string,
    d: FiledDeclaration,
    at: Date,
  ): Promise<DeclarationRow | undefined> {
    return one<DeclarationRow>(
      em,
      `WITH moved AS (
         UPDATE bookings b SET declaration_no = $3, customs_office = $4, declaration_documents = $5::jsonb,
           declaration_status = 'submitted', declaration_note = NULL, updated_at = $8
         WHERE b.id = $1 AND b.firm_id = $2 AND b.status = ANY($6::varchar[])
           AND (b.declaration_status IS NULL OR b.declaration_status = ANY($7::varchar[]))
         RETURNING ${MOVED_DECLARATION}
       ), ${DECLARATION_EVENT('$8')}
       SELECT ${RETURNING} FROM moved`,
      [id, firmId, d.declarationNo, d.customsOffice, JSON.stringify(d.documents), ACTIVE_STATUSES, REPLACEABLE, at],
    );
  }

  /** Customs' answer over any filed declaration. */
  answer(
    em: EntityManager,
    id: string,
    status: DeclarationStatus,
    note: string | null,
    at: Date,
  ): Promise<DeclarationRow | undefined> {
    return one<DeclarationRow>(
      em,
      `WITH moved AS (
         UPDATE bookings b SET declaration_status = $2, declaration_note = $3, updated_at = $4
         WHERE b.id = $1 AND b.declaration_status IS NOT NULL RETURNING ${MOVED_DECLARATION}
       ), ${DECLARATION_EVENT('$4')}
       SELECT ${RETURNING} FROM moved`,
      [id, status, note, at],
    );
  }

  /** An accepted declaration of an active booking back to the firm (`reopened`), the reason as its note. */
  reopen(em: EntityManager, id: string, reason: string, at: Date): Promise<DeclarationRow | undefined> {
    return one<DeclarationRow>(
      em,
      `WITH moved AS (
         UPDATE bookings b SET declaration_status = 'reopened', declaration_note = $2, updated_at = $5
         WHERE b.id = $1 AND b.status = ANY($3::varchar[]) AND b.declaration_status = ANY($4::varchar[])
         RETURNING ${MOVED_DECLARATION}
       ), ${DECLARATION_EVENT('$5')}
       SELECT ${RETURNING} FROM moved`,
      [id, reason, ACTIVE_STATUSES, REOPENABLE, at],
    );
  }

  owner(id: string): Promise<DeclarationOwnerRow | undefined> {
    return one<DeclarationOwnerRow>(
      this.ds,
      'SELECT firm_id, port_code, status, declaration_status FROM bookings WHERE id = $1',
      [id],
    );
  }
}
