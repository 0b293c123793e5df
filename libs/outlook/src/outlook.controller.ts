import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors, PortCodePipe } from '@kouan/common';
import { CapacitySuggestionDto, OutlookDto, OutlookQueryDto } from './dto/outlook.dto';
import { OutlookService } from './outlook.service';

/** The rest of a port's day from its live queue, `/ports/:code/outlook` (this lib's prefix). */
@ApiTags('outlook')
@Controller('ports/:code/outlook')
export class OutlookController {
  constructor(private readonly outlooks: OutlookService) {}

  @Get()
  @Roles('port_admin', 'port_staff')
  @ApiBearerAuth()
  @ApiOkResponse({ type: OutlookDto })
  @ApiErrors(
    { 400: 'direction missing or not export/import; lanes, serviceMinutes, capacity or pause out of range' },
    401,
    { 403: 'regulators, firm roles and drivers' },
    { 404: 'the port (a port_staff sees only its own), or a port without a schedule' },
  )
  outlook(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Query() q: OutlookQueryDto,
  ): Promise<OutlookDto> {
    return this.outlooks.outlook(p, code, q);
  }

  @Get('capacity')
  @Roles('port_admin')
  @ApiBearerAuth()
  @ApiOkResponse({ type: CapacitySuggestionDto })
  @ApiErrors(
    { 400: 'a malformed port code' },
    401,
    { 403: 'all but port admins' },
    { 404: 'the port, or a port without a schedule' },
  )
  capacity(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
  ): Promise<CapacitySuggestionDto> {
    return this.outlooks.capacity(p, code);
  }
}
