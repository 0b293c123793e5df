import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, LoginThrottleGuard, Principal, Public, Roles } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import { BookingService } from './booking.service';
import { IdempotencyKey } from './idempotency-key.decorator';
import { DriverSessionService } from './driver-session.service';
import {
  AccessTokenDto, BookingDto, CreateBookingDto, CreatedBookingDto, DriverSessionDto, ListBookingsQueryDto, RescheduleDto, StatusDto,
} from './dto/booking.dto';

@ApiTags('bookings')
@ApiBearerAuth()
@Controller('bookings')
@Roles('firm_admin', 'dispatcher')
export class BookingsController {
  constructor(private readonly bookings: BookingService) {}

  @Post()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same key and body → the first answer again' })
  @ApiCreatedResponse({ type: CreatedBookingDto })
  @ApiErrors(400, 401, 403, { 404: 'slot, vehicle or driver (of the firm)' }, {
    409: 'slot_full, quota_exceeded, vehicle_busy, slot_unavailable, conflict (the same Idempotency-Key still in flight)',
  }, 413, { 422: 'slot_past, outside_horizon, idempotency_mismatch' })
  create(
    @CurrentPrincipal() p: Principal,
    @Body() dto: CreateBookingDto,
    @IdempotencyKey() key?: string,
  ): Promise<CreatedBookingDto> {
    return this.bookings.create(p, dto, key);
  }

  @Get()
  @ApiOkResponse({ type: [BookingDto], description: 'ordered by slot start, then creation' })
  @ApiErrors(400, 401, 403)
  list(@CurrentPrincipal() p: Principal, @Query() q: ListBookingsQueryDto): Promise<BookingDto[]> {
    return this.bookings.list(p, q);
  }

  @Get(':id')
  @ApiOkResponse({ type: BookingDto })
  @ApiErrors(400, 401, 403, 404)
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<BookingDto> {
    return this.bookings.get(p, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: StatusDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'illegal_transition' })
  cancel(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<StatusDto> {
    return this.bookings.cancel(p, id);
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  @ApiOkResponse({ type: BookingDto })
  @ApiErrors(400, 401, 403, { 404: 'booking or slot' }, {
    409: 'same_slot, illegal_transition, slot_full, quota_exceeded, vehicle_busy, slot_unavailable',
  }, 413, { 422: 'wrong_port_or_direction, slot_past, outside_horizon' })
  reschedule(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RescheduleDto,
  ): Promise<BookingDto> {
    return this.bookings.reschedule(p, id, dto.slotId);
  }
}

@ApiTags('driver')
@Controller('driver')
export class DriverSessionController {
  constructor(private readonly sessions: DriverSessionService) {}

  @Post('session')
  @Public()
  @UseGuards(LoginThrottleGuard)
  @HttpCode(200)
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiErrors(400, { 401: 'wrong reference or driver code' }, 413, 429, 503)
  open(@Body() dto: DriverSessionDto): Promise<AccessTokenDto> {
    return this.sessions.open(dto);
  }
}
