import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

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
