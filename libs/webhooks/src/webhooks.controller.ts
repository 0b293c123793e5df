import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors, PaginationQueryDto } from '@kouan/common';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  FailingWebhookDto,
  FailingWebhooksQueryDto,
  WebhookAttemptDto,
  WebhookDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
// A counterpart officer manages its port's far side's endpoints (counterpart.departure), as a firm admin its firm's.
@Roles('firm_admin', 'counterpart')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedWebhookDto, description: 'the secret is shown only here' })
  @ApiErrors(
    { 400: "bad url (https: outside development and test) or event types (or types not the caller's to ask for)" },
    401,
    403,
    { 409: 'too_many_endpoints: the firm (or far side) has 10 already' },
    413,
    {
      422: 'url_not_allowed: the host is or resolves to a loopback, private, link-local, CGNAT, multicast or reserved address',
    },
  )
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    return this.webhooks.create(p, dto);
  }

  @Get()
  @ApiOkResponse({
    type: [WebhookDto],
    description: 'oldest first; failingSince / disabledAt flag an endpoint in trouble',
  })
  @ApiErrors(400, 401, 403)
  list(@CurrentPrincipal() p: Principal, @Query() q: PaginationQueryDto): Promise<WebhookDto[]> {
    return this.webhooks.list(p, q);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(400, 401, 403, { 404: "not this firm's (or far side's) webhook" })
  remove(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.webhooks.remove(p, id);
  }

  @Get(':id/deliveries')
  @ApiOkResponse({ type: [WebhookAttemptDto], description: 'the latest attempts first' })
  @ApiErrors(400, 401, 403, { 404: "not this firm's (or far side's) webhook" })
  deliveries(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: PaginationQueryDto,
  ): Promise<WebhookAttemptDto[]> {
    return this.webhooks.deliveries(p, id, q);
  }
}

/** The port admins' view of every firm's endpoints: `/admin/webhooks`, this lib's prefix under the API's `/admin`. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('admin/webhooks')
@Roles('port_admin')
export class AdminWebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOkResponse({ type: [FailingWebhookDto], description: 'longest failing first' })
  @ApiErrors(400, 401, 403)
  failing(@Query() q: FailingWebhooksQueryDto): Promise<FailingWebhookDto[]> {
    return this.webhooks.failing(q);
  }
}
