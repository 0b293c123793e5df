import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { LoginDto, SessionResponseDto } from './dto/login.dto';
import { verifyPassword } from './password';
import { SessionsService } from './sessions.service';
import { UsersService } from './users.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  /** A new session for the right email and password of an enabled account; the same 401 for every other case. */
  async login(dto: LoginDto): Promise<SessionResponseDto> {
    const user = await this.users.findByEmail(dto.email);
    const ok = await verifyPassword(user?.passwordHash, dto.password);
    if (!user || !ok || user.disabledAt) throw new UnauthorizedException('wrong email or password');
    return this.sessions.start(user);
  }
}
