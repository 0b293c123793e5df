import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NoControlCharacters, Trim } from '@kouan/common';

export class WaiveDto {
  @ApiProperty({ example: 'Scanner fault at the gate held the truck outside', maxLength: 500 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  @NoControlCharacters()
  reason: string;
}

export class WaiverDto {
  @ApiProperty({ format: 'uuid' }) bookingId: string;
  @ApiProperty({
    example: 'no_show',
    description: 'a waiver leaves the booking a no-show; it only stops it counting as a strike',
  })
  status: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-29T14:05:00+08:00' }) waivedAt: string;
  @ApiProperty({ example: 'Scanner fault at the gate held the truck outside' }) reason: string;
}

export class StandingQueryDto {
  @ApiPropertyOptional({
    example: 'HEKOU',
    description:
      "the port whose strike limit and quota apply; without it the most restrictive of every port's (see docs/queue-rules.md, Strikes)",
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsString()
  @Matches(/^[A-Z0-9-]{2,32}$/, { message: 'port must be 2-32 letters, digits or dashes' })
  port?: string;
}

export class PortStandingDto {
  @ApiProperty({ example: 'HEKOU' }) port: string;
  @ApiProperty({ type: 'integer', example: 5 }) strikeLimit: number;
  @ApiProperty({ example: 30, description: "the port's firmQuotaPercent" }) quotaPercent: number;
  @ApiProperty({ example: 15, description: 'quotaPercent, halved while the firm has more strikes than strikeLimit' })
  quotaPercentNow: number;
}

export class StandingDto {
  @ApiProperty({ format: 'uuid' }) firmId: string;

  @ApiProperty({
    type: 'integer',
    example: 2,
    description:
      'no-shows of the last 30 days, at any port, not waived by staff nor by a lane paused or closed during their slot',
  })
  strikes30d: number;

  @ApiProperty({ type: 'integer', example: 3, description: 'every no-show of the last 30 days, waived or not' })
  noShows30d: number;

  @ApiProperty({
    type: 'integer',
    example: 5,
    description: "the port's strike limit; without ?port= the lowest of every port's",
  })
  strikeLimit: number;

  @ApiProperty({
    example: 30,
    description:
      "the share of one slot's capacity the firm may hold now at the port; without ?port= the lowest of every port's. A firm holds at most ⌈capacity × quotaPercentNow / 100⌉ places (at least 1)",
  })
  quotaPercentNow: number;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'HEKOU',
    description: 'the port asked for, null without ?port=',
  })
  port: string | null;

  @ApiProperty({
    type: [PortStandingDto],
    description: 'the figures of each port (only the one asked for with ?port=)',
  })
  ports: PortStandingDto[];
}
