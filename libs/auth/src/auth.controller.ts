import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrors } from '@kouan/common';
import { AccountsService } from './accounts.service';
import { AuthService } from './auth.service';
import { CurrentPrincipal, Public, Roles } from './decorators';
import { ChangePasswordDto, LoginDto, RefreshDto, SessionResponseDto } from './dto/login.dto';
import type { Principal } from './principal';
import { SessionsService } from './sessions.service';
import { LoginAttempt } from './throttling';

/** A device token lasts this long after the last sign-in with it (each sign-in gives a new one). */
const DEVICE_DAYS = 180;
/** Where the browser sends the device cookie: the sign-in routes only, never the rest of the API or the pages. */
const DEVICE_COOKIE_PATH = '/api/v1/auth';

const TOO_MANY = { 429: 'too_many_requests: too many attempts from this address, for this account, or both' };
const PUBLIC_LIMIT = { 429: 'too_many_requests: too many requests from this address' };
const NO_LIMITER = { 503: 'unavailable: the rate limiter (Redis) cannot be reached' };

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly accounts: AccountsService,
  ) {}

  /**
   * Signs in for a shift: a short access token and a refresh token. The answer also sets an HttpOnly device cookie
   * (path /api/v1/auth) proving this browser signed in to the account, so an attacker's wrong guesses elsewhere
   * never lock it out (docs/security.md).
   */
  @Post('login')
  @Public()
  @LoginAttempt('password')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionResponseDto })
  @ApiErrors(400, { 401: 'wrong email or password' }, 413, TOO_MANY, NO_LIMITER)
  async login(
    @Body() dto: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionResponseDto> {
    const session = await this.auth.login(dto);
    const email = dto.email.trim().toLowerCase();
    // Real time, not the Clock's: the browser judges the cookie's expiry, and deviceOf judges the token's by the same.
    const expires = new Date(Date.now() + DEVICE_DAYS * 86_400_000);
    res.cookie(this.sessions.signed.deviceCookieName(email), this.sessions.signed.device(email, expires), {
      httpOnly: true,
      secure: req.secure,
      sameSite: 'strict',
      path: DEVICE_COOKIE_PATH,
      expires,
    });
    return session;
  }

  /** Spends a refresh token for a new pair. A spent token coming back ends the whole session (401 for both holders). */
  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: SessionResponseDto })
  @ApiErrors(
    400,
    {
      401: 'the refresh token is spent, ended (logout, idle 2 h, 12 h old, password changed, account disabled) or not ours',
    },
    413,
    PUBLIC_LIMIT,
  )
  refresh(@Body() dto: RefreshDto): Promise<SessionResponseDto> {
    return this.sessions.refresh(dto.refreshToken);
  }

  /** Ends the session of the refresh token: it and every access token of the session are refused from now on. */
  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the session has ended (also when it had ended before)' })
  @ApiErrors(400, { 401: 'not a refresh token Kouan issued' }, 413, PUBLIC_LIMIT)
  logout(@Body() dto: RefreshDto): Promise<void> {
    return this.sessions.logout(dto.refreshToken);
  }

  /** Changes the caller's password: every session of the account ends (its sockets are closed); this answer is a new one. */
  @Post('password')
  @Roles('port_admin', 'port_staff', 'yard_staff', 'regulator', 'firm_admin', 'dispatcher', 'counterpart')
  @LoginAttempt('password')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: SessionResponseDto })
  @ApiErrors(
    400,
    401,
    { 403: 'a driver has no password; wrong_password: the current password is not right' },
    { 404: 'the account was disabled' },
    { 409: 'conflict: the password changed meanwhile' },
    413,
    TOO_MANY,
    NO_LIMITER,
  )
  changePassword(@CurrentPrincipal() p: Principal, @Body() dto: ChangePasswordDto): Promise<SessionResponseDto> {
    return this.accounts.changePassword(p, dto);
  }
}
