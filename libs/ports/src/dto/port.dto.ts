import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ApiNullableObject, IsDay } from '@kouan/common';
import { ParkingAreaDto } from '@kouan/parking';
import { ScheduleResponseDto } from './schedule.dto';
import { CounterpartDto } from './counterpart.dto';
import { IncidentDto } from './incident.dto';

export class LaneDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['export', 'import'] }) direction: string;
  @ApiProperty({ enum: ['open', 'closed', 'paused'] }) status: string;
}

/** The longest lane name, in any language: what the lane column holds, and what fits a console's lane button. */
export const LANE_NAME_MAX = 40;

export const LANE_NAMES_DOC = {
  type: 'object',
  additionalProperties: { type: 'string', minLength: 1, maxLength: LANE_NAME_MAX },
  example: { zh: '出境 1 号车道', lo: 'ຊ່ອງທາງຂາອອກ 1' },
  description: `display names by language (zh, en, lo, vi, my, th), 1-${LANE_NAME_MAX} characters each`,
} as const;

/** A lane as the port's listings show it (GET /ports, GET /ports/:code, and the port admin's lane routes). */
export class NamedLaneDto extends LaneDto {
  @ApiProperty({
    ...LANE_NAMES_DOC,
    description:
      "display names by drivers' language; where one is missing, `name` (an `export-<n>` or `import-<n>` name reads as the direction and number in that language)",
  })
  names: Record<string, string>;
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
  @ApiProperty({ type: [NamedLaneDto] }) lanes: NamedLaneDto[];
}

export class PortDetailDto extends OmitType(PortSummaryDto, ['counterpart'] as const) {
  @ApiProperty({ type: CounterpartDto, description: 'the port across the border: its name, status and acceptance' })
  counterpart: CounterpartDto;

  @ApiProperty({
    type: [IncidentDto],
    description: "the port's open incidents, oldest first (POST /ports/:code/incidents)",
  })
  incidents: IncidentDto[];

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
