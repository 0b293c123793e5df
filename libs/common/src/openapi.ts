import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiPropertyOptions,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';

/** The contract's error body, as `HttpExceptionFilter` writes it; a domain error may add fields of its own. */
export class ErrorBodyDto {
  @ApiProperty({ type: 'integer', example: 404 }) statusCode: number;
  @ApiProperty({ example: 'Not Found' }) error: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'a human text, or one text per invalid field',
    example: 'booking not found',
  })
  message: string | string[];

  @ApiPropertyOptional({
    example: 'not_found',
    description: 'a stable code a client can act on (libs/common/src/domain-error.ts)',
  })
  code?: string;

  @ApiPropertyOptional({ description: 'correlation id to quote when reporting an unexpected error' })
  requestId?: string;
}

/** What each status means wherever it is declared; a route adds the codes that are its own. */
const MEANING: Record<ErrorStatus, string> = {
  400: 'invalid body, query, path parameter or header (message lists the fields), or malformed JSON',
  401: 'missing, invalid or expired access token, or wrong credentials',
  403: 'the role may not do this',
  404: "not found, or outside the caller's firm or port",
  409: 'conflicts with the current state',
  410: 'gone: the booking is closed (code `booking_closed`)',
  413: 'body over its limit (1 MiB; 4 KiB for sign-in), counted after inflating gzip, deflate or br',
  415: 'a JSON body in a charset other than UTF-8, or an unsupported Content-Encoding',
  422: 'breaks a rule of the port or the booking',
  423: 'locked (code `locked`)',
  429: 'too many requests; wait and retry (Retry-After)',
  503: 'a service this route needs (Postgres, or Redis for sign-in) cannot be reached; retry later (code `unavailable`)',
};

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 423 | 429 | 503;

/** A status whose body carries more than ErrorBodyDto: its codes and its schema (a subclass of ErrorBodyDto). */
export interface ErrorAnswer {
  codes: string;
  type: Type<ErrorBodyDto>;
}

/**
 * Declares the error answers a route really gives, each with the contract's body, e.g.
 * `@ApiErrors(400, 401, 403, { 409: 'slot_full, quota_exceeded' })`. A number takes the usual meaning;
 * an object names the codes of that status on this route (and, as an ErrorAnswer, the body's own schema when
 * a code adds fields). Every route reads Postgres, so every route may answer 503 while the database cannot be
 * reached: that one is always declared. A route that reads a body (it declares 413) may also answer 415.
 */
export function ApiErrors(...specs: Array<ErrorStatus | Partial<Record<ErrorStatus, string | ErrorAnswer>>>) {
  const described = new Map<ErrorStatus, { description: string; type: Type<unknown> }>([
    [503, { description: MEANING[503], type: ErrorBodyDto }],
  ]);
  for (const spec of specs) {
    if (typeof spec === 'number') described.set(spec, { description: MEANING[spec], type: ErrorBodyDto });
    else {
      for (const [key, answer] of Object.entries(spec)) {
        const status = Number(key) as ErrorStatus;
        const { codes, type } =
          typeof answer === 'string' ? { codes: answer, type: ErrorBodyDto } : (answer as ErrorAnswer);
        described.set(status, { description: `${MEANING[status]}: ${codes}`, type });
      }
    }
  }
  if (described.has(413) && !described.has(415)) described.set(415, { description: MEANING[415], type: ErrorBodyDto });
  return applyDecorators(
    ApiExtraModels(ErrorBodyDto),
    ...[...described].map(([status, { description, type }]) => ApiResponse({ status, description, type })),
  );
}

/**
 * An object property that may be null. OpenAPI 3.0's `nullable` only widens `type`, so `nullable` next to a
 * `$ref` (or an `allOf` of one) still refuses null; a choice between the object and null says it truthfully.
 */
export function ApiNullableObject(
  dto: Type<unknown>,
  options: Omit<ApiPropertyOptions, 'type'> = {},
): PropertyDecorator {
  return (target, key) => {
    ApiExtraModels(dto)(target.constructor);
    ApiProperty({
      ...options,
      oneOf: [{ $ref: getSchemaPath(dto) }, { type: 'object', nullable: true, enum: [null] }],
    } as ApiPropertyOptions)(target, key);
  };
}
