import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { UserRole } from './entities/user.entity';

export type EndReason = 'logout' | 'reuse' | 'password_changed' | 'disabled';

/** The account a session belongs to, as its access tokens name it. */
export interface SessionUserRow {
  user_id: string;
  role: UserRole;
  firm_id: string | null;
  port_code: string | null;
}

export interface NewSession {
  id: string;
  userId: string;
  tokenHash: string;
  now: Date;
  maxSeconds: number;
}

/** Every statement on `sessions` (this lib's own). Times are the caller's Clock, never the database's clock. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(s: NewSession): Promise<Date> {
    const row = await one<{ expires_at: Date }>(
      this.ds,
      `INSERT INTO sessions (id, user_id, token_hash, created_at, last_used_at, expires_at)
       VALUES ($1, $2, $3, $4, $4, $4::timestamptz + make_interval(secs => $5)) RETURNING expires_at`,
      [s.id, s.userId, s.tokenHash, s.now, s.maxSeconds],
    );
    return row!.expires_at;
  }

  /**
   * Spends the refresh token `oldHash` of session `sid` for `newHash`, in one statement: it wins only while that token
   * is still the current one, the session is open, not past its end, not idle for `idleSeconds`, and its account and
   * its firm (if any; the firms lib's table, read here) are enabled. Of two refreshes with one token, the second finds the hash changed (Postgres re-checks the WHERE on the
   * row the first updated) and gets nothing.
   */
  rotate(
    sid: string,
    oldHash: string,
    newHash: string,
    now: Date,
    idleSeconds: number,
  ): Promise<(SessionUserRow & { expires_at: Date }) | undefined> {
    return one(
      this.ds,
      `UPDATE sessions s SET token_hash = $3, last_used_at = $4, rotations = s.rotations + 1
         FROM users u
        WHERE s.id = $1 AND s.token_hash = $2 AND s.revoked_at IS NULL AND s.expires_at > $4
          AND s.last_used_at > $4::timestamptz - make_interval(secs => $5)
          AND u.id = s.user_id AND u.disabled_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM firms f WHERE f.id = u.firm_id AND f.disabled_at IS NOT NULL)
      RETURNING u.id AS user_id, u.role, u.firm_id, u.port_code, s.expires_at`,
      [sid, oldHash, newHash, now, idleSeconds],
    );
  }

  /**
   * Ends session `sid` if it is open and `unlessHash` (when given) is not its current token: a signed token that is not
   * the current one was spent before, so the family is revoked as reused. True if this call ended it.
   */
  async end(sid: string, reason: EndReason, now: Date, unlessHash?: string): Promise<boolean> {
    const ended = await rows(
      this.ds,
      `UPDATE sessions SET revoked_at = $2, revoked_reason = $3
        WHERE id = $1 AND revoked_at IS NULL AND ($4::text IS NULL OR token_hash <> $4) RETURNING id`,
      [sid, now, reason, unlessHash ?? null],
    );
    return ended.length > 0;
  }

  /** Ends every open session of `userId` in the caller's transaction; returns their ids. */
  async endAllOf(em: EntityManager, userId: string, reason: EndReason, now: Date): Promise<string[]> {
    const ended = await rows<{ id: string }>(
      em,
      'UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id',
      [userId, now, reason],
    );
    return ended.map((r) => r.id);
  }

  /** Ends every open session of every user of firm `firmId` in the caller's transaction; returns their ids. */
  async endAllOfFirm(em: EntityManager, firmId: string, reason: EndReason, now: Date): Promise<string[]> {
    const ended = await rows<{ id: string }>(
      em,
      `UPDATE sessions s SET revoked_at = $2, revoked_reason = $3 FROM users u
        WHERE u.firm_id = $1 AND s.user_id = u.id AND s.revoked_at IS NULL RETURNING s.id`,
      [firmId, now, reason],
    );
    return ended.map((r) => r.id);
  }

  /** Sessions ended after `since` (their access tokens may still be unexpired). */
  async endedSince(since: Date): Promise<string[]> {
    return (await rows<{ id: string }>(this.ds, 'SELECT id FROM sessions WHERE revoked_at > $1', [since])).map(
      (r) => r.id,
    );
  }
}
