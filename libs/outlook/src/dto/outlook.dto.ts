import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';

const DIRECTIONS = ['export', 'import'] as const;

/** `N` or `N@HH:MM`: a count (or minutes) from now, or from a local time today. */
export const FROM_TIME = /^(\d{1,3})(?:@([01]\d|2[0-3]):([0-5]\d))?$/;

export class OutlookQueryDto {
  @ApiProperty({ enum: DIRECTIONS }) @IsIn(DIRECTIONS) direction: 'export' | 'import';

  @ApiPropertyOptional({
    example: '2@15:00',
    description:
      'what if: this many lanes of the direction work from now, or from a local time today (`N@HH:MM`), 0-20',
  })
  @IsOptional()
  @Matches(FROM_TIME, { message: 'lanes must be N or N@HH:MM' })
  lanes?: string;

  @ApiPropertyOptional({ example: 12, description: 'what if: a lane takes this many minutes a truck (0.5-240)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0.5)
  @Max(240)
  serviceMinutes?: number;

  @ApiPropertyOptional({
    example: 10,
    description: 'what if: each slot that has not started holds this many trucks (0-10000): filled up, or cut back',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10000)
  capacity?: number;

  @ApiPropertyOptional({
    example: '30@14:00',
    description: 'what if: every lane stops for this many minutes (1-720), from now or from a local time (`N@HH:MM`)',
  })
  @IsOptional()
  @Matches(FROM_TIME, { message: 'pause must be N or N@HH:MM' })
  pause?: string;
}

export class SpreadDto {
  @ApiProperty({ nullable: true, type: Number }) p10: number | null;
  @ApiProperty({ nullable: true, type: Number }) p50: number | null;
  @ApiProperty({ nullable: true, type: Number }) p90: number | null;
}

export class InstantSpreadDto {
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'null: not before the day ends' })
  p10: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) p50: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) p90: string | null;
}

export class MedianDto {
  @ApiProperty({ nullable: true, type: Number }) p50: number | null;
}

export class OutlookHourDto {
  @ApiProperty({ format: 'date-time', description: "the hour's start (the first hour: the as-of instant is in it)" })
  hour: string;
  @ApiProperty({ type: SpreadDto, description: 'trucks in line at the hour (the first: as of now, after any call)' })
  waiting: SpreadDto;
  @ApiProperty({ type: MedianDto, description: "this direction's trucks in the holding areas' bays" })
  holding: MedianDto;
  @ApiProperty({ type: MedianDto, description: 'trucks on the road: too early for their window, or without a bay' })
  roadside: MedianDto;
}

export class AtRiskDto {
  @ApiProperty({ format: 'uuid' }) bookingId: string;
  @ApiProperty({ example: '云A·***45' }) plateMasked: string;
  @ApiProperty({ format: 'date-time', description: "when the truck's check-in window closes (slot end + grace)" })
  windowClosesAt: string;
  @ApiProperty({ example: 0.82, description: 'share of the runs in which it still waits then (≥ 0.5 listed)' })
  probability: number;
}

export class OutlookFiguresDto {
  @ApiProperty({ type: InstantSpreadDto, description: 'first instant nobody waits in line' })
  clearsAt: InstantSpreadDto;
  @ApiProperty({ type: [OutlookHourDto] }) hours: OutlookHourDto[];
  @ApiProperty({
    type: [AtRiskDto],
    description: 'the trucks likely still waiting when their window closes, first to close first (at most 50)',
  })
  atRisk: AtRiskDto[];
  @ApiProperty({ description: 'how many trucks are at risk in all' }) atRiskTotal: number;
  @ApiProperty({ type: SpreadDto, description: 'the most trucks on the road at once over the rest of the day' })
  roadsideMax: SpreadDto;
}

export class OutlookChangeDto {
  @ApiPropertyOptional({ description: 'lanes working from `lanesFrom`' }) lanes?: number;
  @ApiPropertyOptional({ format: 'date-time' }) lanesFrom?: string;
  @ApiPropertyOptional() serviceMinutes?: number;
  @ApiPropertyOptional() capacity?: number;
  @ApiPropertyOptional({ description: 'minutes every lane stops, from `pauseFrom`' }) pauseMinutes?: number;
  @ApiPropertyOptional({ format: 'date-time' }) pauseFrom?: string;
}

export class OutlookWhatIfDto extends OutlookFiguresDto {
  @ApiProperty({ type: OutlookChangeDto }) change: OutlookChangeDto;
}

export class OutlookBasisDto {
  @ApiProperty({ description: "mean service minutes: today's measured, or the schedule's until 10 trucks are done" })
  serviceMinutes: number;
  @ApiProperty({ description: "service time's coefficient of variation (0.5 until measured)" }) serviceCv: number;
  @ApiProperty({ description: 'trucks served today in this direction (the measurements)' }) served: number;
  @ApiProperty({ description: 'share of booked trucks that come (see showUpFrom)' }) showUpRate: number;
  @ApiProperty({ description: 'arrival around the slot start: mean minutes (negative: early)' }) arrivalMean: number;
  @ApiProperty({ description: 'and its standard deviation' }) arrivalSd: number;
  @ApiProperty({ description: 'whether show-up and arrivals are measured (≥ 20 decided bookings in 28 days)' })
  measured: boolean;
  @ApiProperty({
    enum: ['today', 'history', 'default'],
    description:
      "where showUpRate comes from: today's closed windows (with the 28 days' or 0.92 counted as 10 bookings), the 28 days, or 0.92",
  })
  showUpFrom: string;
  @ApiProperty({ description: "today's bookings (both directions) whose check-in window has closed" })
  decidedToday: number;
  @ApiProperty({ description: 'share of called trucks skipped by staff (28 days measured, or 0.03)' })
  skipRate: number;
  @ApiProperty({ description: 'share of called trucks that timed out, modelled as gone (28 days measured, or 0.01)' })
  timeoutRate: number;
  @ApiProperty({ example: 100 }) runs: number;
  @ApiProperty({ example: 1 }) seed: number;
}

export class OutlookDto extends OutlookFiguresDto {
  @ApiProperty({ example: 'MOHAN' }) port: string;
  @ApiProperty({ enum: DIRECTIONS }) direction: string;
  @ApiProperty({ format: 'date-time', description: "the Clock's instant the outlook starts from" }) asOf: string;
  @ApiProperty({ example: 42, description: "the queue's version it was computed for" }) version: number;
  @ApiProperty({ type: OutlookBasisDto }) basis: OutlookBasisDto;
  @ApiProperty({ description: 'lanes of the direction working now' }) lanesWorking: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'a lane of the direction not working now (the one a what-if of one more lane would open)',
  })
  nextLane: string | null;
  @ApiPropertyOptional({ type: OutlookWhatIfDto, description: 'with the changes asked, on the same runs' })
  whatIf?: OutlookWhatIfDto;
}

export class CapacityDirectionDto {
  @ApiProperty({ enum: DIRECTIONS }) direction: string;
  @ApiProperty({
    example: 8,
    description: 'places a slot the model says the lanes serve, each truck within its window',
  })
  capacity: number;
  @ApiProperty({ nullable: true, type: Number, description: "tomorrow's slots' capacity now (null: no slot)" })
  current: number | null;
  @ApiProperty({ description: 'trucks booked tomorrow in the direction' }) booked: number;
  @ApiProperty({ description: 'lanes of the direction, all assumed open' }) lanes: number;
  @ApiProperty({ description: 'service minutes a truck assumed' }) serviceMinutes: number;
  @ApiProperty({ description: 'share of booked trucks assumed to come' }) showUpRate: number;
}

export class CapacitySuggestionDto {
  @ApiProperty({ example: 'MOHAN' }) port: string;
  @ApiProperty({ example: '2026-12-07', description: 'tomorrow at the port' }) date: string;
  @ApiProperty({ type: [CapacityDirectionDto] }) directions: CapacityDirectionDto[];
}
