import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@kouan/auth';
import { ApiErrors, PortCodePipe } from '@kouan/common';
import { LinkStatusDto } from './dto/link-status.dto';
import { LinkStatusService } from './link-status.service';

/** The link of a port with the far side's Kouan, as its port admin watches it. */
@ApiTags('counterpart')
@ApiBearerAuth()
@Controller('ports/:code/counterpart/link')
export class LinkController {
  constructor(private readonly status: LinkStatusService) {}

  @Get()
  @Roles('port_admin')
  @ApiOkResponse({ type: LinkStatusDto })
  @ApiErrors(400, 401, 403, 404)
  get(@Param('code', PortCodePipe) code: string): Promise<LinkStatusDto> {
    return this.status.of(code);
  }
}
