import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';
import { IsDay, PaginationQueryDto } from '@kouan/common';

export class AuditQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({
    example: 'MOHAN',
    description: 'one port; without it, every port and the actions that belong to none',
  })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{1,31}$/, { message: 'port must be a port code such as MOHAN' })
  port?: string;

  @ApiPropertyOptional({
    example: '2026-11-01',
    description: "first local day (the port's time zone; China's without a port)",
  })
  @IsOptional()
  @IsDay()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'last local day, included' })
  @IsOptional()
  @IsDay()
  to?: string;
}

/**
 * An anchor the auditor kept from an earlier verify (its headSeq and headHash): verify checks that place `fromSeq`
 * still holds that hash, then only the rows after it. Both or neither.
 */
export class AuditVerifyQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    example: 1200,
    description: 'headSeq of an earlier verify (with fromHash)',
  })
  @ValidateIf((o: AuditVerifyQueryDto) => o.fromSeq !== undefined || o.fromHash !== undefined)
  @Type(() => Number)
  @IsInt({ message: 'fromSeq must be an integer (headSeq of an earlier verify), given with fromHash' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  fromSeq?: number;

  @ApiPropertyOptional({ example: 'a'.repeat(64), description: 'headHash of the same earlier verify (with fromSeq)' })
  @ValidateIf((o: AuditVerifyQueryDto) => o.fromSeq !== undefined || o.fromHash !== undefined)
  @Matches(/^[0-9a-f]{64}$/, {
    message: 'fromHash must be 64 lowercase hex digits (headHash of an earlier verify), given with fromSeq',
  })
  fromHash?: string;
}

export class AuditActorDto {
  @ApiProperty({ description: 'user id, or the booking id for a driver' }) id: string;
  @ApiProperty({ example: 'port_staff' }) role: string;
  @ApiPropertyOptional({ example: 'MOHAN' }) port?: string;
  @ApiPropertyOptional({ format: 'uuid' }) firm?: string;
}

export class AuditEntryDto {
  @ApiProperty({ example: 42, description: 'place in the chain, from 1, without gaps' }) seq: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({
    example: 'booking.called',
    description:
      'a booking event type, or a staff action (lane.status, schedule.updated, fees.published, declaration.filed, declaration.status, declaration.reopened, driver_code.reissued, webhook.created, webhook.updated, webhook.secret_rotated, webhook.deleted, user.created, firm.created, parking_area.saved)',
  })
  type: string;
  @ApiProperty({
    type: AuditActorDto,
    nullable: true,
    description: "who; null for the system's rules over time (expiry, timeouts, reminders)",
  })
  actor: AuditActorDto | null;
  @ApiProperty({ nullable: true, type: String, example: 'MOHAN' }) portCode: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) bookingId: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "what changed: for a booking its status before and after (`before`, `status`) and the event's details; for a staff action its before and after",
  })
  data: Record<string, unknown>;
  @ApiProperty({ example: '0'.repeat(64), description: 'the hash of row seq - 1 (64 zeros for the first)' })
  prevHash: string;
  @ApiProperty({ description: 'SHA-256 hex of prevHash, a newline and the canonical JSON of the row (docs/audit.md)' })
  hash: string;
}

export class AuditVerifyDto {
  @ApiProperty({ description: 'every row links to the one before and hashes to what it stores' }) ok: boolean;
  @ApiProperty({
    example: 1200,
    description: 'rows checked (up to and including the first bad one); from an anchor, the rows after it',
  })
  checked: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'the first place (seq) that does not hold the row the chain expects: an edited or reordered row, or a removed one; from an anchor, fromSeq itself when that place no longer holds fromHash (history before it was rewritten, or the tail cut off)',
  })
  firstBadSeq: number | null;
  @ApiProperty({ example: 1200, description: 'the last row that verified' }) headSeq: number;
  @ApiProperty({ description: 'its hash: kept outside Kouan, it also proves later that no rows were cut off the end' })
  headHash: string;
}
