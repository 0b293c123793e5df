import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors, PortCodePipe } from '@kouan/common';
import { GateReadDto, GateReadsQueryDto, ResolveReadDto } from './dto/gate-read.dto';
import { GateReviewService } from './gate-review.service';

@ApiTags('gate')
@ApiBearerAuth()
@Controller('ports/:code/gate-reads')
@Roles('port_admin', 'port_staff')
export class GateReadsController {
  constructor(private readonly review: GateReviewService) {}

  @Get()
  @ApiOkResponse({ type: [GateReadDto], description: 'newest first' })
  @ApiErrors(400, 401, 403, { 404: 'the port (a port_staff sees only its own)' })
  list(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Query() q: GateReadsQueryDto,
  ): Promise<GateReadDto[]> {
    return this.review.list(p, code, q);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOkResponse({ type: GateReadDto, description: 'the read, resolved' })
  @ApiErrors(
    400,
    401,
    403,
    { 404: 'the read or the port (a port_staff sees only its own); with check_in: no booking for the plate today' },
    {
      409: 'read_not_open (resolved already, or not unmatched, ambiguous or low_confidence); with check_in: already_checked_in, ambiguous_plate, illegal_transition',
    },
    413,
    { 422: 'with check_in: too_early, too_late, declaration_missing' },
  )
  resolve(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ResolveReadDto,
  ): Promise<GateReadDto> {
    return this.review.resolve(p, code, id, dto);
  }
}
