import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors, PortCodePipe } from '@kouan/common';
import { GateReadDto, GateReadListItemDto, GateReadsQueryDto, ResolveReadDto } from './dto/gate-read.dto';
import { KEPT_IMAGE_TYPES } from './isapi';
import { GateReviewService } from './gate-review.service';

@ApiTags('gate')
@ApiBearerAuth()
@Controller('ports/:code/gate-reads')
@Roles('port_admin', 'port_staff')
export class GateReadsController {
  constructor(private readonly review: GateReviewService) {}

  @Get()
  @ApiOkResponse({ type: [GateReadListItemDto], description: 'newest first' })
  @ApiErrors(400, 401, 403, { 404: 'the port (a port_staff sees only its own)' })
  list(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Query() q: GateReadsQueryDto,
  ): Promise<GateReadListItemDto[]> {
    return this.review.list(p, code, q);
  }

  @Get(':id/image')
  @ApiOkResponse({
    description: "the read's plate picture, as the camera sent it (kept where the port's schedule says keepGateImages)",
    content: Object.fromEntries(KEPT_IMAGE_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
  })
  @ApiErrors(400, 401, 403, {
    404: 'the read, or its picture (none kept), or the port (a port_staff sees only its own)',
  })
  async image(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<StreamableFile> {
    const image = await this.review.image(p, code, id);
    return new StreamableFile(image.bytes, { type: image.content_type, length: image.bytes.length });
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
