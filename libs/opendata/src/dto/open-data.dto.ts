import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';
import { IsDay } from '@kouan/common';

export class WaitsQueryDto {
  @ApiPropertyOptional({ example: 'MOHAN', description: 'one port by code; every port when omitted' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsString()
  @Matches(/^[A-Z0-9-]{2,32}$/, { message: 'port must be 2-32 letters, digits or dashes' })
  port?: string;

  @ApiProperty({
    example: '2026-11-01',
    description: 'first local day, YYYY-MM-DD (any day: the archive has no cut-off)',
  })
  @IsDay()
  from: string;

  @ApiProperty({ example: '2026-11-30', description: 'last local day, YYYY-MM-DD; at most 92 days after from' })
  @IsDay()
  to: string;
}

export class LicenceDto {
  @ApiProperty({ example: 'CC BY 4.0' }) name: string;
  @ApiProperty({ example: 'https://creativecommons.org/licenses/by/4.0/' }) url: string;
  @ApiProperty({ example: 'Kouan open data, border road ports of Yunnan', description: 'how to credit the data' })
  attribution: string;
}

export class FieldDto {
  @ApiProperty({ example: 'waitP50Minutes', description: 'the field, as a dotted path from one item' }) name: string;
  @ApiProperty({ example: 'number', enum: ['string', 'integer', 'number', 'boolean'] }) type: string;
  @ApiProperty({ example: 'minutes', nullable: true, type: String, description: 'the unit; null for none' })
  unit: string | null;
  @ApiProperty({ example: 'median wait from check-in to the call' }) description: string;
}

export class CounterpartNowDto {
  @ApiProperty({ example: 'Boten', nullable: true, type: String, description: 'the port across the border' })
  name: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['open', 'slowed', 'closed', null],
    description: "the counterpart's own status; null until the counterpart reports one",
  })
  status: 'open' | 'slowed' | 'closed' | null;
}

export class DirectionNowDto {
  @ApiProperty({ example: 2, description: 'lanes open now' }) lanesOpen: number;
  @ApiProperty({ example: 3, description: 'lanes of the direction, whatever their status' }) lanes: number;
  @ApiProperty({ example: 14, description: 'trucks checked in and waiting to be called' }) trucksWaiting: number;
  @ApiProperty({
    example: 35,
    nullable: true,
    type: Number,
    description: 'minutes a truck checking in now would wait to be called (estimate); null while no lane is open',
  })
  waitMinutes: number | null;
}

export class DirectionsNowDto {
  @ApiProperty({ type: DirectionNowDto }) export: DirectionNowDto;
  @ApiProperty({ type: DirectionNowDto }) import: DirectionNowDto;
}

export class PortNowDto {
  @ApiProperty({ example: 'MOHAN' }) code: string;
  @ApiProperty({ example: 'Mohan' }) name: string;
  @ApiProperty({ example: 'road', description: 'road, rail or air: only road ports have lanes and queues' })
  mode: string;
  @ApiProperty({ type: CounterpartNowDto }) counterpart: CounterpartNowDto;
  @ApiProperty({ type: DirectionsNowDto }) directions: DirectionsNowDto;
}

export class PortsFeedDto {
  @ApiProperty({ type: LicenceDto }) licence: LicenceDto;
  @ApiProperty({ type: [FieldDto], description: 'each field of an item of `ports`, with its unit' }) fields: FieldDto[];
  @ApiProperty({ example: '2026-12-05T10:00:00.000Z', description: 'when these figures were read' }) asOf: string;
  @ApiProperty({ type: [PortNowDto], description: 'every port, by code' }) ports: PortNowDto[];
}

/** One hour of one port and direction. Flat, so the CSV's columns are these fields in this order. */
export class WaitHourDto {
  @ApiProperty({ example: 'MOHAN' }) port: string;
  @ApiProperty({ example: '2026-11-03', description: 'local day at the port' }) date: string;
  @ApiProperty({ example: 10, description: 'local hour at the port, 0-23: 10 is 10:00-10:59' }) hour: number;
  @ApiProperty({ example: '2026-11-03T10:00:00+08:00', description: "the hour's start, with the port's offset" })
  startsAt: string;
  @ApiProperty({ example: 'export', enum: ['export', 'import'] }) direction: 'export' | 'import';
  @ApiProperty({ description: 'fewer than 5 trucks served: every figure of the hour is null' }) suppressed: boolean;
  @ApiProperty({ nullable: true, type: Number }) trucksServed: number | null;
  @ApiProperty({ nullable: true, type: Number }) waitP50Minutes: number | null;
  @ApiProperty({ nullable: true, type: Number }) waitP90Minutes: number | null;
  @ApiProperty({ nullable: true, type: Number }) slotsBooked: number | null;
  @ApiProperty({ nullable: true, type: Number }) slotCapacity: number | null;
  @ApiProperty({ nullable: true, type: Number }) slotUse: number | null;
  @ApiProperty({ nullable: true, type: Number }) callToLaneP50Minutes: number | null;
  @ApiProperty({ nullable: true, type: Number }) laneServiceP50Minutes: number | null;
  @ApiProperty({ nullable: true, type: Number }) laneToYardP50Minutes: number | null;
}

export class WaitsFeedDto {
  @ApiProperty({ type: LicenceDto }) licence: LicenceDto;
  @ApiProperty({ type: [FieldDto], description: 'each field of an item of `items`, with its unit' }) fields: FieldDto[];
  @ApiProperty({ example: 'MOHAN', nullable: true, type: String, description: 'the port asked for; null for all' })
  port: string | null;
  @ApiProperty({ example: '2026-11-01' }) from: string;
  @ApiProperty({ example: '2026-11-30' }) to: string;
  @ApiProperty({ type: [WaitHourDto], description: 'by port, hour and direction; hours that have begun only' })
  items: WaitHourDto[];
}
