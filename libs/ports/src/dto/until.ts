import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { INSTANT_WITH_OFFSET } from '@kouan/common';

/**
 * An optional `until`: an ISO-8601 instant with an offset (the service checks it is later than now); past it, what it
 * bounds reads as over (the far side's status, an incident), judged at the Clock on every read.
 */
export const OptionalUntil = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ example: '2026-12-06T14:00:00+07:00', description }),
    IsOptional(),
    IsString(),
    Length(16, 40),
    IsISO8601({ strict: true }),
    Matches(INSTANT_WITH_OFFSET, { message: 'until must be an ISO-8601 instant with an offset (or Z)' }),
  );
