import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '@kouan/audit';
import { DomainError, inTransaction, isUniqueViolation } from '@kouan/common';
import { User, UserRole } from './entities/user.entity';
import { hashPassword } from './password';
import type { UserResponseDto } from './dto/create-user.dto';

export interface NewUser {
  email: string;
  password: string;
  role: UserRole;
  firmId?: string;
  portCode?: string;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly audit: AuditService,
  ) {}

  async create(input: NewUser): Promise<UserResponseDto> {
    const user = this.users.create({
      email: input.email.trim().toLowerCase(),
      passwordHash: await hashPassword(input.password),
      role: input.role,
      firmId: input.firmId ?? null,
      portCode: input.portCode ?? null,
    });
    try {
      await inTransaction(this.users.manager.connection, async (em) => {
        await em.insert(User, user);
        await this.audit.record(em, {
          type: 'user.created',
          portCode: user.portCode,
          data: { userId: user.id, email: user.email, role: user.role, firmId: user.firmId, portCode: user.portCode },
        });
      });
    } catch (e) {
      if (isUniqueViolation(e, 'uq_users_email'))
        throw new DomainError('duplicate_email', 'a user with that email exists');
      throw e;
    }
    return { id: user.id, email: user.email, role: user.role, firmId: user.firmId, portCode: user.portCode };
  }

  /** Creates the user unless the email is taken; for the seed. */
  async ensure(input: NewUser): Promise<boolean> {
    const exists = await this.users.existsBy({ email: input.email.trim().toLowerCase() });
    if (exists) return false;
    await this.create(input).catch((e: unknown) => {
      if (!(e instanceof DomainError && e.code === 'duplicate_email')) throw e;
    });
    return true;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: email.trim().toLowerCase() });
  }
}
