import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import { PerformanceQueryDto, PortPerformanceDto } from './dto/performance.dto';
import { PortPerformanceReport } from './port-performance-report';

/**
 * `GET /ports/performance`, made by the insights lib (PortPerformanceReport). PortsModule registers it before
 * PortsController, whose `GET /ports/:code` would otherwise take it for a port called PERFORMANCE; both are this
 * lib's, so that order is kept here and no other module's place in the API matters. The tag and operation id are
 * the ones it had when the insights lib declared it.
 */
@ApiTags('insights')
@Controller('ports/performance')
export class PortPerformanceController {
  constructor(private readonly report: PortPerformanceReport) {}

  @Get()
  @ApiOperation({ operationId: 'InsightsController_performance', summary: undefined })
  @Roles('port_admin', 'regulator')
  @ApiBearerAuth()
  @ApiOkResponse({ type: [PortPerformanceDto], description: 'every road port, ordered by code' })
  @ApiErrors({ 400: 'also bad_request when to is before from or more than 92 days after it' }, 401, {
    403: 'port staff, firm roles and drivers',
  })
  performance(@Query() q: PerformanceQueryDto): Promise<PortPerformanceDto[]> {
    return this.report.report(q);
  }
}
