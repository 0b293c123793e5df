import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import type { BookingUpdate } from '@kouan/realtime';
import { CheckInService } from './check-in.service';
import { CheckInResultDto, DriverBookingDto, DriverTripDto, GeoCheckInDto } from './dto/queue.dto';
import { QueueReadService } from './queue-read.service';

@ApiTags('driver')
@ApiBearerAuth()
@Controller('driver')
@Roles('driver')
export class DriverController {
  constructor(
    private readonly reader: QueueReadService,
    private readonly checkIns: CheckInService,
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
  @ApiErrors(400, 401, 403, 404, { 409: 'already_checked_in, illegal_transition' }, 413, {
    422: 'outside_geofence, too_early, too_late',
  })
  checkIn(@CurrentPrincipal() p: Principal, @Body() dto: GeoCheckInDto): Promise<CheckInResultDto> {
    return this.checkIns.byLocation(p, dto);
  }
}
