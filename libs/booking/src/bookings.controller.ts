import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiGoneResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiResponse,
  ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, LoginAttempt, Principal, Public, Roles } from '@kouan/auth';
import { BookingService } from './booking.service';
import { IdempotencyKey } from './idempotency-key.decorator';
import { DriverSessionService } from './driver-session.service';
import {
  BookingDto, CreateBookingDto, CreatedBookingDto, DriverCodeDto, DriverSessionDto, DriverSessionTokenDto, ListBookingsQueryDto, RescheduleDto,
  StatusDto,
} from './dto/booking.dto';

@ApiTags('bookings')
@ApiBearerAuth()
@Controller('bookings')
@Roles('firm_admin', 'dispatcher')
export class BookingsController {
  constructor(
    private readonly bookings: BookingService,
    private readonly sessions: DriverSessionService,
  ) {}

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

  @Post(':id/driver-code')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: DriverCodeDto, description: 'a new driver code; the old one stops working and unlocks the reference' })
  @ApiNotFoundResponse({ description: 'no such booking in your firm' })
  @ApiGoneResponse({ description: 'booking_closed: the booking is cancelled, completed or no_show' })
  reissueDriverCode(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DriverCodeDto> {
    return this.sessions.reissue(p, id);
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
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: DriverSessionTokenDto })
  @ApiUnauthorizedResponse({ description: 'wrong reference or driver code (each wrong code counts)' })
  @ApiGoneResponse({ description: 'booking_closed: the booking is cancelled, completed or no_show' })
  @ApiTooManyRequestsResponse({ description: '10 wrong codes for this reference within the hour (also with the right code), or too many attempts' })
  @ApiResponse({ status: HttpStatus.LOCKED, description: 'locked: 30 wrong codes; the firm must issue a new code' })
  open(@Body() dto: DriverSessionDto): Promise<DriverSessionTokenDto> {
    return this.sessions.open(dto);
  }

  @Post('session/refresh')
  @Roles('driver')
  @ApiBearerAuth()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: DriverSessionTokenDto })
  @ApiUnauthorizedResponse({ description: 'missing, invalid or expired driver token' })
  @ApiGoneResponse({ description: 'booking_closed: the booking is cancelled, completed or no_show' })
  refresh(@CurrentPrincipal() p: Principal): Promise<DriverSessionTokenDto> {
    return this.sessions.refresh(p);
  }
}
