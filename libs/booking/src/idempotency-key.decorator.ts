import { BadRequestException, createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** The optional `Idempotency-Key` header; when sent it must be 1-200 visible ASCII characters (a UUID is typical). */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(value)) {
    throw new BadRequestException('Idempotency-Key must be 1-200 visible ASCII characters');
  }
  return value;
});
