import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import { StandingDto, StandingQueryDto, WaiveDto, WaiverDto } from './dto/strikes.dto';
import { StrikesService } from './strikes.service';

/** Waiving a no-show, `/bookings/:id/waive`, under this lib's prefix `/bookings`. */
@ApiTags('strikes')
@ApiBearerAuth()
@Controller('bookings')
export class StrikesController {
  constructor(private readonly strikes: StrikesService) {}

  @Post(':id/waive')
  @Roles('port_staff', 'port_admin')
  @HttpCode(200)
  @ApiOkResponse({ type: WaiverDto, description: 'the no-show no longer counts as a strike; its status stays no_show' })
  @ApiErrors(
    400,
    401,
    403,
    { 404: "the booking (port staff see only their port's)" },
    {
      409: 'not_no_show (only a no-show can be waived), already_waived',
    },
    413,
  )
  waive(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: WaiveDto,
  ): Promise<WaiverDto> {
    return this.strikes.waive(p, id, dto.reason);
  }
}

/** A firm's standing, `/firms/:id/standing`: this lib's prefix under the firms lib's `/firms` (strikes are bookings'). */
@ApiTags('strikes')
@ApiBearerAuth()
@Controller('firms/:id/standing')
export class StandingController {
  constructor(private readonly strikes: StrikesService) {}

  @Get()
  // The document's id (and no summary) from before the split into one controller per prefix: clients keep their names.
  @ApiOperation({ operationId: 'StrikesController_standing', summary: undefined })
  @Roles('port_admin', 'firm_admin', 'dispatcher')
  @ApiOkResponse({ type: StandingDto })
  @ApiErrors(400, 401, 403, {
    404: 'the firm (firm users see only their own), or the port of ?port= (or its schedule)',
  })
  standing(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: StandingQueryDto,
  ): Promise<StandingDto> {
    return this.strikes.standing(p, id, q.port);
  }
}
