import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one } from '@kouan/common';
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

  async setPassword(em: EntityManager, id: string, hash: string): Promise<void> {
    await em.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, hash]);
  }

  async setDisabled(em: EntityManager, id: string, at: Date | null): Promise<void> {
    await em.query('UPDATE users SET disabled_at = $2 WHERE id = $1', [id, at]);
  }
}
