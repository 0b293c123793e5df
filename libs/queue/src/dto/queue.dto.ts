import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsLatitude,
  IsLongitude,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  ValidateIf,
} from 'class-validator';
import { BOOKING_STATUSES, BookingStagesDto } from '@kouan/booking';
import { ApiNullableObject, ErrorBodyDto, FieldsTogether, IsPlate } from '@kouan/common';
import { ParkingDto } from '@kouan/parking';
import { LaneDto, DIRECTIONS, LANE_STATUSES } from '@kouan/ports';
import type { EtaReason } from '@kouan/realtime';

/** Every reason, checked by the compiler against the event type, so the document lists exactly those. */
const REASONS: Record<EtaReason, true> = {
  lane_paused: true,
  lane_closed: true,
  not_checked_in: true,
  called: true,
  completed: true,
  cancelled: true,
  no_show: true,
  reminder: true,
};
const ETA_REASONS = Object.keys(REASONS);

/**
 * Gate camera or staff: `{plate}`, `{reference}` or `{plate, bookingId}` (the officer's pick after a 409
 * ambiguous_plate). Exactly one of plate and reference; bookingId only with plate.
 */
export class GateCheckInDto {
  @ApiPropertyOptional({ example: '云K·12345', description: 'as read by the gate camera or typed by staff' })
  // Checked when given, and when reference is missing too: then the body lacks both.
  @ValidateIf((o: GateCheckInDto) => o.plate !== undefined || o.reference === undefined)
  @FieldsTogether(
    (o) => (o.plate === undefined) !== (o.reference === undefined),
    'give plate or reference, exactly one of them',
  )
  @IsPlate()
  plate?: string;

  @ApiPropertyOptional({ example: 'MOHAN-20261129-7K3F', description: 'the booking reference, instead of the plate' })
  @ValidateIf((o: GateCheckInDto) => o.reference !== undefined)
  @IsString()
  @Matches(/^[A-Za-z0-9-]{5,60}$/, { message: 'reference must look like MOHAN-20261129-7K3F' })
  reference?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'with plate: which of the bookings holding that plate (see 409 ambiguous_plate)',
  })
  @ValidateIf((o: GateCheckInDto) => o.bookingId !== undefined)
  @FieldsTogether((o) => o.plate !== undefined, 'bookingId goes with plate only')
  @IsUUID()
  bookingId?: string;
}

export class CheckInCandidateDto {
  @ApiProperty({ format: 'uuid' }) bookingId: string;
  @ApiProperty({ example: 'MOHAN-20261129-7K3F' }) reference: string;
  @ApiProperty({ example: 'Mekong Reefer Lines' }) firmName: string;
}

/** 409 ambiguous_plate: the plate is on bookings of more than one firm; check in again with one of them. */
export class CheckInConflictDto extends ErrorBodyDto {
  @ApiPropertyOptional({
    type: [CheckInCandidateDto],
    description: 'with ambiguous_plate: the bookings holding that plate today',
  })
  candidates?: CheckInCandidateDto[];
}

export class GeoCheckInDto {
  @ApiProperty({ example: 21.1831 }) @IsLatitude() lat: number;
  @ApiProperty({ example: 101.6829 }) @IsLongitude() lon: number;
}

export class CheckInResultDto {
  @ApiProperty({ format: 'uuid' }) bookingId: string;
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
  @ApiProperty({ format: 'uuid' }) bookingId: string;
  @ApiProperty() reference: string;
  @ApiProperty({ example: '云K12345' }) plate: string;
}

export class QueueEntryDto {
  @ApiProperty({ type: 'integer', description: 'place among waiting trucks, from 1' }) position: number;
  @ApiProperty({ example: '云K·***45' }) plateMasked: string;
  @ApiProperty({ enum: ['checked_in'] }) status: 'checked_in';
  @ApiProperty({ format: 'date-time' }) slotStartsAt: string;
  @ApiProperty({ description: 'in the green channel (perishable cargo)' }) priority: boolean;
}

export class CalledEntryDto {
  @ApiProperty({ format: 'uuid' }) laneId: string;
  @ApiProperty({ example: '云K·***45' }) plateMasked: string;
  @ApiProperty({ format: 'date-time' }) calledAt: string;
}

/** The public board of one port and direction: positions and masked plates only. */
export class LaneTimingDto {
  @ApiProperty({ enum: LANE_STATUSES }) status: string;
  @ApiProperty({ type: Number, nullable: true, description: 'median call-to-complete of its recent trucks, minutes' })
  medianMinutes: number | null;
}

export class QueueViewDto {
  @ApiProperty({ example: 'MOHAN' }) port: string;
  @ApiProperty({ enum: DIRECTIONS }) direction: string;
  @ApiProperty({ type: 'integer', description: 'grows with every change; queue:update carries the same' })
  version: number;
  @ApiProperty({ type: [LaneDto] }) lanes: LaneDto[];
  @ApiProperty({ type: [CalledEntryDto] }) called: CalledEntryDto[];
  @ApiProperty({ type: [QueueEntryDto], description: 'the waiting (checked_in) trucks in queue order' })
  entries: QueueEntryDto[];
  @ApiPropertyOptional({
    type: [LaneTimingDto],
    description:
      "the lanes' pace, in the order of lanes: a row's ETA is round(position / Σ over open lanes 1 / max(medianMinutes ?? defaultServiceMinutes, 0.5))",
  })
  timings?: LaneTimingDto[];
  @ApiPropertyOptional({ type: Number }) defaultServiceMinutes?: number;
}

/** Who a truck is and what staff need to deal with it (TruckDetails): on the staff view only, never the board's. */
class StaffTruckDto {
  @ApiProperty({ format: 'uuid' }) bookingId: string;
  @ApiProperty() reference: string;
  @ApiProperty({ example: '云K12345' }) plate: string;
  @ApiProperty({ example: 'Li Wei' }) driverName: string;
  @ApiProperty({ example: '+8613912345678' }) driverPhone: string;
  @ApiProperty({ example: 'Mekong Reefer Lines' }) firmName: string;
  @ApiProperty({ example: 'Fresh durians', description: 'the first 60 characters (the booking has the whole text)' })
  cargoDescription: string;
  @ApiProperty({ description: 'the cargo is declared perishable' }) perishable: boolean;
  @ApiProperty({
    description:
      "holds a green-channel place (perishable, within the slot's green share at check-in; lost at a skip); `priority` once its slot has started",
  })
  greenChannel: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when the truck checked in' })
  checkedInAt: string | null;
  @ApiProperty({
    type: BookingStagesDto,
    description: 'its stages so far (a waiting or called truck: completedAt and yardArrivedAt are null)',
  })
  stages: BookingStagesDto;
}

export class StaffQueueEntryDto extends IntersectionType(QueueEntryDto, StaffTruckDto) {}

export class StaffCalledEntryDto extends IntersectionType(CalledEntryDto, StaffTruckDto) {}

/** The staff view: the board plus booking, reference, whole plate and details of each truck. */
export class StaffQueueViewDto extends QueueViewDto {
  @ApiProperty({ type: [StaffCalledEntryDto] }) declare called: StaffCalledEntryDto[];
  @ApiProperty({ type: [StaffQueueEntryDto] }) declare entries: StaffQueueEntryDto[];
}

export class LaneRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class HoldingAreaRefDto {
  @ApiProperty() name: string;
  @ApiProperty() lat: number;
  @ApiProperty() lon: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "how to get there, in the driver's language (else en, else zh)",
  })
  directions: string | null;
}

export class TripFeeItemDto {
  @ApiProperty() code: string;
  @ApiProperty({ description: "in the driver's language (else English)" }) name: string;
  @ApiProperty() amount: number;
  @ApiProperty({ enum: ['per_truck', 'per_tonne'] }) unit: string;
}

export class TripFeesDto {
  @ApiProperty() version: number;
  @ApiProperty() currency: string;
  @ApiProperty() total: number;
  @ApiProperty({ type: [TripFeeItemDto] }) items: TripFeeItemDto[];
}

/** The truck's trip around its live state: what the page shows before check-in and while called. */
export class DriverTripDto {
  @ApiProperty() plate: string;
  @ApiProperty() portCode: string;
  @ApiProperty({
    example: '磨憨公路口岸',
    description: "in the driver's language where the port has a name in it (zh), else its own name",
  })
  portName: string;
  @ApiProperty({ enum: DIRECTIONS }) direction: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone: string;
  @ApiProperty({ description: "the slot's start, in the port's time zone" }) slotStartsAt: string;
  @ApiProperty() slotEndsAt: string;
  @ApiProperty({ description: 'check-in opens (earlyArrivalMinutes before the slot)' }) checkInFrom: string;
  @ApiProperty({ description: 'check-in closes (checkInGraceMinutes after the slot)' }) checkInUntil: string;
  @ApiProperty({ type: String, nullable: true }) calledAt: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'be at the lane by then or be put back (once), then marked no-show',
  })
  calledDeadline: string | null;
  @ApiProperty({ type: [HoldingAreaRefDto] }) holdingAreas: HoldingAreaRefDto[];
  @ApiNullableObject(TripFeesDto, {
    description: "the port's fees in force on the slot's day, as the booking carries them",
  })
  fees: TripFeesDto | null;
}

/** What the driver's phone shows: the same state as the last booking:update, and the trip around it. */
export class DriverBookingDto {
  @ApiProperty({ format: 'uuid' }) bookingId: string;
  @ApiProperty() reference: string;
  @ApiProperty({ enum: BOOKING_STATUSES }) status: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'place among waiting trucks, from 1; null unless checked_in',
  })
  position: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) etaMinutes: number | null;
  @ApiProperty({ enum: [...ETA_REASONS, null], nullable: true, type: String, description: 'why etaMinutes is null' })
  reason: EtaReason | null;
  @ApiNullableObject(ParkingDto) parking: ParkingDto | null;
  @ApiNullableObject(LaneRefDto, { description: 'the lane the truck is called to' }) lane: LaneRefDto | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when a lane camera saw the called truck at its lane; null otherwise',
  })
  atLaneAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: "in the driver's language" }) instructions: string | null;
  @ApiProperty({ type: DriverTripDto, description: 'only here, not in booking:update' }) trip: DriverTripDto;
}

export class CallNextDto {
  @ApiPropertyOptional({
    description:
      'call even though the far side is closed (export) or a closure incident is open; the call is audited as forced',
  })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}
