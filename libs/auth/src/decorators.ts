import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from './entities/user.entity';
import type { Principal } from './principal';

export const PUBLIC_KEY = 'kouan:public';
export const ROLES_KEY = 'kouan:roles';

/** No token needed (and none is looked at). Every other route needs a valid token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Roles that may call the route; others get 403. Without it any authenticated caller may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
