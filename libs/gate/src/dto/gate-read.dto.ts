import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { FieldsTogether, INSTANT_WITH_OFFSET, IsPlate, NoControlCharacters, PaginationQueryDto } from '@kouan/common';
import { GATE_OUTCOMES, type GateOutcome } from '@kouan/realtime';
import { DEVICE_POSITIONS } from '../entities/gate-device.entity';

/** An instant with its offset (or Z): a camera's local time without one would be read in the server's zone. */

export class GateReadBodyDto {
  @ApiProperty({ example: '云K·12345', description: 'the plate as the camera read it' })
  @IsPlate()
  plate: string;

  @ApiProperty({ example: 0.93, minimum: 0, maximum: 1, description: "the camera's confidence in its reading" })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  confidence: number;

  @ApiPropertyOptional({
    example: '2026-11-29T10:30:00+08:00',
    description: "when the camera saw it (its clock), with an offset; at most 5 minutes ahead of the server's (422)",
  })
  @IsOptional()
  @IsString()
  @Length(16, 40)
  @IsISO8601({ strict: true })
  @Matches(INSTANT_WITH_OFFSET, { message: 'at must be an ISO-8601 instant with an offset (or Z)' })
  at?: string;

  @ApiPropertyOptional({
    example: 'cam-3/2026-11-29/103000-1.jpg',
    maxLength: 200,
    description: 'where the camera keeps the picture',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  imageRef?: string;
}

export class GateReadAnswerDto {
  @ApiProperty({ format: 'uuid' }) readId: string;
  @ApiProperty({ enum: GATE_OUTCOMES }) outcome: GateOutcome;
  @ApiPropertyOptional({ format: 'uuid', description: 'the booking the read concerns, if one' }) bookingId?: string;
  @ApiPropertyOptional({
    example: 'too_early',
    description: 'why: the check-in error code (refused), already_checked_in or already_at_lane (duplicate)',
  })
  reason?: string;
}

/** POST /gate/isapi's answer to an alert that is not a plate read. */
export class IsapiAnswerDto {
  @ApiProperty({
    enum: ['heartbeat', 'ignored'],
    description: 'heartbeat: the device is alive; ignored: an event type the gate does not act on',
  })
  outcome: 'heartbeat' | 'ignored';

  @ApiPropertyOptional({ example: 'VMD', description: "with ignored: the alert's eventType" })
  eventType?: string;

  @ApiPropertyOptional({
    enum: ['no_plate'],
    description: 'with ignored: an ANPR alert whose plate the camera could not read (无车牌)',
  })
  reason?: 'no_plate';
}

export class GateReadDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) deviceId: string;
  @ApiProperty() deviceName: string;
  @ApiProperty({ enum: DEVICE_POSITIONS }) position: string;
  @ApiProperty({ example: '云K12345', description: 'normalised' }) plate: string;
  @ApiProperty() confidence: number;
  @ApiProperty({ enum: GATE_OUTCOMES }) outcome: GateOutcome;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) bookingId: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ format: 'date-time', description: 'when the server took it' }) at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) cameraAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) resolvedAt: string | null;
  @ApiProperty({ enum: ['checked_in', 'dismissed', null], nullable: true, type: String }) resolution: string | null;
}

/** A read in the port's list: with whether its plate picture was kept (GET .../gate-reads/:id/image). */
export class GateReadListItemDto extends GateReadDto {
  @ApiProperty({ description: "its plate picture was kept (the port's schedule keepGateImages)" }) hasImage: boolean;
}

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class GateReadsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: GATE_OUTCOMES })
  @IsOptional()
  @IsIn(GATE_OUTCOMES)
  outcome?: GateOutcome;

  @ApiPropertyOptional({
    example: '2026-11-29T08:00:00+08:00',
    description: "reads taken from this instant on (a date alone: from that day's midnight at the port)",
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description: 'only reads staff may still confirm or dismiss: unresolved unmatched, ambiguous and low_confidence',
  })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  open?: boolean;
}

export class ResolveReadDto {
  @ApiProperty({ enum: ['check_in', 'dismiss'] })
  @IsIn(['check_in', 'dismiss'])
  action: 'check_in' | 'dismiss';

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'with check_in: which booking of that plate (when the read was ambiguous)',
  })
  @ValidateIf((o: ResolveReadDto) => o.bookingId !== undefined)
  @FieldsTogether((o) => o.action === 'check_in', 'bookingId goes with action check_in only')
  @IsUUID()
  bookingId?: string;
}
