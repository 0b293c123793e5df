import { Body, Controller, Delete, Get, Header, HttpCode, Ip, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, LoginAttempt, Principal, Public, Roles } from '@kouan/auth';
import { DriverSessionDto, DriverSessionService, DriverSessionTokenDto } from '@kouan/booking';
import { ApiErrors } from '@kouan/common';
import type { BookingUpdate } from '@kouan/realtime';
import { CheckInService } from './check-in.service';
import { DriverPushSubscriptions } from './driver-push';
import { PushKeyDto, PushSubscriptionDto } from './dto/push.dto';
import { CheckInResultDto, DriverBookingDto, DriverTripDto, GeoCheckInDto } from './dto/queue.dto';
import { QueueReadService } from './queue-read.service';

/**
 * The driver page's API, `/driver` (this lib owns the prefix): signing in with the booking's code and refreshing
 * (the booking lib's DriverSessionService), the booking with its place in the line, checking in on arrival, and the
 * page's Web Push subscription (the notify lib's, through DriverPushSubscriptions).
 * Two classes for their different class-level guards and documentation; one prefix, one lib.
 */
@ApiTags('driver')
@ApiBearerAuth()
@Controller('driver')
@Roles('driver')
export class DriverController {
  constructor(
    private readonly reader: QueueReadService,
    private readonly checkIns: CheckInService,
    private readonly push: DriverPushSubscriptions,
  ) {}

  /** The same state as the last booking:update, and the trip around it (slot, windows, holding areas, call deadline). */
  @Get('booking')
  @ApiOkResponse({ type: DriverBookingDto })
  @ApiErrors(401, 403, 404)
  async booking(@CurrentPrincipal() p: Principal): Promise<BookingUpdate & { trip: DriverTripDto }> {
    const {
      portCode: _port,
      direction: _direction,
      ...update
    } = await this.reader.bookingUpdate(p.bookingId as string);
    return { ...update, trip: await this.reader.trip(p.bookingId as string) };
  }

  @Post('check-in')
  @HttpCode(200)
  @ApiOkResponse({ type: CheckInResultDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'already_checked_in, illegal_transition, phone_check_in_off' }, 413, {
    422: 'outside_geofence, too_early, too_late',
  })
  checkIn(@CurrentPrincipal() p: Principal, @Body() dto: GeoCheckInDto): Promise<CheckInResultDto> {
    return this.checkIns.byLocation(p, dto);
  }

  @Get('push/key')
  @ApiOkResponse({ type: PushKeyDto })
  @ApiErrors(401, 403)
  pushKey(): PushKeyDto {
    return this.push.key();
  }

  /** Tell me when I'm called, even with the page closed: one subscription per booking, a new one replaces it. */
  @Put('push-subscription')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'stored' })
  @ApiErrors(
    {
      400: 'bad_request: not a push subscription (endpoint an https URL, keys.p256dh a P-256 point, keys.auth 16 bytes)',
    },
    401,
    403,
    { 404: 'not_found: Web Push is off on this server' },
    { 410: 'booking_closed: the booking is cancelled, completed or no_show' },
    413,
    { 422: 'url_not_allowed: the endpoint is or resolves to an address that is not public' },
  )
  subscribe(@CurrentPrincipal() p: Principal, @Body() dto: PushSubscriptionDto): Promise<void> {
    return this.push.subscribe(p, dto);
  }

  @Delete('push-subscription')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'forgotten (or there was none)' })
  @ApiErrors(401, 403)
  unsubscribe(@CurrentPrincipal() p: Principal): Promise<void> {
    return this.push.unsubscribe(p);
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
  @ApiErrors(
    400,
    { 401: 'wrong reference or driver code (each wrong code counts; an unknown reference answers as a known one)' },
    {
      410: 'booking_closed: the booking is cancelled, completed or no_show',
    },
    413,
    { 423: 'locked: 30 wrong codes for this reference from all addresses; the firm must issue a new code' },
    {
      429: 'too_many_requests: 10 wrong codes for this reference from this address within the hour (also with the right code), or too many sign-ins from this address',
    },
    { 503: 'unavailable: the rate limiter (Redis) cannot be reached' },
  )
  open(@Body() dto: DriverSessionDto, @Ip() address: string): Promise<DriverSessionTokenDto> {
    return this.sessions.open(dto, address);
  }

  @Post('session/refresh')
  @Roles('driver')
  @ApiBearerAuth()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: DriverSessionTokenDto })
  @ApiErrors({ 401: 'missing, invalid or expired driver token, or one of a code the firm has since replaced' }, 403, {
    410: 'booking_closed: the booking is cancelled, completed or no_show',
  })
  refresh(@CurrentPrincipal() p: Principal): Promise<DriverSessionTokenDto> {
    return this.sessions.refresh(p);
  }
}
