import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/**
 * A delivery's body (`format: "standard"`): the event. `data` always has `bookingId, reference, status, portCode,
 * direction` for booking events, plus what each type adds (docs/events.md). A `format: "cloudevents"` endpoint gets
 * a CloudEvent 1.0 instead: `verifyWebhook<YourCloudEventType>(…)`.
 */
export interface KouanEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: { bookingId?: string; reference?: string; status?: string; portCode?: string; direction?: string } & Record<
    string,
    unknown
  >;
}

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Node's `req.headers`, a Fetch `Headers`, or any lower-case name → value map. */
export type WebhookHeaders = Headers | IncomingHttpHeaders | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** How far `webhook-timestamp` may be from the receiver's clock, either way (Standard Webhooks: 5 min). */
  toleranceSeconds?: number;
  /** The receiver's clock, ms since 1970 (default: the system's). */
  clock?: () => number;
}

const PREFIX = 'whsec_';

function header(headers: WebhookHeaders, name: string): string {
  const value = headers instanceof Headers ? headers.get(name) : headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (!first) throw new WebhookVerificationError(`missing ${name}`);
  return first;
}

/**
 * Verifies a delivery as the Standard Webhooks specification says, then parses it: `webhook-signature` holds
 * space-separated `v1,<base64 HMAC-SHA256>` of `"<webhook-id>.<webhook-timestamp>.<raw body>"`, keyed with the
 * base64-decoded part of the secret after `whsec_`; any one matching any of `secrets` (two while Kouan rotates the
 * endpoint's secret) is enough. A timestamp more than `toleranceSeconds` away is a replay. Pass the body's bytes as
 * they came, before any JSON parser. Throws `WebhookVerificationError`.
 */
export function verifyWebhook<T = KouanEvent>(
  secrets: string | readonly string[],
  headers: WebhookHeaders,
  rawBody: string | Uint8Array,
  options: VerifyOptions = {},
): T {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('webhook-timestamp is not unix seconds');
  const at = options.clock ? options.clock() : Date.now();
  if (Math.abs(at / 1000 - seconds) > (options.toleranceSeconds ?? 300))
    throw new WebhookVerificationError('webhook-timestamp too far from this clock');
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const given = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  const matches = [secrets].flat().some((secret) => {
    const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
    return given.some((g) => g.length === expected.length && timingSafeEqual(g, expected));
  });
  if (!matches) throw new WebhookVerificationError('no webhook-signature matches');
  return JSON.parse(body.toString('utf8')) as T;
}

export interface WebhookHandlerOptions<T> extends VerifyOptions {
  secret: string | readonly string[];
  /**
   * Called once a delivery is verified, with its `webhook-id` (the same on every attempt: a delivery can come twice,
   * deduplicate by it). Throwing answers 500, and Kouan tries again later.
   */
  onEvent: (event: T, id: string) => unknown;
  /** Larger bodies are refused with 413 unread (Kouan's are a few KiB). */
  maxBytes?: number;
}

/**
 * A `node:http` (or Express, before any body parser) request handler for Kouan's deliveries: reads the raw body,
 * verifies it (`verifyWebhook`), answers 401 when it is not Kouan's, 204 once `onEvent` has returned.
 */
export function webhookHandler<T = KouanEvent>(
  o: WebhookHandlerOptions<T>,
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = o.maxBytes ?? 1024 * 1024;
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        res.writeHead(413).end();
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      let event: T;
      try {
        event = verifyWebhook<T>(o.secret, req.headers, Buffer.concat(chunks), o);
      } catch {
        res.writeHead(401).end();
        return;
      }
      Promise.resolve()
        .then(() => o.onEvent(event, String(req.headers['webhook-id'])))
        .then(
          () => res.writeHead(204).end(),
          () => res.writeHead(500).end(),
        );
    });
  };
}
