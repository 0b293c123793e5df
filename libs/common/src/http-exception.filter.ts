import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code?: string;
  requestId?: string;
  [extra: string]: unknown;
}

/**
 * Errors that mean the database cannot be reached (refused, reset, shut down, connection lost or never made):
 * the request was fine, the service is not, so the answer is 503 `unavailable`, worth retrying.
 */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

export function isUnreachable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code ?? (e as { driverError?: { code?: unknown } }).driverError?.code;
  return (
    (typeof code === 'string' && UNREACHABLE.has(code)) ||
    /Connection terminated|timeout exceeded when trying to connect/.test(e.message)
  );
}

/** Maps every error to the contract's body; anything unknown is a 500 with a correlation id, never a stack. */
export function toErrorBody(exception: unknown, requestId?: string): ErrorBody {
  if (exception instanceof DomainError) {
    return {
      statusCode: exception.status,
      error: STATUS_CODES[exception.status] ?? 'Error',
      message: exception.message,
      code: exception.code,
      ...exception.details,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const message =
      typeof res === 'string' ? res : ((res as { message?: string | string[] }).message ?? exception.message);
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
  }
  if (isUnreachable(exception)) {
    return {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'Service Unavailable',
      message: 'the database cannot be reached; try again shortly',
      code: 'unavailable',
      requestId,
    };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    error: 'Internal Server Error',
    message: 'unexpected error; quote the requestId when reporting it',
    requestId,
  };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const body = toErrorBody(exception, req.id === undefined ? undefined : String(req.id));
    if (body.statusCode === 503 && body.code === 'unavailable' && !(exception instanceof DomainError)) {
      this.logger.warn({ err: { message: (exception as Error).message }, requestId: req.id }, 'database unreachable');
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId: req.id }, 'unhandled error');
    }
    if (body.statusCode === 429 && body.code === undefined) body.code = 'too_many_requests';
    res.status(body.statusCode).json(body);
  }
}
