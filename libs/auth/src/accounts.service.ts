import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@kouan/audit';
import { Clock, DomainError, inTransaction, notFound, page } from '@kouan/common';
import { AccountListRow, AccountRow, AccountsRepository } from './accounts.repository';
import { PORT_SIDE_ROLES } from './dto/create-user.dto';
import type {
  AccountListItemDto,
  AccountResponseDto,
  FirmUserDto,
  TemporaryPasswordDto,
  UsersQueryDto,
} from './dto/create-user.dto';
import type { ChangePasswordDto, SessionResponseDto } from './dto/login.dto';
import { hashPassword, verifyPassword } from './password';
import type { Principal } from './principal';
import { SessionsService } from './sessions.service';

const view = (a: AccountRow, disabledAt: Date | null): AccountResponseDto => ({
  id: a.id,
  email: a.email,
  role: a.role,
  firmId: a.firm_id,
  portCode: a.port_code,
  disabledAt: disabledAt?.toISOString() ?? null,
});

const listed = (a: AccountListRow): AccountListItemDto => ({
  id: a.id,
  email: a.email,
  role: a.role,
  port: a.port_code,
  disabled: a.disabled_at !== null,
});

/** 16 random letters and digits in groups of four: easy to read out, about 95 bits. */
const temporaryPassword = (): string =>
  randomBytes(16)
    .toString('base64url')
    .replace(/[-_]/g, 'x')
    .slice(0, 16)
    .replace(/(.{4})(?!$)/g, '$1-');

/**
 * Changes to an existing account that end its sessions: a new password, disabling. Each is audited (never the
 * password) and, once committed, refuses the account's access tokens and closes its sockets in every process.
 */
@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: AccountsRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The caller's own password: every session of the account ends, and the caller gets a new one. */
  async changePassword(p: Principal, dto: ChangePasswordDto): Promise<SessionResponseDto> {
    const before = await this.repo.find(p.sub);
    if (!before || before.disabled_at) throw notFound('account');
    // argon2 takes tens of milliseconds: outside the transaction, then applied only if the hash is still the one checked.
    if (!(await verifyPassword(before.password_hash, dto.currentPassword))) {
      throw new DomainError('wrong_password', 'the current password is not right');
    }
    const hash = await hashPassword(dto.newPassword);
    const ended = await inTransaction(this.ds, async (em) => {
      const now = await this.repo.lock(em, p.sub);
      if (!now || now.disabled_at || now.password_hash !== before.password_hash) {
        throw new DomainError('conflict', 'the account changed meanwhile; try again');
      }
      await this.repo.setPassword(em, p.sub, hash);
      await this.audit.record(em, {
        type: 'user.password_changed',
        portCode: now.port_code,
        data: { userId: now.id, email: now.email, role: now.role },
      });
      return this.sessions.endAllOf(em, p.sub, 'password_changed');
    });
    await this.sessions.announce(ended);
    return this.sessions.start({
      id: before.id,
      role: before.role,
      firmId: before.firm_id,
      portCode: before.port_code,
    });
  }

  /** The port side's accounts (staff, yard, regulators), by email. */
  async list(q: UsersQueryDto): Promise<AccountListItemDto[]> {
    const { limit, offset } = page(q);
    const found = await this.repo.list(
      { roles: q.role ? [q.role] : PORT_SIDE_ROLES, port: q.port ?? null },
      limit,
      offset,
    );
    return found.map(listed);
  }

  /** A firm's users (the caller has checked the firm exists and may be seen by it). */
  async firmUsers(firmId: string): Promise<FirmUserDto[]> {
    return (await this.repo.ofFirm(firmId)).map((a) => ({
      id: a.id,
      email: a.email,
      role: a.role,
      disabled: a.disabled_at !== null,
    }));
  }

  /**
   * A port admin sets a new random password on an account other than a port admin's, shown once in the answer; every
   * session of the account ends. Nothing makes its holder change it at the next sign-in (accounts have no such flag):
   * the admin hands it over and asks them to (POST /auth/password).
   */
  async resetPassword(userId: string): Promise<TemporaryPasswordDto> {
    const password = temporaryPassword();
    const hash = await hashPassword(password);
    const at = this.clock.now();
    const ended = await inTransaction(this.ds, async (em) => {
      const a = await this.repo.lock(em, userId);
      if (!a) throw notFound(`user ${userId}`);
      if (a.role === 'port_admin')
        throw new DomainError('forbidden', "a port admin's password is changed by its holder");
      await this.repo.setPassword(em, userId, hash);
      await this.audit.record(em, {
        type: 'user.password_reset',
        portCode: a.port_code,
        at,
        data: { userId: a.id, email: a.email, role: a.role, firmId: a.firm_id, portCode: a.port_code },
      });
      return this.sessions.endAllOf(em, userId, 'password_changed');
    });
    await this.sessions.announce(ended);
    return { temporaryPassword: password };
  }

  /**
   * Ends the sessions of every user of a firm being disabled, in the caller's transaction (which has locked the firm);
   * pass the result to `announce` once it commits. Signing in again is refused while the firm is disabled.
   */
  endFirmSessions(em: EntityManager, firmId: string): Promise<string[]> {
    return this.sessions.endAllOfFirm(em, firmId);
  }

  /** Sessions ended in a committed transaction: refused and their sockets closed in every process. */
  announce(sids: string[]): Promise<void> {
    return this.sessions.announce(sids);
  }

  /** Disables (or enables again) an account a port admin, or the admin of its firm, may manage; disabling ends its sessions. */
  async setDisabled(p: Principal, userId: string, disabled: boolean): Promise<AccountResponseDto> {
    if (disabled && userId === p.sub) throw new DomainError('conflict', 'you cannot disable your own account');
    const at = this.clock.now();
    const { account, ended } = await inTransaction(this.ds, async (em) => {
      const a = await this.repo.lock(em, userId);
      if (!a || (p.role !== 'port_admin' && a.firm_id !== p.firmId)) throw notFound(`user ${userId}`);
      if (Boolean(a.disabled_at) === disabled) return { account: view(a, a.disabled_at), ended: [] };
      await this.repo.setDisabled(em, userId, disabled ? at : null);
      await this.audit.record(em, {
        type: disabled ? 'user.disabled' : 'user.enabled',
        portCode: a.port_code,
        at,
        data: { userId: a.id, email: a.email, role: a.role, firmId: a.firm_id, portCode: a.port_code },
      });
      return {
        account: view(a, disabled ? at : null),
        ended: disabled ? await this.sessions.endAllOf(em, userId, 'disabled') : [],
      };
    });
    await this.sessions.announce(ended);
    return account;
  }
}
