import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DEVICE_ROUTE_KEY, PUBLIC_KEY, ROLES_KEY } from './decorators';
import type { Role } from './entities/user.entity';
import type { Principal } from './principal';
import { SessionChecks } from './session-checks';
import { TokenService } from './token.service';

export const bearerToken = (header: string | undefined): string | undefined => {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
};

/**
 * Roles that reach only the routes naming them, never one open to any signed-in caller: the regulator reads and
 * never writes, the yard's staff confirm arrivals and nothing else, the far side's officer (`counterpart`) states its
 * port's acceptance and status. A route added later without `@Roles` stays closed to them.
 */
const NARROW_ROLES: readonly Role[] = ['regulator', 'yard_staff', 'counterpart'];

/**
 * The caller proven by `token`, if its role is one of `roles` (when none are given, any role but the narrow
 * ones): 401 without a valid token, then 403 for another role. The guard and the jobs board (mounted as
 * middleware, which guards do not reach) answer the same way.
 */
export function authorize(tokens: TokenService, token: string | undefined, roles?: readonly Role[]): Principal {
  return permit(tokens.verify(token), roles);
}

/** `authorize` for a token already verified (null: missing, invalid, expired or ended). */
export function permit(principal: Principal | null, roles?: readonly Role[]): Principal {
  if (!principal) throw new UnauthorizedException('missing, invalid or expired access token');
  if (roles ? !roles.includes(principal.role) : NARROW_ROLES.includes(principal.role)) {
    throw new ForbiddenException(`role ${principal.role} may not do this`);
  }
  return principal;
}

/**
 * Global guard: a valid token whose session still stands (401) and then an allowed role (403), in that order
 * and before any body or query is validated; scope (404) is each service's job.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly sessions: SessionChecks,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    // A device's key is no user's token: the route's own guard proves the device (401 without one).
    if (this.reflector.getAllAndOverride<boolean>(DEVICE_ROUTE_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const verified = this.tokens.verify(bearerToken(req.headers.authorization));
    req.principal = permit(verified && (await this.sessions.current(verified)) ? verified : null, roles);
    return true;
  }
}
