import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors, PortCodePipe } from '@kouan/common';
import { ForecastDto, ForecastQueryDto } from './dto/forecast.dto';
import { PerformanceQueryDto, PortPerformanceDto } from './dto/performance.dto';
import { ForecastService } from './forecast.service';
import { PerformanceService } from './performance.service';

/**
 * Registered before PortsController (InsightsModule comes before PortsModule in ApiModule's imports): otherwise
 * `GET /ports/:code` would take `/ports/performance` for a port called PERFORMANCE.
 */
@ApiTags('insights')
@Controller('ports')
export class InsightsController {
  constructor(
    private readonly forecasts: ForecastService,
    private readonly performances: PerformanceService,
  ) {}

  @Get('performance')
  @Roles('port_admin', 'regulator')
  @ApiBearerAuth()
  @ApiOkResponse({ type: [PortPerformanceDto], description: 'every road port, ordered by code' })
  @ApiErrors({ 400: 'also bad_request when to is before from or more than 92 days after it' }, 401, {
    403: 'port staff, firm roles and drivers',
  })
  performance(@Query() q: PerformanceQueryDto): Promise<PortPerformanceDto[]> {
    return this.performances.report(q);
  }

  @Get(':code/forecast')
  @Roles('port_admin', 'port_staff')
  @ApiBearerAuth()
  @ApiOkResponse({ type: ForecastDto })
  @ApiErrors(
    { 400: 'also bad_request when date is not a real date' },
    401,
    { 403: 'regulators, firm roles and drivers' },
    {
      404: 'the port (a port_staff sees only its own), or a port without a schedule',
    },
  )
  forecast(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Query() q: ForecastQueryDto,
  ): Promise<ForecastDto> {
    return this.forecasts.forecast(p, code, q);
  }
}
