import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, LoginAttempt, Principal, Public, Roles } from '@kouan/auth';
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
  @ApiConflictResponse({ description: 'slot_full, quota_exceeded, vehicle_busy, slot_unavailable' })
  @ApiUnprocessableEntityResponse({ description: 'slot_past, outside_horizon, idempotency_mismatch' })
  create(
    @CurrentPrincipal() p: Principal,
    @Body() dto: CreateBookingDto,
    @IdempotencyKey() key?: string,
  ): Promise<CreatedBookingDto> {
    return this.bookings.create(p, dto, key);
  }

  @Get()
  @ApiOkResponse({ type: [BookingDto] })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListBookingsQueryDto): Promise<BookingDto[]> {
    return this.bookings.list(p, q);
  }

  @Get(':id')
  @ApiOkResponse({ type: BookingDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<BookingDto> {
    return this.bookings.get(p, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: StatusDto })
  cancel(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<StatusDto> {
    return this.bookings.cancel(p, id);
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  @ApiOkResponse({ type: BookingDto })
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
  @LoginAttempt('driver-code')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessTokenDto })
  open(@Body() dto: DriverSessionDto): Promise<AccessTokenDto> {
    return this.sessions.open(dto);
  }
}
