import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import { BookingLineActions } from './booking-line-actions';
import { StatusDto, YardArrivalDto } from './dto/booking.dto';

/**
 * Queue outcomes for a called truck, by port staff: routes of this lib's `/bookings`, done by the queue lib
 * (BookingLineActions). The class keeps its name and tag from when the queue lib declared it: the document's
 * operation ids and groups stay as clients know them.
 */
@ApiTags('queue')
@ApiBearerAuth()
@Controller('bookings/:id')
@Roles('port_staff', 'port_admin')
export class OutcomeController {
  constructor(private readonly line: BookingLineActions) {}

  @Post('complete')
  @HttpCode(200)
  @ApiOkResponse({ type: StatusDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'illegal_transition' })
  complete(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<StatusDto> {
    return this.line.complete(p, id);
  }

  @Post('skip')
  @HttpCode(200)
  @ApiOkResponse({ type: StatusDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'illegal_transition' })
  skip(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<StatusDto> {
    return this.line.skip(p, id);
  }

  @Post('no-show')
  @HttpCode(200)
  @ApiOkResponse({ type: StatusDto })
  @ApiErrors(400, 401, 403, 404, {
    409: 'illegal_transition; too_early: a booked truck before its check-in window closed (noShowFrom)',
  })
  noShow(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<StatusDto> {
    return this.line.noShow(p, id);
  }
}

/** The yard's confirmation, under this lib's `/bookings`, done by the queue lib (BookingLineActions). */
@ApiTags('yard')
@ApiBearerAuth()
@Controller('bookings/:id/yard-arrival')
export class YardArrivalController {
  constructor(private readonly line: BookingLineActions) {}

  @Post()
  @Roles('yard_staff', 'port_staff', 'port_admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The yard confirms a truck arrived: a called truck is completed too (its lane is free again); once only',
  })
  @ApiOkResponse({ type: YardArrivalDto })
  @ApiErrors(
    400,
    401,
    { 403: 'firm roles, drivers and regulators' },
    { 404: "the booking (port and yard staff see only their port's)" },
    {
      409: 'illegal_transition (never called, put back into the line, cancelled or a no-show: currentStatus), conflict (confirmed already: yardArrivedAt)',
    },
  )
  arrive(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<YardArrivalDto> {
    return this.line.yardArrival(p, id);
  }
}
