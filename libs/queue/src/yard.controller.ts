import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors, PortCodePipe } from '@kouan/common';
import type { YardUpdate } from '@kouan/realtime';
import { QueueQueryDto } from './dto/queue.dto';
import { YardViewDto } from './dto/yard.dto';
import { YardService } from './yard.service';

/** The yard's view of a port: yard staff, and the port's staff and admins. */
@ApiTags('yard')
@ApiBearerAuth()
@Controller('ports/:code/yard')
export class YardController {
  constructor(private readonly yard: YardService) {}

  @Get()
  @Roles('yard_staff', 'port_staff', 'port_admin')
  @ApiOperation({
    summary:
      'The trucks the yard waits for, in call order, and the next ones in line with their ETAs (yard:update carries the same)',
  })
  @ApiOkResponse({ type: YardViewDto })
  @ApiErrors(
    400,
    401,
    { 403: 'firm roles, drivers and regulators' },
    { 404: 'the port (port and yard staff see only their own)' },
  )
  view(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Query() q: QueueQueryDto,
  ): Promise<YardUpdate> {
    return this.yard.view(p, code, q.direction);
  }
}
