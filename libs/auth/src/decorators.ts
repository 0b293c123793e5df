import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from './entities/user.entity';
import type { Principal } from './principal';

export const PUBLIC_KEY = 'kouan:public';
export const ROLES_KEY = 'kouan:roles';
export const DEVICE_ROUTE_KEY = 'kouan:device-route';
export const OPEN_DATA_KEY = 'kouan:open-data';

/** No token needed (and none is looked at). Every other route needs a valid token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * A route of the open data feed (`/open/v1`): anonymous like Public, but counted by its own per-address limit
 * (`OPEN_THROTTLE_LIMIT`, throttler `open`) instead of the pages' anonymous one.
 */
export const OpenDataRoute = () => applyDecorators(Public(), SetMetadata(OPEN_DATA_KEY, true));

/**
 * A route for machines with a key of their own (gate cameras: `Authorization: Device <key>`), not for people: the
 * global AuthGuard looks at no user token there and leaves the caller to the route's own guard (libs/gate's
 * DeviceGuard), which answers 401 without a valid device key. Such routes are throttled per key, not per address.
 */
export const DeviceRoute = () => SetMetadata(DEVICE_ROUTE_KEY, true);

/** Roles that may call the route; others get 403. Without it any authenticated caller may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
