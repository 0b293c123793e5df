import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@kouan/common';
import { AuthService } from './auth.service';
import { Public } from './decorators';
import { LoginDto, TokenResponseDto } from './dto/login.dto';
import { LoginThrottleGuard } from './login-throttle.guard';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @UseGuards(LoginThrottleGuard)
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors(400, { 401: 'wrong email or password' }, 413, { 429: 'too many attempts for this account' }, 503)
  login(@Body() dto: LoginDto): Promise<TokenResponseDto> {
    return this.auth.login(dto);
  }
}
