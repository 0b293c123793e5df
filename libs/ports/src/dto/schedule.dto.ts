import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsObject, IsOptional, Matches, Max, Min, ValidateNested, IsBoolean } from 'class-validator';
import { MAX_DEDUPE_SECONDS, MAX_STRIKE_LIMIT } from '../entities/schedule.entity';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export class DirectionCapacityDto {
  @ApiProperty({ example: 6, minimum: 0, maximum: 10000 })
  @IsInt()
  @Min(0)
  @Max(10000)
  export: number;

  @ApiProperty({ example: 6, minimum: 0, maximum: 10000 })
  @IsInt()
  @Min(0)
  @Max(10000)
  import: number;
}

export class PutScheduleDto {
  @ApiProperty({ example: 60, minimum: 5, maximum: 720 })
  @IsInt()
  @Min(5)
  @Max(720)
  slotMinutes: number;

  @ApiProperty({ type: DirectionCapacityDto })
  @IsObject()
  @ValidateNested()
  @Type(() => DirectionCapacityDto)
  capacity: DirectionCapacityDto;

  @ApiProperty({ example: '08:00' })
  @Matches(CLOCK, { message: 'openFrom must be HH:MM' })
  openFrom: string;

  @ApiProperty({ example: '20:00', description: 'up to 24:00' })
  @Matches(CLOCK, { message: 'openTo must be HH:MM, up to 24:00' })
  openTo: string;

  @ApiProperty({ example: 30, minimum: 1, maximum: 100 })
  @IsInt()
  @Min(1)
  @Max(100)
  firmQuotaPercent: number;

  @ApiProperty({ example: 7, minimum: 0, maximum: 60 })
  @IsInt()
  @Min(0)
  @Max(60)
  horizonDays: number;

  @ApiProperty({ example: 60, minimum: 0, maximum: 1440 })
  @IsInt()
  @Min(0)
  @Max(1440)
  earlyArrivalMinutes: number;

  @ApiProperty({ example: 30, minimum: 0, maximum: 1440 })
  @IsInt()
  @Min(0)
  @Max(1440)
  checkInGraceMinutes: number;

  @ApiProperty({ example: 15, minimum: 1, maximum: 1440 })
  @IsInt()
  @Min(1)
  @Max(1440)
  calledTimeoutMinutes: number;

  @ApiPropertyOptional({
    example: 3,
    description: 'green channel: one perishable truck after this many regular ones (kept when omitted)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  priorityRatio?: number;

  @ApiPropertyOptional({
    example: 25,
    description: "at most this share of a slot's capacity may use the green channel (kept when omitted)",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  priorityCapPercent?: number;

  @ApiPropertyOptional({
    example: 8,
    description: 'lane service time assumed for ETAs until lanes have measurements (kept when omitted)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(240)
  defaultServiceMinutes?: number;

  @ApiPropertyOptional({
    example: 5,
    minimum: 0,
    maximum: MAX_STRIKE_LIMIT,
    description:
      "a firm with more strikes than this (unwaived no-shows of the last 30 days, at any port) holds half its quota share of this port's slots (default 5; kept when omitted)",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_STRIKE_LIMIT)
  strikeLimit?: number;

  @ApiPropertyOptional({
    example: false,
    description:
      'check-in needs a declaration customs accepted (422 declaration_missing); default false, kept when omitted',
  })
  @IsOptional()
  @IsBoolean()
  requireDeclaration?: boolean;

  @ApiPropertyOptional({
    example: 0.8,
    minimum: 0,
    maximum: 1,
    description:
      "a gate camera's plate read less sure than this does nothing (outcome low_confidence, for staff to confirm); default 0.8, kept when omitted",
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  anprMinConfidence?: number;

  @ApiPropertyOptional({
    example: 120,
    minimum: 0,
    maximum: MAX_DEDUPE_SECONDS,
    description:
      'the same plate read again by the same camera within this many seconds is a duplicate; default 120, kept when omitted',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DEDUPE_SECONDS)
  dedupeSeconds?: number;

  @ApiPropertyOptional({
    example: true,
    description:
      "drivers may check in by their phone's position in a holding area (false: 409 phone_check_in_off, cameras check trucks in); default true, kept when omitted",
  })
  @IsOptional()
  @IsBoolean()
  phoneCheckIn?: boolean;

  @ApiPropertyOptional({
    example: false,
    description:
      "a Hikvision camera's plate picture is stored with its read (kept 30 days, as the read; staff GET it) instead of discarded; default false, kept when omitted",
  })
  @IsOptional()
  @IsBoolean()
  keepGateImages?: boolean;
}

export class ScheduleResponseDto extends PutScheduleDto {
  @ApiProperty() portCode: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class PreviewSlotDto {
  @ApiProperty({ example: '2026-11-29T08:00:00+08:00' }) startsAt: string;
  @ApiProperty({ example: '2026-11-29T09:00:00+08:00' }) endsAt: string;
  @ApiProperty({ type: DirectionCapacityDto }) capacity: DirectionCapacityDto;
}

export class PreviewDayDto {
  @ApiProperty({ format: 'date', example: '2026-11-29', description: "the port's local day" }) date: string;
  @ApiProperty({ type: [PreviewSlotDto] }) slots: PreviewSlotDto[];
}

export class AffectedSlotDto {
  @ApiProperty({ format: 'uuid' }) slotId: string;
  @ApiProperty({ example: '2026-11-29T08:00:00+08:00' }) startsAt: string;
  @ApiProperty({ enum: ['export', 'import'] }) direction: string;
  @ApiProperty({ description: 'bookings it holds' }) booked: number;
  @ApiProperty({ description: "the new schedule's capacity of its direction" }) capacity: number;
  @ApiProperty({
    enum: ['over_capacity', 'outside_plan'],
    description:
      'over_capacity: it holds more bookings than the new capacity (it keeps them, full); outside_plan: the new grid has no such slot (it keeps its time and its bookings, and takes no more)',
  })
  reason: 'over_capacity' | 'outside_plan';
}

export class SchedulePreviewDto {
  @ApiProperty({ type: [PreviewDayDto], description: "today and the horizon's days at the port, by the new schedule" })
  days: PreviewDayDto[];
  @ApiProperty({ type: [AffectedSlotDto], description: 'booked slots not over yet that the change would touch' })
  affected: AffectedSlotDto[];
}
