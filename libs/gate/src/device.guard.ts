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
import { Clock } from '@kouan/common';
import { deviceKeyOf, hashDeviceKey } from './device-keys';
import { GateDevicesRepository, PeekedDevice } from './gate-devices.repository';

const KEY_IN_QUERY = 'kouan:gate-key-in-query';

/** The route also takes the key as `?key=` (cameras that cannot add a header: Hikvision's HTTP listening). */
export const KeyInQuery = () => SetMetadata(KEY_IN_QUERY, true);

type DeviceRequest = { headers: { authorization?: unknown }; query?: Record<string, unknown>; device?: PeekedDevice };

/**
 * Proves the calling gate camera on routes marked `@DeviceRoute()` (which the global AuthGuard leaves alone): a live
 * device's key as `Authorization: Device <key>`, else 401. Looked up by its hash on every request, so a rotated or
 * removed key is refused at once, on every API process. The same statement reads what the read needs of its device
 * (GateDevicesRepository.byKeyHash), so a read of a busy camera asks nothing else about it.
 */
@Injectable()
export class DeviceGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly devices: GateDevicesRepository,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<DeviceRequest>();
    const inQuery = this.reflector.getAllAndOverride<boolean>(KEY_IN_QUERY, [ctx.getHandler(), ctx.getClass()]);
    const query = inQuery ? req.query?.key : undefined;
    const key = deviceKeyOf(req.headers.authorization) ?? (typeof query === 'string' ? query : undefined);
    if (!key) throw new UnauthorizedException('missing device key: send Authorization: Device <key>');
    const device = await this.devices.byKeyHash(this.ds, hashDeviceKey(key), this.clock.now());
    if (!device) throw new UnauthorizedException('unknown, replaced or revoked device key');
    req.device = device;
    return true;
  }
}

/** The device DeviceGuard proved. */
export const CurrentDevice = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): PeekedDevice => ctx.switchToHttp().getRequest<{ device: PeekedDevice }>().device,
);
