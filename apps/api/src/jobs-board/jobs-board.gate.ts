import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { authorize, bearerToken, TokenService } from '@kouan/auth';

/** Where Bull Board answers, outside the /api/v1 prefix (its page, its assets and its JSON API under it). */
export const JOBS_BOARD_PATH = '/admin/queues';

/**
 * The board's own cookie: an access token the browser sends to the board's path only, so the API (which reads
 * bearer headers only) never sees it, and a cross-site page cannot make the browser use it (SameSite=Strict).
 */
export const JOBS_BOARD_COOKIE = 'kouan_jobs_board';

/**
 * Bull Board's page links a Google Fonts stylesheet, unreachable from the border posts' networks (the page
 * would wait on it): same-origin only, so the browser falls back to its own fonts at once. Inline styles are
 * the board's own (its loading screen).
 */
export const JOBS_BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const cookie = (header: string | undefined, name: string): string | undefined =>
  new RegExp(`(?:^|;\\s*)${name}=([^;\\s]+)`).exec(header ?? '')?.[1];

/**
 * Port admins only, with the API's answers: 401 without a valid token, 403 for another role. The board is
 * Express middleware, which the global guards do not reach, so it checks here: a bearer header (scripts, curl)
 * or the cookie that `POST /api/v1/admin/jobs-board/session` sets (a browser, which cannot send a header when it
 * opens a page). Then the board's own headers.
 */
@Injectable()
export class JobsBoardGate implements NestMiddleware {
  constructor(private readonly tokens: TokenService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    authorize(this.tokens, bearerToken(req.headers.authorization) ?? cookie(req.headers.cookie, JOBS_BOARD_COOKIE), [
      'port_admin',
    ]);
    // Job data names bookings: like the API's answers, nothing of the board belongs in a cache.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', JOBS_BOARD_CSP);
    next();
  }
}
