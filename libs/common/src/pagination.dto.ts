import { ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from './domain-error';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;

/** `?limit=&offset=` of every list; lists are ordered on a unique key last, so pages neither overlap nor skip. */
export class PaginationQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_LIMIT, minimum: 1, maximum: MAX_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', default: 0, minimum: 0, maximum: 1_000_000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

/** The page a query asks for, with the defaults filled in. */
export const page = (q: PaginationQueryDto) => ({ limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0 });

/**
 * `?after=<cursor>&limit=` of a feed read from its start onwards (a far side's system following our departures): the
 * cursor is opaque to clients, each answer's `next` is the one to send, and null when nothing follows yet.
 */
export class CursorQueryDto extends PickType(PaginationQueryDto, ['limit']) {
  @ApiPropertyOptional({ description: "an answer's `next`; from the start when omitted", maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  after?: string;
}

/** A feed's position: a positive sequence number, written as opaque text (`c1.` and base64url of the number). */
export const encodeCursor = (seq: string): string => `c1.${Buffer.from(seq, 'utf8').toString('base64url')}`;

/** The sequence number a cursor names ('0' for none); a cursor this server did not write is a 400. */
export function decodeCursor(cursor: string | undefined): string {
  if (cursor === undefined) return '0';
  const seq = cursor.startsWith('c1.') ? Buffer.from(cursor.slice(3), 'base64url').toString('utf8') : '';
  if (!/^[1-9]\d{0,17}$/.test(seq) || encodeCursor(seq) !== cursor)
    throw new DomainError('bad_request', 'after must be a `next` this feed gave');
  return seq;
}
