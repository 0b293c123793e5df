import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { ApiNullableObject, NoControlCharacters, Trim } from '@kouan/common';
import type { DevicePosition } from '@kouan/realtime';
import { DEVICE_POSITIONS } from '../entities/gate-device.entity';

export class CreateDeviceDto {
  @ApiProperty({ example: 'Holding area A entry', maxLength: 80 })
  @Trim()
  @IsString()
  @Length(1, 80)
  @NoControlCharacters()
  name: string;

  @ApiProperty({ enum: DEVICE_POSITIONS })
  @IsIn(DEVICE_POSITIONS)
  position: DevicePosition;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'the lane it watches: required for (and only for) a lane camera',
  })
  @ValidateIf((o: CreateDeviceDto) => o.laneId !== undefined)
  @IsUUID()
  laneId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'the holding area whose entry it watches: required for (and only for) a holding_entry camera',
  })
  @ValidateIf((o: CreateDeviceDto) => o.areaId !== undefined)
  @IsUUID()
  areaId?: string;
}

export class DeviceKeyDto {
  @ApiProperty({
    example: 'kgd_3q2-7wE…',
    description: 'the device key, shown only here: the camera sends it as `Authorization: Device <key>`',
  })
  key: string;
}

export class DeviceCreatedDto extends DeviceKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: DEVICE_POSITIONS }) position: DevicePosition;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) laneId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) areaId: string | null;
}

export class DeviceLastReadDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '云K12345' }) plate: string;
  @ApiProperty() outcome: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class DeviceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: DEVICE_POSITIONS }) position: DevicePosition;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) laneId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) areaId: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'its last read or heartbeat' })
  lastSeenAt: string | null;
  @ApiProperty({ description: "reads since midnight at the port (the port's time zone)" }) readsToday: number;
  @ApiProperty({ description: 'heard from within DEVICE_OFFLINE_SECONDS' }) online: boolean;
  @ApiNullableObject(DeviceLastReadDto, { description: 'its latest read, if any' })
  lastRead: DeviceLastReadDto | null;
}
