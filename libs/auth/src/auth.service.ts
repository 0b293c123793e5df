import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { LoginDto, TokenResponseDto } from './dto/login.dto';
import { verifyPassword } from './password';
import { TokenService } from './token.service';
import { UsersService } from './users.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {}

  async login(dto: LoginDto): Promise<TokenResponseDto> {
    const user = await this.users.findByEmail(dto.email);
    const ok = await verifyPassword(user?.passwordHash, dto.password);
    if (!user || !ok) throw new UnauthorizedException('wrong email or password');
    const accessToken = this.tokens.sign({
      sub: user.id,
      role: user.role,
      firmId: user.firmId ?? undefined,
      portCode: user.portCode ?? undefined,
    });
    return { accessToken, role: user.role };
  }
}
