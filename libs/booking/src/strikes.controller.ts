import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import { StandingDto, StandingQueryDto, WaiveDto, WaiverDto } from './dto/strikes.dto';
import { StrikesService } from './strikes.service';

@ApiTags('strikes')
@ApiBearerAuth()
@Controller()
export class StrikesController {
  constructor(private readonly strikes: StrikesService) {}

  @Post('bookings/:id/waive')
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

  @Get('firms/:id/standing')
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
