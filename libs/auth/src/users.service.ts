import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@kouan/audit';
import { Clock, DomainError, inTransaction, isUniqueViolation } from '@kouan/common';
import type { UserRole } from './entities/user.entity';
import { hashPassword } from './password';
import type { UserResponseDto } from './dto/create-user.dto';
import { LoginUser, UsersRepository } from './users.repository';

export interface NewUser {
  email: string;
  password: string;
  role: UserRole;
  firmId?: string;
  portCode?: string;
}

const emailKey = (email: string) => email.trim().toLowerCase();

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: UsersRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(input: NewUser): Promise<UserResponseDto> {
    const user = {
      email: emailKey(input.email),
      passwordHash: await hashPassword(input.password),
      role: input.role,
      firmId: input.firmId ?? null,
      portCode: input.portCode ?? null,
    };
    const at = this.clock.now();
    let id: string;
    try {
      id = await inTransaction(this.ds, async (em) => {
        const created = await this.repo.insert(em, user, at);
        await this.audit.record(em, {
          type: 'user.created',
          portCode: user.portCode,
          data: { userId: created, email: user.email, role: user.role, firmId: user.firmId, portCode: user.portCode },
        });
        return created;
      });
    } catch (e) {
      if (isUniqueViolation(e, 'uq_users_email'))
        throw new DomainError('duplicate_email', 'a user with that email exists');
      throw e;
    }
    return { id, email: user.email, role: user.role, firmId: user.firmId, portCode: user.portCode };
  }

  /** Creates the user unless the email is taken; for the seed. */
  async ensure(input: NewUser): Promise<boolean> {
    if (await this.repo.emailTaken(emailKey(input.email))) return false;
    await this.create(input).catch((e: unknown) => {
      if (!(e instanceof DomainError && e.code === 'duplicate_email')) throw e;
    });
    return true;
  }

  async findByEmail(email: string): Promise<LoginUser | null> {
    return (await this.repo.byEmail(emailKey(email))) ?? null;
  }
}
