import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@kouan/common';
import { AuthService } from './auth.service';
import { Public } from './decorators';
import { LoginDto, TokenResponseDto } from './dto/login.dto';
import { LoginAttempt } from './throttling';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @LoginAttempt('password')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors(400, { 401: 'wrong email or password' }, 413, { 429: 'too_many_requests: too many attempts from this address, for this account, or both' }, { 503: 'unavailable: the rate limiter (Redis) cannot be reached' })
  login(@Body() dto: LoginDto): Promise<TokenResponseDto> {
    return this.auth.login(dto);
  }
}
