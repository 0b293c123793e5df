import { Injectable } from '@nestjs/common';
import type { Principal } from '@kouan/auth';
import { seal } from '@kouan/booking/secrets';
import { DomainError, notFound, page, PaginationQueryDto } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import type { CreatedWebhookDto, CreateWebhookDto, WebhookAttemptDto, WebhookDto } from './dto/webhook.dto';
import { newWebhookSecret } from './signature';
import { EndpointRow, WebhooksRepository } from './webhooks.repository';

const toDto = (r: EndpointRow): WebhookDto => ({
  id: r.id, url: r.url, events: r.events, createdAt: r.created_at.toISOString(),
  failingSince: r.failing_since?.toISOString() ?? null, disabledAt: r.disabled_at?.toISOString() ?? null,
  lastSuccessAt: r.last_success_at?.toISOString() ?? null,
});

/** A firm's webhook endpoints (firm_admin): register, list, remove, and the log of their deliveries. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly config: AppConfig,
  ) {}

  async create(p: Principal, dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    const url = this.receiverUrl(dto.url);
    const secret = newWebhookSecret();
    const row = await this.repo.create(p.firmId as string, url, dto.events, seal(this.config.env.jwtSecret, secret));
    return { ...toDto(row), secret };
  }

  async list(p: Principal, q: PaginationQueryDto): Promise<WebhookDto[]> {
    return (await this.repo.list(p.firmId as string, page(q).limit, page(q).offset)).map(toDto);
  }

  async remove(p: Principal, id: string): Promise<void> {
    if (!(await this.repo.remove(p.firmId as string, id))) throw notFound('webhook');
  }

  async deliveries(p: Principal, id: string, q: PaginationQueryDto): Promise<WebhookAttemptDto[]> {
    if (!(await this.repo.exists(p.firmId as string, id))) throw notFound('webhook');
    return (await this.repo.attempts(id, page(q).limit, page(q).offset)).map((a) => ({
      eventId: a.event_id, type: a.type, attempt: a.attempt, status: a.status_code, outcome: a.delivered ? 'delivered' : 'failed',
      error: a.error, at: a.at.toISOString(),
    }));
  }

  /** https: only, outside development and test (contract); no credentials in the URL (they would be logged). */
  private receiverUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DomainError('bad_request', 'url must be an absolute URL');
    }
    const plainAllowed = this.config.env.nodeEnv !== 'production';
    if (url.protocol !== 'https:' && !(plainAllowed && url.protocol === 'http:')) {
      throw new DomainError('bad_request', plainAllowed ? 'url must be http: or https:' : 'url must be https:');
    }
    if (url.username || url.password) throw new DomainError('bad_request', 'url must not carry a user or password');
    return url.toString();
  }
}
