import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors, PortCodePipe } from '@kouan/common';
import { IncidentDto, OpenIncidentDto } from './dto/incident.dto';
import { IncidentsService } from './incidents.service';

/**
 * Incidents at a port (issue 20, coordinated emergency response): its staff open and close them; the port's far side
 * (role `counterpart`) reads them. An open `closure` stops the port's calls until it is closed.
 */
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('ports/:code/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @Roles('port_staff', 'port_admin')
  @ApiCreatedResponse({ type: IncidentDto })
  @ApiErrors(
    { 400: 'bad input, or until not later than now' },
    401,
    { 403: 'anyone but port staff or a port admin' },
    { 404: 'the port (another port, for its staff)' },
    413,
  )
  open(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Body() dto: OpenIncidentDto,
  ): Promise<IncidentDto> {
    return this.incidents.open(p, code, dto);
  }

  @Post(':id/close')
  @Roles('port_staff', 'port_admin')
  @HttpCode(200)
  @ApiOkResponse({ type: IncidentDto, description: 'the incident closed' })
  @ApiErrors(
    400,
    401,
    { 403: 'anyone but port staff or a port admin' },
    { 404: 'the port, or no open incident of it by that id' },
  )
  close(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<IncidentDto> {
    return this.incidents.close(p, code, id);
  }

  @Get()
  @Roles('port_staff', 'port_admin', 'counterpart')
  @ApiOkResponse({ type: [IncidentDto], description: "the port's open incidents, oldest first" })
  @ApiErrors(400, 401, { 403: "anyone but the port's staff, a port admin or its counterpart" }, 404)
  list(@CurrentPrincipal() p: Principal, @Param('code', PortCodePipe) code: string): Promise<IncidentDto[]> {
    return this.incidents.list(p, code);
  }
}
