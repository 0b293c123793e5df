import { Controller, Header, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import { DriverCodeCourier } from './driver-code-courier';
import { DriverSessionService } from './driver-session.service';
import { SentDriverCodeDto } from './dto/booking.dto';

/** The phone's digits but the first four and the last two: enough for a dispatcher to recognise it. */
const masked = (phone: string) => `${phone.slice(0, 4)}…${phone.slice(-2)}`;

/**
 * `POST /bookings/:id/driver-code/send`: a new driver code texted to the booking's driver. The texting is the notify
 * lib's (DriverCodeCourier); without its provider the API does not boot.
 */
@ApiTags('bookings')
@ApiBearerAuth()
@Controller('bookings')
@Roles('firm_admin', 'dispatcher')
export class DriverCodeController {
  constructor(
    private readonly sessions: DriverSessionService,
    private readonly courier: DriverCodeCourier,
  ) {}

  @Post(':id/driver-code/send')
  @HttpCode(202)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      "A new driver code, texted to the booking's driver with the sign-in link; the old code stops working as with POST /bookings/:id/driver-code",
  })
  @ApiAcceptedResponse({ type: SentDriverCodeDto, description: 'the new code; the text is queued' })
  @ApiErrors(
    400,
    401,
    403,
    { 404: 'no such booking in your firm' },
    { 410: 'booking_closed: the booking is cancelled, completed or no_show' },
    { 422: "no_phone: the driver's phone cannot be texted" },
    { 429: 'too_many_requests: 3 texts an hour per booking; retryAt says when the next may go' },
    { 503: 'unavailable: text messages are not among NOTIFY_CHANNELS' },
  )
  async send(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<SentDriverCodeDto> {
    const r = await this.sessions.reissue(p, id, (em, code, at) => this.courier.queue(em, id, code, at));
    return { driverCode: r.driverCode, sentTo: masked(r.also as string) };
  }
}
