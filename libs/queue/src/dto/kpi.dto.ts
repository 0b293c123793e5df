import { ApiProperty } from '@nestjs/swagger';
import { IsDay } from '@kouan/common';
import { StageSecondsDto } from '@kouan/ports';

export class KpiQueryDto {
  @ApiProperty({ example: '2026-11-01' }) @IsDay() from: string;
  @ApiProperty({ example: '2026-11-30' }) @IsDay() to: string;
}

class MinutesDto {
  @ApiProperty({ nullable: true, type: Number }) mean: number | null;
}

export class WaitDto extends MinutesDto {
  @ApiProperty({ nullable: true, type: Number }) p90: number | null;
}

export class ServiceDto extends MinutesDto {
  @ApiProperty({ nullable: true, type: Number }) median: number | null;
}

export class KpiDayDto {
  @ApiProperty({ example: '2026-11-29' }) date: string;
  @ApiProperty({ enum: ['export', 'import'] }) direction: string;
  @ApiProperty({ description: 'slots offered' }) slots: number;
  @ApiProperty({ description: 'places offered (sum of slot capacity)' }) offered: number;
  @ApiProperty({ description: 'places booked (bookings not cancelled)' }) booked: number;
  @ApiProperty({ description: 'places used (completed)' }) used: number;
  @ApiProperty() noShows: number;
  @ApiProperty({ nullable: true, type: Number, description: 'no-shows ÷ booked' }) noShowRate: number | null;
  @ApiProperty({ type: WaitDto, description: 'check-in to call, minutes' }) waitMinutes: WaitDto;
  @ApiProperty({ type: ServiceDto, description: 'call to complete, minutes' }) serviceMinutes: ServiceDto;
  @ApiProperty({
    type: WaitDto,
    description:
      "lane to yard: from the call to the yard's confirmation (POST /bookings/:id/yard-arrival), minutes, over the trucks the yard confirmed; null without any",
  })
  laneToYardMinutes: WaitDto;
  @ApiProperty({
    type: StageSecondsDto,
    description:
      "each stage of the day's visits, p50 and p90 in seconds with the trucks counted: holding wait, call → lane, lane service (trucks a lane camera saw), lane → yard, turn time",
  })
  stageSeconds: StageSecondsDto;
}
