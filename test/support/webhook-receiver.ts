import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { verifySignature } from '@kouan/webhooks';

type Json = Record<string, unknown>;

export interface Received {
  eventId: string;
  body: Json;
  /** The body's bytes as they came, and the headers (lower-case names): what a receiver's verification takes. */
  raw: string;
  headers: Record<string, string>;
  verified: boolean;
  /** The status this receiver answered. */
  answered: number;
  at: number;
}

/**
 * A firm's webhook receiver on a real local port: it checks each delivery's signature with the endpoint's secret
 * and answers with `answer` (200 by default; a test sets 500), or is closed altogether (connection refused).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  answer = 200;
  secret = '';
  private server?: Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/kouan`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void read(req).then((raw) => {
        const body = JSON.parse(raw) as Json;
        const eventId = String(req.headers['kouan-event-id'] ?? '');
        const verified =
          verifySignature(this.secret, raw, String(req.headers['kouan-signature'] ?? '')) && eventId === body.id;
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        this.received.push({ eventId, body, raw, headers, verified, answered: this.answer, at: Date.now() });
        res.writeHead(this.answer).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening (deliveries are then refused); `start` again takes the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  }

  /** Deliveries answered 2xx, first of each event id (what a receiver that dedupes by Kouan-Event-Id keeps). */
  accepted(): Json[] {
    const ok = this.received.filter((r) => r.answered >= 200 && r.answered < 300);
    return ok.filter((r, i) => i === ok.findIndex((o) => o.eventId === r.eventId)).map((r) => r.body);
  }
}

/**
 * What a receiver built on the Standard Webhooks library does with a delivery: `new Webhook(secret).verify(body,
 * headers)`, which answers the parsed body or throws. The library judges `webhook-timestamp` by the receiver's clock
 * (Date.now); a test's receiver lives at the test's instant (`at`, the Clock the sender stamps with), so its clock
 * reads that instant for the call (synchronous: nothing else runs meanwhile).
 */
export function verifyStandard(secret: string, delivery: Pick<Received, 'raw' | 'headers'>, at: Date): unknown {
  const webhook = new Webhook(secret);
  const realNow = Date.now;
  Date.now = () => at.getTime();
  try {
    return webhook.verify(delivery.raw, delivery.headers);
  } finally {
    Date.now = realNow;
  }
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
