import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsLatitude, IsLongitude } from 'class-validator';
import { IsPlate } from '@kouan/common';
import { ParkingDto } from '@kouan/parking/dto/parking-area.dto';
import { DIRECTIONS, LANE_STATUSES } from '@kouan/ports/entities/lane.entity';

export class PlateCheckInDto {
  @ApiProperty({ example: '云K·12345', description: 'as read by the gate camera or typed by staff' })
  @IsPlate()
  plate: string;
}

export class GeoCheckInDto {
  @ApiProperty({ example: 21.1831 }) @IsLatitude() lat: number;
  @ApiProperty({ example: 101.6829 }) @IsLongitude() lon: number;
}

export class CheckInResultDto {
  @ApiProperty() bookingId: string;
  @ApiProperty({ description: 'place among waiting trucks, from 1' }) position: number;
  @ApiProperty({ type: ParkingDto }) parking: ParkingDto;
}

export class QueueQueryDto {
  @ApiProperty({ enum: DIRECTIONS }) @IsIn(DIRECTIONS) direction: 'export' | 'import';
}

export class LaneStatusDto {
  @ApiProperty({ enum: LANE_STATUSES }) @IsIn(LANE_STATUSES) status: 'open' | 'closed' | 'paused';
}

export class CalledTruckDto {
  @ApiProperty() bookingId: string;
  @ApiProperty() reference: string;
  @ApiProperty({ example: '云K12345' }) plate: string;
}
