import { createHash } from 'node:crypto';
import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerOptions } from '@nestjs/throttler';
import type { Env } from '@kouan/config';
import { DEVICE_ROUTE_KEY, OPEN_DATA_KEY, PUBLIC_KEY } from './decorators';
import type { Principal } from './principal';
import { SignedTokens } from './signed-tokens';

/** What a sign-in route checks: a password for an account, or a driver code for a booking reference. */
export type LoginKind = 'password' | 'driver-code';

const LOGIN_KIND_KEY = 'kouan:login-kind';

/** Marks a route as a sign-in attempt, counted by the sign-in throttlers of its kind. */
export const LoginAttempt = (kind: LoginKind) => SetMetadata(LOGIN_KIND_KEY, kind);

/** Throttlers that fail closed (503 `unavailable`) when their counters are out of reach. */
export const FAIL_CLOSED = new Set([
  'login-address',
  'login-address-account',
  'login-account',
  'login-device',
  'session-address',
]);

type Req = {
  ip?: string;
  body?: unknown;
  principal?: Principal;
  headers?: { cookie?: unknown; authorization?: unknown };
  query?: unknown;
};

const metadata = <T>(key: string, ctx: ExecutionContext): T | undefined =>
  (Reflect.getMetadata(key, ctx.getHandler()) as T | undefined) ??
  (Reflect.getMetadata(key, ctx.getClass()) as T | undefined);

const address = (req: Req) => String(req.ip ?? 'unknown');
const email = (req: Req) => {
  const value = (req.body as { email?: unknown } | undefined)?.email;
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
};
/** The account tried: the email signed in to, or the signed-in caller's own (a password change). */
const account = (req: Req) => (req.principal ? `user:${req.principal.sub}` : email(req));

/**
 * The key a device route was called with (`Authorization: Device <key>`, or `?key=` from a camera that cannot set
 * headers), or the address when none was given: each key has its own allowance, and keyOf hashes it.
 */
function deviceKey(req: Req): string {
  const header = typeof req.headers?.authorization === 'string' ? req.headers.authorization : '';
  const m = /^Device\s+(\S+)$/i.exec(header);
  const query = (req.query as { key?: unknown } | undefined)?.key;
  return m?.[1] ?? (typeof query === 'string' ? query : `address:${address(req)}`);
}

/** The value of cookie `name` in the request, if sent. */
function cookie(req: Req, name: string): string | undefined {
  const header = typeof req.headers?.cookie === 'string' ? req.headers.cookie : '';
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The id of the valid device token this browser holds for the email it signs in to, if any (see SignedTokens). */
export function deviceOf(signed: SignedTokens, req: Req): string | null {
  const who = email(req);
  return who && !req.principal ? signed.deviceId(cookie(req, signed.deviceCookieName(who)), who, new Date()) : null;
}
/**
 * `<throttler>|<route>|<hash of the tracker>`: no address or email in Redis keys, and the 429 knows its limit.
 * Sign-in counts are per route (a login and a driver session are different allowances); the anonymous allowance
 * is one per address across every anonymous route, so a scraper cannot multiply it by spreading over routes.
 */
const keyOf = (ctx: ExecutionContext, tracker: string, name: string) => {
  const route = name === 'public' || name === 'open' ? '*' : `${ctx.getClass().name}.${ctx.getHandler().name}`;
  return `${name}|${route}|${createHash('sha256').update(tracker).digest('base64url')}`;
};

const onlyFor = (kind: LoginKind) => (ctx: ExecutionContext) =>
  ctx.getType() !== 'http' || metadata(LOGIN_KIND_KEY, ctx) !== kind;

/**
 * Every rate limit of the HTTP API, on @nestjs/throttler with its counters in Redis (shared by all API
 * processes). Password logins are counted three ways, so a guesser is stopped without locking out the user:
 * per address (many accounts from one place), per address and account (the fine limit), and per account from
 * all addresses with a higher bar (a guess spread over many addresses). That last one would let anybody lock the
 * real user out, so a browser holding a device token for the account (it signed in there before) skips it and is
 * counted per device instead (OWASP's "device cookie" lockout): an attacker's 429 never reaches a known browser, and
 * a stolen device token gets no more guesses than an address. Driver sessions are counted per address
 * only, generously (a border post's phones share one carrier-NAT address): the per-reference rules count wrong
 * codes in Postgres. Every anonymous route is also limited per address: the open data feed by its own allowance.
 */
export function throttlers(env: Env): ThrottlerOptions[] {
  const minute = 60_000;
  const signed = new SignedTokens(env.jwtSecret);
  const notPassword = onlyFor('password');
  const list: ThrottlerOptions[] = [
    {
      name: 'public',
      limit: env.publicThrottleLimit,
      ttl: minute,
      getTracker: address,
      skipIf: (ctx) =>
        ctx.getType() !== 'http' ||
        metadata<boolean>(PUBLIC_KEY, ctx) !== true ||
        metadata<boolean>(OPEN_DATA_KEY, ctx) === true,
    },
    {
      name: 'open',
      limit: env.openThrottleLimit,
      ttl: minute,
      getTracker: address,
      skipIf: (ctx) => ctx.getType() !== 'http' || metadata<boolean>(OPEN_DATA_KEY, ctx) !== true,
    },
    {
      name: 'login-address',
      limit: env.loginAddressLimit,
      ttl: minute,
      getTracker: address,
      skipIf: onlyFor('password'),
    },
    {
      name: 'login-address-account',
      limit: env.loginThrottleLimit,
      ttl: env.loginThrottleTtlSeconds * 1000,
      getTracker: (req: Req) => `${address(req)}|${account(req)}`,
      skipIf: onlyFor('password'),
    },
    {
      name: 'login-account',
      limit: env.loginAccountLimit,
      ttl: 15 * minute,
      getTracker: account,
      skipIf: (ctx) => notPassword(ctx) || deviceOf(signed, ctx.switchToHttp().getRequest<Req>()) !== null,
    },
    {
      name: 'login-device',
      limit: env.loginAccountLimit,
      ttl: 15 * minute,
      getTracker: (req: Req) => `${email(req)}|${deviceOf(signed, req) ?? ''}`,
      skipIf: (ctx) => notPassword(ctx) || deviceOf(signed, ctx.switchToHttp().getRequest<Req>()) === null,
    },
    {
      name: 'device',
      limit: env.deviceThrottleLimit,
      ttl: minute,
      getTracker: deviceKey,
      skipIf: (ctx) => ctx.getType() !== 'http' || metadata<boolean>(DEVICE_ROUTE_KEY, ctx) !== true,
    },
    {
      name: 'session-address',
      limit: env.driverSessionAddressLimit,
      ttl: 60 * minute,
      getTracker: address,
      skipIf: onlyFor('driver-code'),
    },
  ];
  return list.map((t) => ({ ...t, generateKey: keyOf }));
}

const MESSAGES: Record<string, string> = {
  public: 'too many requests from this address; slow down',
  open: 'too many open data requests from this address; answers keep for 5 minutes, so ask less often',
  'login-address': 'too many sign-in attempts from this address; wait a minute and try again',
  'login-address-account': 'too many sign-in attempts for this account; wait a minute and try again',
  'login-account': 'too many sign-in attempts for this account; wait a few minutes and try again',
  'login-device': 'too many sign-in attempts for this account from this browser; wait a few minutes and try again',
  'session-address': 'too many driver sign-ins from this address; wait and try again',
  device: 'too many requests from this device; slow down',
};

/** The global guard: runs after the AuthGuard, over HTTP only; answers 429 with a standard Retry-After. */
@Injectable()
export class KouanThrottlerGuard extends ThrottlerGuard {
  override canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return Promise.resolve(true);
    return super.canActivate(ctx);
  }

  protected override async throwThrottlingException(
    ctx: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    ctx
      .switchToHttp()
      .getResponse<{ header(name: string, value: string): void }>()
      .header('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    return super.throwThrottlingException(ctx, detail);
  }

  protected override getErrorMessage(_ctx: ExecutionContext, detail: ThrottlerLimitDetail): Promise<string> {
    return Promise.resolve(MESSAGES[detail.key.split('|')[0]] ?? MESSAGES.public);
  }
}
