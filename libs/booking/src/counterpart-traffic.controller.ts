import { Body, Controller, Get, HttpCode, Param, ParseArrayPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors, CursorQueryDto, PortCodePipe } from '@kouan/common';
import { ArrivalDto, ArrivalsAcceptedDto, DeparturesPageDto } from './dto/counterpart-traffic.dto';
import { CounterpartTraffic, MAX_ARRIVALS } from './counterpart-traffic.service';

/**
 * Trucks announced before they cross, both ways (docs/counterpart.md, "Departures and arrivals"): our export
 * departures for the far side, and the far side's trucks on their way to us. Under the ports lib's
 * `/ports/:code/counterpart` prefix; this lib owns `…/departures` and `…/arrivals` (it owns the bookings they are).
 */
@ApiTags('counterpart')
@ApiBearerAuth()
@Controller('ports/:code/counterpart')
export class CounterpartTrafficController {
  constructor(private readonly traffic: CounterpartTraffic) {}

  @Get('departures')
  @Roles('counterpart', 'port_admin', 'port_staff')
  @ApiOkResponse({
    type: DeparturesPageDto,
    description:
      "every truck that completed our export lane, oldest first, with whole plates (the far side's customs needs them)",
  })
  @ApiErrors(
    { 400: 'bad limit, or an after that is not a next this feed gave' },
    401,
    { 403: "anyone but this port's counterpart, staff and admins" },
    { 404: 'the port (another port, for a counterpart or port staff)' },
  )
  departures(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Query() q: CursorQueryDto,
  ): Promise<DeparturesPageDto> {
    return this.traffic.departures(p, code, q);
  }

  @Post('arrivals')
  @Roles('counterpart')
  @HttpCode(202)
  @ApiBody({ type: [ArrivalDto], description: `1 to ${MAX_ARRIVALS} trucks that left the far side towards this port` })
  @ApiAcceptedResponse({ type: ArrivalsAcceptedDto })
  @ApiErrors(
    { 400: `not an array of 1 to ${MAX_ARRIVALS} trucks, a bad plate or date, or a departure in the future` },
    401,
    { 403: "anyone but this port's counterpart" },
    { 404: 'another port' },
    413,
  )
  arrivals(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Body(
      new ParseArrayPipe({ items: ArrivalDto, whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }),
    )
    trucks: ArrivalDto[],
  ): Promise<ArrivalsAcceptedDto> {
    return this.traffic.announce(p, code, trucks);
  }
}
