import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors, PortCodePipe } from '@kouan/common';
import { ForecastDto, ForecastQueryDto } from './dto/forecast.dto';
import { ForecastService } from './forecast.service';

/** A port's forecast, `/ports/:code/forecast` (this lib's prefix). */
@ApiTags('insights')
@Controller('ports/:code/forecast')
export class ForecastController {
  constructor(private readonly forecasts: ForecastService) {}

  @Get()
  // The document's id (and no summary) from before the split into one controller per prefix: clients keep their names.
  @ApiOperation({ operationId: 'InsightsController_forecast', summary: undefined })
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
