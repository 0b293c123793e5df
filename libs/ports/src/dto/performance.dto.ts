import { ApiProperty } from '@nestjs/swagger';
import { IsDay } from '@kouan/common';

export class PerformanceQueryDto {
  @ApiProperty({ example: '2026-11-01' }) @IsDay() from: string;
  @ApiProperty({ example: '2026-11-30' }) @IsDay() to: string;
}

export class MinutesStatsDto {
  @ApiProperty({ nullable: true, type: Number, description: 'null without any' }) mean: number | null;
  @ApiProperty({ nullable: true, type: Number, description: '90th percentile (interpolated); null without any' }) p90:
    number | null;
}

/** One stage of the trucks' visits over a period: seconds from one stamp to the next (docs/forecast.md, "Stages"). */
export class StagePercentilesDto {
  @ApiProperty({ nullable: true, type: Number, description: 'median (interpolated), seconds; null without any' })
  p50: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: '90th percentile (interpolated), seconds; null without any',
  })
  p90: number | null;
  @ApiProperty({ description: 'trucks measured: those with both stamps of the stage' }) count: number;
}

/**
 * Every stage of a truck's visit, each over the trucks that have both its stamps (so a truck no lane camera saw
 * has no call → lane nor lane service, and its call → complete counts as neither).
 */
export class StageSecondsDto {
  @ApiProperty({ type: StagePercentilesDto, description: 'holding wait: arrived (checked in) → called' })
  holdingWait: StagePercentilesDto;
  @ApiProperty({ type: StagePercentilesDto, description: 'call → lane: called → seen at its lane by the lane camera' })
  callToLane: StagePercentilesDto;
  @ApiProperty({ type: StagePercentilesDto, description: 'lane service: seen at the lane → completed' })
  laneService: StagePercentilesDto;
  @ApiProperty({ type: StagePercentilesDto, description: "lane → yard: completed → the yard's arrival" })
  laneToYard: StagePercentilesDto;
  @ApiProperty({ type: StagePercentilesDto, description: "turn time: arrived (checked in) → the yard's arrival" })
  turnTime: StagePercentilesDto;
}

export class PortPerformanceDto {
  @ApiProperty({ example: 'MOHAN' }) port: string;
  @ApiProperty({ example: 'Mohan' }) name: string;
  @ApiProperty({ description: 'bookings of the range not cancelled' }) bookings: number;
  @ApiProperty({ description: 'places offered: capacity of the slots (not retired) starting in the range' })
  offered: number;
  @ApiProperty({ description: 'trucks served: bookings completed at a lane' }) trucksServed: number;
  @ApiProperty({ type: MinutesStatsDto, description: 'check-in to call, minutes, over the trucks called' })
  wait: MinutesStatsDto;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'no-shows ÷ decided (checked in or no-show); null when none decided',
  })
  noShowRate: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: "checked in no later than the slot's end ÷ checked in; null when none checked in",
  })
  onTimeRate: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'bookings ÷ offered; null when nothing was offered' })
  slotUse: number | null;
  @ApiProperty({
    type: MinutesStatsDto,
    description: "call to the yard's confirmation, minutes, over the trucks the yard confirmed",
  })
  laneToYardMinutes: MinutesStatsDto;
  @ApiProperty({ type: StageSecondsDto, description: 'p50 and p90 of each stage of the visits, seconds, with counts' })
  stageSeconds: StageSecondsDto;
}
