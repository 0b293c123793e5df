import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { deviceKeyOf, hashDeviceKey } from './device-keys';
import { DeviceRow, GateDevicesRepository } from './gate-devices.repository';

const KEY_IN_QUERY = 'kouan:gate-key-in-query';

/** The route also takes the key as `?key=` (cameras that cannot add a header: Hikvision's HTTP listening). */
export const KeyInQuery = () => SetMetadata(KEY_IN_QUERY, true);

type DeviceRequest = { headers: { authorization?: unknown }; query?: Record<string, unknown>; device?: DeviceRow };

/**
 * Proves the calling gate camera on routes marked `@DeviceRoute()` (which the global AuthGuard leaves alone): a live
 * device's key as `Authorization: Device <key>`, else 401. Looked up by its hash on every request, so a rotated or
 * removed key is refused at once, on every API process.
 */
@Injectable()
export class DeviceGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly devices: GateDevicesRepository,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<DeviceRequest>();
    const inQuery = this.reflector.getAllAndOverride<boolean>(KEY_IN_QUERY, [ctx.getHandler(), ctx.getClass()]);
    const query = inQuery ? req.query?.key : undefined;
    const key = deviceKeyOf(req.headers.authorization) ?? (typeof query === 'string' ? query : undefined);
    if (!key) throw new UnauthorizedException('missing device key: send Authorization: Device <key>');
    const device = await this.devices.byKeyHash(this.ds, hashDeviceKey(key));
    if (!device) throw new UnauthorizedException('unknown, replaced or revoked device key');
    req.device = device;
    return true;
  }
}

/** The device DeviceGuard proved. */
export const CurrentDevice = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): DeviceRow => ctx.switchToHttp().getRequest<{ device: DeviceRow }>().device,
);
