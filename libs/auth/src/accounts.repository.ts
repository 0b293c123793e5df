import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { UserRole } from './entities/user.entity';

export interface AccountRow {
  id: string;
  email: string;
  role: UserRole;
  firm_id: string | null;
  port_code: string | null;
  password_hash: string;
  disabled_at: Date | null;
}

const ACCOUNT = 'id, email, role, firm_id, port_code, password_hash, disabled_at';

/** An account as a list shows it (never its password's hash). */
export interface AccountListRow {
  id: string;
  email: string;
  role: UserRole;
  firm_id: string | null;
  port_code: string | null;
  disabled_at: Date | null;
}

const LISTED = 'id, email, role, firm_id, port_code, disabled_at';

/** Which accounts a list holds: `port` keeps only that port's (and so no regulator: they have none). */
export interface AccountFilter {
  roles: readonly UserRole[];
  port: string | null;
}

/** The statements on `users` that change an existing account (creating one is UsersService's). */
@Injectable()
export class AccountsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  find(id: string): Promise<AccountRow | undefined> {
    return one(this.ds, `SELECT ${ACCOUNT} FROM users WHERE id = $1`, [id]);
  }

  /** The account, locked for the rest of the caller's transaction (a password change and a disable do not interleave). */
  lock(em: EntityManager, id: string): Promise<AccountRow | undefined> {
    return one(em, `SELECT ${ACCOUNT} FROM users WHERE id = $1 FOR UPDATE`, [id]);
  }

  /** The accounts of `roles` (of `port` when given), by email; the emails are unique, so pages stay stable. */
  list(f: AccountFilter, limit: number, offset: number): Promise<AccountListRow[]> {
    return rows<AccountListRow>(
      this.ds,
      `SELECT ${LISTED} FROM users WHERE role = ANY($1) AND ($2::varchar IS NULL OR port_code = $2)
       ORDER BY email ASC LIMIT $3 OFFSET $4`,
      [f.roles, f.port, limit, offset],
    );
  }

  /** The firm's users, by email. */
  ofFirm(firmId: string): Promise<AccountListRow[]> {
    return rows<AccountListRow>(this.ds, `SELECT ${LISTED} FROM users WHERE firm_id = $1 ORDER BY email ASC`, [firmId]);
  }

  async setPassword(em: EntityManager, id: string, hash: string): Promise<void> {
    await em.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, hash]);
  }

  async setDisabled(em: EntityManager, id: string, at: Date | null): Promise<void> {
    await em.query('UPDATE users SET disabled_at = $2 WHERE id = $1', [id, at]);
  }
}
