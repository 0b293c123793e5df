import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@kouan/auth';
import { ApiErrors, PaginationQueryDto } from '@kouan/common';
import { DeadLetterDto, DeadLetterParams, DeadLetters } from './dead-letters';

/** Outbox events a relay consumer could not take (docs/events.md#dead-letters), for the port admin. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('admin/dead-letters')
@Roles('port_admin')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get()
  @ApiOkResponse({ type: [DeadLetterDto], description: 'oldest first' })
  @ApiErrors(400, 401, { 403: 'anyone but a port admin' })
  list(@Query() q: PaginationQueryDto): Promise<DeadLetterDto[]> {
    return this.deadLetters.list(q);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: DeadLetterDto,
    description: 'the relay hands the event to the consumer again within moments; the dead letter goes once it took it',
  })
  @ApiErrors({ 400: 'id is not a positive integer' }, 401, {
    403: 'anyone but a port admin',
    404: 'no such dead letter',
  })
  replay(@Param() p: DeadLetterParams): Promise<DeadLetterDto> {
    return this.deadLetters.replay(p.id);
  }
}
