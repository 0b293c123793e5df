import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ApiNullableObject, IsDay } from '@kouan/common';
import { ParkingAreaDto } from '@kouan/parking';
import { ScheduleResponseDto } from './schedule.dto';

export class LaneDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['export', 'import'] }) direction: string;
  @ApiProperty({ enum: ['open', 'closed', 'paused'] }) status: string;
}

export class PortSummaryDto {
  @ApiProperty({ example: 'MOHAN' }) code: string;
  @ApiProperty({ example: 'Mohan' }) name: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { zh: '磨憨公路口岸' },
    description: "the name in drivers' languages where known (zh for the road ports); `name` in the others",
  })
  names: Record<string, string>;
  @ApiProperty({ example: 'LA', nullable: true, type: String }) neighbour: string | null;
  @ApiProperty({ example: 'Boten', nullable: true, type: String }) counterpart: string | null;
  @ApiProperty({ enum: ['road', 'rail', 'air', 'water'] }) mode: string;
  @ApiProperty({ type: [LaneDto] }) lanes: LaneDto[];
}

export class PortDetailDto extends PortSummaryDto {
  @ApiProperty() county: string;
  @ApiProperty({ nullable: true, type: String }) counterpartLocation: string | null;
  @ApiProperty() timeZone: string;
  @ApiProperty({ type: [ParkingAreaDto] }) parkingAreas: ParkingAreaDto[];
  @ApiNullableObject(ScheduleResponseDto, { description: 'null until the port has a schedule' })
  schedule: ScheduleResponseDto | null;
}

export class SlotDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  // No date-time format here yet: any date may be listed today, and the last slot of 9999-12-31 ends in year
  // 10000, which RFC 3339 cannot write (the contract's date_out_of_range will bound the dates).
  @ApiProperty({ example: '2026-11-29T08:00:00+08:00' }) startsAt: string;
  @ApiProperty({ example: '2026-11-29T09:00:00+08:00' }) endsAt: string;
  @ApiProperty({ enum: ['export', 'import'] }) direction: string;
  @ApiProperty() capacity: number;
  @ApiProperty() booked: number;
  @ApiProperty() available: number;
  @ApiProperty({ description: 'false once the slot has ended or while it lies beyond the horizon' }) bookable: boolean;
}

export class SlotsQueryDto {
  @ApiProperty({ example: '2026-11-29' })
  @IsDay()
  date: string;

  @ApiPropertyOptional({ enum: ['export', 'import'], description: 'both when omitted' })
  @IsOptional()
  @IsIn(['export', 'import'])
  direction?: 'export' | 'import';
}
