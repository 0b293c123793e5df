import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@kouan/audit';
import type { Principal } from '@kouan/auth';
import { BOOKING_EVENT_TYPES, seal } from '@kouan/booking';
import {
  Clock,
  DomainError,
  inTransaction,
  ipv4WrittenOddly,
  notFound,
  page,
  PaginationQueryDto,
  ReceiverNotAllowed,
  systemResolver,
  vetReceiver,
} from '@kouan/common';
import { AppConfig } from '@kouan/config';
import type {
  CreatedWebhookDto,
  CreateWebhookDto,
  FailingWebhookDto,
  WebhookAttemptDto,
  WebhookDto,
} from './dto/webhook.dto';
import { newWebhookSecret } from './signature';
import { COUNTERPART_DEPARTURE, EndpointOwner, EndpointRow, WebhooksRepository } from './webhooks.repository';

/** Endpoints a firm (or a port's far side) may have (contract): each costs the sender a share of its time. */
export const MAX_ENDPOINTS_PER_FIRM = 10;

/**
 * Whose endpoints `p` manages: a firm admin its firm's, a counterpart officer its port's far side's (which receive
 * `counterpart.departure` only, and a firm's never do).
 */
const ownerOf = (p: Principal): EndpointOwner =>
  p.role === 'counterpart'
    ? { firmId: null, portCode: p.portCode as string }
    : { firmId: p.firmId as string, portCode: null };

const ownEvents = (p: Principal): readonly string[] =>
  p.role === 'counterpart' ? [COUNTERPART_DEPARTURE] : BOOKING_EVENT_TYPES;

const toDto = (r: EndpointRow): WebhookDto => ({
  id: r.id,
  url: r.url,
  events: r.events,
  createdAt: r.created_at.toISOString(),
  failingSince: r.failing_since?.toISOString() ?? null,
  disabledAt: r.disabled_at?.toISOString() ?? null,
  lastSuccessAt: r.last_success_at?.toISOString() ?? null,
});

/**
 * What the audit trail keeps of an endpoint: its owner (`firmId`, or `portCode` for a far side's), never its secret,
 * nor the URL's query (receivers put tokens there).
 */
function audited(r: EndpointRow | EndpointOwner) {
  if (!('url' in r)) return r.firmId ? { firmId: r.firmId } : { portCode: r.portCode };
  const url = new URL(r.url);
  return { id: r.id, url: `${url.origin}${url.pathname}`, events: r.events };
}

/**
 * Webhook endpoints of a firm (firm_admin) or of a port's far side (counterpart): register, list, remove, and the log
 * of their deliveries.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: WebhooksRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async create(p: Principal, dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    const allowed = ownEvents(p);
    const foreign = dto.events.filter((e) => !allowed.includes(e));
    if (foreign.length)
      throw new DomainError('bad_request', `events must be among ${allowed.join(', ')} (not ${foreign.join(', ')})`);
    const url = await this.receiverUrl(dto.url);
    const secret = newWebhookSecret();
    const owner = ownerOf(p);
    const row = await inTransaction(this.ds, async (em) => {
      const created = await this.repo.createWithin(
        em,
        MAX_ENDPOINTS_PER_FIRM,
        owner,
        url,
        dto.events,
        seal(this.config.env.jwtSecret, secret),
        this.clock.now(),
      );
      if (!created)
        throw new DomainError(
          'too_many_endpoints',
          `a firm or far side has at most ${MAX_ENDPOINTS_PER_FIRM} webhook endpoints; remove one first`,
        );
      await this.audit.record(em, {
        type: 'webhook.created',
        portCode: owner.portCode,
        data: { ...audited(owner), ...audited(created) },
      });
      return created;
    });
    return { ...toDto(row), secret };
  }

  async list(p: Principal, q: PaginationQueryDto): Promise<WebhookDto[]> {
    return (await this.repo.list(ownerOf(p), page(q).limit, page(q).offset)).map(toDto);
  }

  /** Every firm's failing or disabled endpoints, for the port admins. */
  async failing(q: PaginationQueryDto): Promise<FailingWebhookDto[]> {
    const { limit, offset } = page(q);
    return (await this.repo.failing(limit, offset)).map((r) => {
      const url = new URL(r.url);
      return {
        id: r.id,
        firmId: r.firm_id,
        firmName: r.firm_name,
        url: `${url.origin}${url.pathname}`,
        lastError: r.last_error,
        lastErrorAt: r.last_error_at?.toISOString() ?? null,
        failingSince: r.failing_since?.toISOString() ?? null,
        disabledAt: r.disabled_at?.toISOString() ?? null,
      };
    });
  }

  async remove(p: Principal, id: string): Promise<void> {
    const owner = ownerOf(p);
    await inTransaction(this.ds, async (em) => {
      const removed = await this.repo.remove(em, owner, id);
      if (!removed) throw notFound('webhook');
      await this.audit.record(em, {
        type: 'webhook.deleted',
        portCode: owner.portCode,
        data: { ...audited(owner), ...audited(removed) },
      });
    });
  }

  async deliveries(p: Principal, id: string, q: PaginationQueryDto): Promise<WebhookAttemptDto[]> {
    if (!(await this.repo.exists(ownerOf(p), id))) throw notFound('webhook');
    return (await this.repo.attempts(id, page(q).limit, page(q).offset)).map((a) => ({
      eventId: a.event_id,
      type: a.type,
      attempt: a.attempt,
      status: a.status_code,
      outcome: a.delivered ? 'delivered' : 'failed',
      error: a.error,
      at: a.at.toISOString(),
    }));
  }

  /**
   * https: only, outside development and test (contract); no credentials in the URL (they would be logged). Its host
   * must be a public address, or a name whose every address is public (checked again at each delivery), unless
   * WEBHOOK_ALLOW_PRIVATE: a firm must not make the worker call into the network it runs in.
   */
  private async receiverUrl(raw: string): Promise<string> {
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
    if (!this.config.env.webhookAllowPrivate) {
      if (ipv4WrittenOddly(raw, url))
        throw new DomainError('url_not_allowed', 'write an IPv4 address as four decimal numbers');
      try {
        await vetReceiver(url, { allowPrivate: false, resolve: systemResolver });
      } catch (e) {
        if (!(e instanceof ReceiverNotAllowed)) throw e;
        throw new DomainError(
          'url_not_allowed',
          'url must reach a public address: its host is or resolves to a private, loopback or reserved one, or does not resolve',
        );
      }
    }
    return url.toString();
  }
}
