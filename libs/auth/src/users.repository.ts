import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one } from '@kouan/common';
import type { UserRole } from './entities/user.entity';

export interface NewUserRow {
  email: string;
  passwordHash: string;
  role: UserRole;
  firmId: string | null;
  portCode: string | null;
}

/** What signing in needs of an account. */
export interface LoginUser {
  id: string;
  email: string;
  passwordHash: string;
  role: UserRole;
  firmId: string | null;
  portCode: string | null;
  /** When the account, or else its firm, was disabled (null: it may sign in). */
  disabledAt: Date | null;
}

/** The statements that create and find accounts on `users` (this lib's table; changes to one are AccountsRepository's). */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The new account's id; the unique index uq_users_email refuses a taken email. */
  async insert(em: EntityManager, u: NewUserRow, at: Date): Promise<string> {
    const row = await one<{ id: string }>(
      em,
      `INSERT INTO users (email, password_hash, role, firm_id, port_code, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [u.email, u.passwordHash, u.role, u.firmId, u.portCode, at],
    );
    return (row as { id: string }).id;
  }

  async emailTaken(email: string): Promise<boolean> {
    return Boolean(await one(this.ds, 'SELECT 1 FROM users WHERE email = $1', [email]));
  }

  byEmail(email: string): Promise<LoginUser | undefined> {
    return one<LoginUser>(
      this.ds,
      `SELECT u.id, u.email, u.password_hash AS "passwordHash", u.role, u.firm_id AS "firmId",
              u.port_code AS "portCode", COALESCE(u.disabled_at, f.disabled_at) AS "disabledAt"
       FROM users u LEFT JOIN firms f ON f.id = u.firm_id WHERE u.email = $1`,
      [email],
    );
  }
}
