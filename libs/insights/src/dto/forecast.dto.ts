import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { OnTheWayTruckDto } from '@kouan/booking';
import { IsDay } from '@kouan/common';

export class ForecastQueryDto {
  @ApiPropertyOptional({
    example: '2026-11-30',
    description: 'the local day to forecast; tomorrow at the port when omitted',
  })
  @IsOptional()
  @IsDay()
  date?: string;
}

export class ArrivalOffsetDto {
  @ApiProperty({
    example: -1,
    description:
      'whole hours from the slot start to the check-in: -1 the hour before the start, 0 the first hour of the slot',
  })
  hours: number;

  @ApiProperty({ example: 0.75, description: 'share of the trucks that came (0-1, 3 decimals)' })
  share: number;
}

export class DirectionMinutesDto {
  @ApiProperty({ example: 8 }) export: number;
  @ApiProperty({ example: 8 }) import: number;
}

export class ForecastBasisDto {
  @ApiProperty({ example: '2026-11-02', description: 'first local day measured (28 days before the forecast day)' })
  fromDate: string;
  @ApiProperty({ example: '2026-11-29', description: 'last local day measured (the day before the forecast day)' })
  toDate: string;
  @ApiProperty({ description: 'bookings of the window checked in or marked no-show (not cancelled), both directions' })
  decided: number;
  @ApiProperty({ description: 'of those, the ones that checked in' }) checkedIn: number;
  @ApiProperty({
    description:
      'true: show-up rate and arrival offsets are measured; false: fewer than 20 decided, the defaults are used',
  })
  measured: boolean;
  @ApiProperty({ example: 0.92, description: 'checked in ÷ decided (default 0.92), 3 decimals' }) showUpRate: number;
  @ApiProperty({
    type: [ArrivalOffsetDto],
    description: 'when the trucks that came checked in, relative to their slot start; shares sum to 1',
  })
  arrivalOffsets: ArrivalOffsetDto[];
  @ApiProperty({
    type: DirectionMinutesDto,
    description:
      "mean lane service time (call to complete) per direction, minutes; the schedule's default service time without a completed truck",
  })
  serviceMinutes: DirectionMinutesDto;
}

export class ForecastHourDto {
  @ApiProperty({ example: '10:00', description: 'local hour of the day' }) hour: string;
  @ApiProperty({ enum: ['export', 'import'] }) direction: string;
  @ApiProperty({ description: 'places booked (not cancelled) in slots starting in this hour' }) booked: number;
  @ApiProperty({ example: 4, description: 'trucks expected to check in during this hour (1 decimal)' })
  expectedArrivals: number;
  @ApiProperty({ example: 1, description: 'ceil(expected arrivals × service minutes ÷ 60)' }) lanesNeeded: number;
  @ApiProperty({ description: "the port's lanes of this direction, whatever their status" }) lanes: number;
  @ApiProperty({ description: 'more lanes needed than the port has' }) short: boolean;
}

export class OnTheWayDto {
  @ApiProperty() count: number;
  @ApiProperty({ type: [OnTheWayTruckDto], description: 'oldest departure first' }) trucks: OnTheWayTruckDto[];
}

export class ForecastDto {
  @ApiProperty({ example: 'MOHAN' }) port: string;
  @ApiProperty({ example: '2026-11-30' }) date: string;
  @ApiProperty({ type: ForecastBasisDto }) basis: ForecastBasisDto;
  @ApiProperty({
    type: [ForecastHourDto],
    description: '24 hours × both directions, by hour then direction (export first)',
  })
  hours: ForecastHourDto[];
  @ApiProperty({
    type: OnTheWayDto,
    description: 'our import side now: trucks the far side announced as left towards us that have not checked in',
  })
  onTheWay: OnTheWayDto;
}
