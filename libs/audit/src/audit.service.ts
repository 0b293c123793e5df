import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock, page } from '@kouan/common';
import { ChainVerifier, GENESIS } from './audit-chain';
import { AuditRecord, AuditRepository } from './audit.repository';
import type { AuditEntryDto, AuditQueryDto, AuditVerifyDto } from './dto/audit.dto';

/** Entries chained per call (one transaction): a burst goes in few of them, each well under a second. */
const CHAIN_BATCH = 1000;
/** Rows verify reads per query. */
const VERIFY_PAGE = 5000;

/**
 * The tamper-evident audit trail (docs/audit.md): who did what to which booking or port setting, when, before and
 * after. Writers queue entries in their own transaction (`record`); the worker has the database chain them
 * (`chain`); regulators and port admins read and verify.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Records a staff action with the transaction that makes it (actor: the request's, from kouan_actor()), at the
   * operation's instant (`entry.at`, else now by the Clock).
   */
  record(em: EntityManager, entry: AuditRecord): Promise<void> {
    return this.repo.enqueue(em, { ...entry, at: entry.at ?? this.clock.now() });
  }

  /** Queues the rows another lib's statement selects (booking events, copied in the relay's transaction). */
  enqueueSelected(em: EntityManager, select: string, params: unknown[]): Promise<void> {
    return this.repo.enqueueSelected(em, select, params);
  }

  /**
   * Appends the oldest pending entries to the chain, each with the next seq and the hash of the one before (in the
   * database, which the app's role cannot write the chain in). Returns how many it chained (0 when another chainer
   * holds the lock).
   */
  chain(): Promise<number> {
    return this.repo.chain(CHAIN_BATCH);
  }

  async list(q: AuditQueryDto): Promise<AuditEntryDto[]> {
    const found = await this.repo.list({ port: q.port, from: q.from, to: q.to, ...page(q) });
    return found.map((r) => ({
      seq: r.seq,
      at: new Date(r.at).toISOString(),
      type: r.type,
      actor: r.actor as AuditEntryDto['actor'],
      portCode: r.portCode,
      bookingId: r.bookingId,
      data: r.data as Record<string, unknown>,
      prevHash: r.prevHash,
      hash: r.hash,
    }));
  }

  /**
   * Re-computes the chain page by page and stops at the first bad row: from its first row, or from an anchor (an
   * earlier verify's headSeq and headHash), which costs only the rows since and still finds a cut-off tail or a
   * rewritten history (the anchor's place no longer holds its hash).
   */
  async verify(anchor?: { seq: number; hash: string }): Promise<AuditVerifyDto> {
    let verifier = new ChainVerifier();
    let after = '0';
    if (anchor) {
      // The anchor's place must still hold the row the auditor saw; the walk below then re-hashes it and every later row.
      const [row] = await this.repo.chainPage(String(anchor.seq - 1), 1);
      if (row?.seq !== anchor.seq || row.hash !== anchor.hash)
        return { ok: false, checked: 0, firstBadSeq: anchor.seq, headSeq: 0, headHash: GENESIS };
      verifier = new ChainVerifier({ headSeq: anchor.seq - 1, headHash: row.prevHash });
      after = String(anchor.seq - 1);
    }
    for (;;) {
      const batch = await this.repo.chainPage(after, VERIFY_PAGE);
      if (!batch.length || !verifier.feed(batch) || batch.length < VERIFY_PAGE) break;
      after = batch[batch.length - 1].seqText;
    }
    const r = verifier.result;
    return { ok: r.firstBadSeq === null, ...r };
  }
}
