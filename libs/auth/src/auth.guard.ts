import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { PUBLIC_KEY, ROLES_KEY } from './decorators';
import type { Role } from './entities/user.entity';
import type { Principal } from './principal';
import { TokenService } from './token.service';

export const bearerToken = (header: string | undefined): string | undefined => {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
};

/**
 * Global guard: a valid token (401) and then an allowed role (403), in that order and before any body or
 * query is validated; scope (404) is each service's job.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = this.tokens.verify(bearerToken(req.headers.authorization));
    if (!principal) throw new UnauthorizedException('missing, invalid or expired access token');
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new ForbiddenException(`role ${principal.role} may not do this`);
    }
    req.principal = principal;
    return true;
  }
}
