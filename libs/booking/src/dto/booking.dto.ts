import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import type { BookingStages } from '@kouan/realtime';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiNullableObject, IsDay, NoControlCharacters, PaginationQueryDto, Trim } from '@kouan/common';
import { BookingFeesDto, SlotDto, SlotsQueryDto } from '@kouan/ports';
import { DeclarationDto } from './declaration.dto';
import { BOOKING_STATUSES, BookingStatus } from '../booking-status';

export class CargoDto {
  @ApiProperty({ example: 'Fresh bananas, 1,200 cartons' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  @NoControlCharacters()
  description: string;

  @ApiProperty({ example: '080390', description: 'HS code, 6-10 digits' })
  @IsString()
  @Matches(/^\d{6,10}$/, { message: 'hsCode must be 6-10 digits' })
  hsCode: string;

  @ApiProperty({ example: 18000, minimum: 1, maximum: 100000 })
  @IsInt()
  @Min(1)
  @Max(100000)
  weightKg: number;

  @ApiProperty()
  @IsBoolean()
  perishable: boolean;

  @ApiPropertyOptional({ example: '530120261129000123' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  @NoControlCharacters()
  declarationNo?: string;
}

export class CreateBookingDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() slotId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() vehicleId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() driverId: string;

  @ApiProperty({ type: CargoDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CargoDto)
  cargo: CargoDto;
}

export class CreatedBookingDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'MOHAN-20261129-7K3F' }) reference: string;
  @ApiProperty({ example: 'booked' }) status: string;
  @ApiProperty({ format: 'uuid' }) slotId: string;
  @ApiProperty({ example: '042517', description: 'shown once; the driver logs in with reference + code' })
  driverCode: string;
  @ApiNullableObject(BookingFeesDto, {
    description: "the port's fees in force on the slot's day; null while the port has published none",
  })
  fees?: BookingFeesDto | null;
}

export class RescheduleDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() slotId: string;
}

export class ListBookingsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ example: '2026-11-29', description: 'the slot date at the port' })
  @IsOptional()
  @IsDay()
  date?: string;

  @ApiPropertyOptional({ enum: BOOKING_STATUSES })
  @IsOptional()
  @IsIn(BOOKING_STATUSES)
  status?: BookingStatus;
}

/** When the truck reached each stage of its visit (BookingStages); null until it did. */
export class BookingStagesDto implements BookingStages {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'checked in at the holding area' })
  arrivedAt: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'called to a lane (the latest call; null again if put back in line)',
  })
  calledAt: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'seen at the lane it was called to by a lane camera; null if put back in line or never seen',
  })
  atLaneAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'completed at the lane' })
  completedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: "the yard's arrival" })
  yardArrivedAt: string | null;
}

export class BookingDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() reference: string;
  @ApiProperty({ enum: BOOKING_STATUSES }) status: string;
  @ApiProperty({ format: 'uuid' }) slotId: string;
  @ApiProperty() portCode: string;
  @ApiProperty({ enum: ['export', 'import'] }) direction: string;
  @ApiProperty({ format: 'date' }) serviceDate: string;
  @ApiProperty({ format: 'date-time' }) slotStartsAt: string;
  @ApiProperty({ format: 'date-time' }) slotEndsAt: string;
  @ApiProperty({ format: 'uuid' }) vehicleId: string;
  @ApiProperty() plate: string;
  @ApiProperty({ format: 'uuid' }) driverId: string;
  @ApiProperty() driverName: string;
  @ApiProperty({ type: CargoDto }) cargo: CargoDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiNullableObject(BookingFeesDto, {
    description: "the port's fees in force on the slot's day; null while the port has published none",
  })
  fees: BookingFeesDto | null;
  @ApiNullableObject(DeclarationDto, {
    description: "the customs declaration filed with it and customs' answer; null until filed",
  })
  declaration: DeclarationDto | null;
  @ApiProperty({ type: BookingStagesDto, description: 'when the truck reached each stage of its visit' })
  stages: BookingStagesDto;
}

export class StatusDto {
  @ApiProperty({ enum: BOOKING_STATUSES }) status: string;
}

/** POST /bookings/:id/yard-arrival. */
export class YardArrivalDto {
  @ApiProperty({ format: 'date-time', description: 'when the yard confirmed the truck' }) yardArrivedAt: string;
}

export class DriverSessionDto {
  @ApiProperty({ example: 'MOHAN-20261129-7K3F' })
  @IsString()
  @Matches(/^[A-Za-z0-9-]{5,60}$/, { message: 'reference must look like MOHAN-20261129-7K3F' })
  reference: string;

  @ApiProperty({ example: '042517' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'driverCode must be 6 digits' })
  driverCode: string;
}

export class DriverSessionTokenDto {
  @ApiProperty({ description: 'bearer token, role driver, scoped to the booking' }) accessToken: string;
  @ApiProperty({
    example: '2026-11-29T13:30:00+08:00',
    description:
      'when the token expires: no earlier than 2 h after the check-in window closes, nor than the configured driver TTL from now',
  })
  expiresAt: string;
}

export class DriverCodeDto {
  @ApiProperty({
    example: '042517',
    description: 'the new code; the old one stops working and the wrong-code counts start again',
  })
  driverCode: string;
}

export class FirmSlotsQueryDto extends SlotsQueryDto {
  @ApiProperty({ example: 'MOHAN' })
  @IsString()
  @Matches(/^[A-Za-z0-9-]{2,32}$/, { message: 'port must be a port code' })
  port: string;
}

/** A slot as a firm sees it: what the board sees, and what this firm may still book there. */
export class FirmSlotDto extends SlotDto {
  @ApiProperty({
    description: 'places this firm may still book here: the free places, at most its share less what it holds',
  })
  availableToYou: number;
  @ApiProperty({
    description: "this firm's share of the slot (halved while it has more strikes than the port's limit)",
  })
  quota: number;
  @ApiProperty({ description: 'places this firm holds in the slot' }) held: number;
}

export class SentDriverCodeDto extends DriverCodeDto {
  @ApiProperty({ example: '+85620…45', description: 'the phone the text goes to, masked' })
  sentTo: string;
}
