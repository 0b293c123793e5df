import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal, Roles, TokenService } from '@kouan/auth';
import { Clock } from '@kouan/common';
import { JOBS_BOARD_COOKIE, JOBS_BOARD_PATH } from './jobs-board.gate';

/** A board session lasts this long at most (and never past the token that opened it): open it again after. */
const SESSION_MS = 30 * 60_000;

/** Operator tooling for the jobs board, not part of the firms' contract: left out of the OpenAPI document. */
@ApiExcludeController()
@Controller('admin/jobs-board')
export class JobsBoardSessionController {
  constructor(
    private readonly tokens: TokenService,
    private readonly clock: Clock,
  ) {}

  /** Trades the port admin's bearer token for the board's HttpOnly cookie, so a browser can open /admin/queues. */
  @Post('session')
  @Roles('port_admin')
  @HttpCode(204)
  open(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) res: Response): void {
    const expires = new Date(Math.min(principal.expiresAt ?? 0, this.clock.now().getTime() + SESSION_MS));
    res.cookie(JOBS_BOARD_COOKIE, this.tokens.sign(principal, expires), {
      httpOnly: true,
      // Browsers accept a Secure cookie from https:// and from http://localhost, which is where the board is opened.
      secure: true,
      sameSite: 'strict',
      path: JOBS_BOARD_PATH,
      expires,
    });
  }
}
