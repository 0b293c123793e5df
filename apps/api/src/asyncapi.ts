import { LIVE_AUDIENCES, LIVE_CLIENT_EVENTS, LIVE_NAMESPACE, LIVE_SERVER_EVENTS } from '@kouan/realtime';
import { WEBHOOK_EVENTS } from '@kouan/webhooks';

/** Where the event catalogue is served (public, like the OpenAPI document at /api/docs-json). */
export const ASYNCAPI_PATH = '/api/asyncapi.json';

type Json = Record<string, unknown>;

const ref = (...path: string[]) => ({
  $ref: `#/${path.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
});
/** `booking:update` → `bookingUpdate`, `booking.created` → `bookingCreated`: keys the specification allows. */
const key = (name: string) => name.replace(/[:._-](\w)/g, (_m, c: string) => c.toUpperCase());
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** The `{name}` parameters of a channel address, each described by what it names. */
function parametersOf(address: string | null): Json | undefined {
  const names = [...(address ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  if (!names.length) return undefined;
  const described: Record<string, string> = {
    bookingId: 'a booking id',
    firmId: 'a firm id',
    port: 'a port code (MOHAN)',
    direction: 'export or import',
  };
  return Object.fromEntries(names.map((n) => [n, { description: described[n] ?? n }]));
}

const WEBHOOK_HEADERS = {
  type: 'object',
  required: ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'kouan-event-id', 'kouan-signature'],
  properties: {
    'webhook-id': { type: 'string', description: 'the event id, the same on every attempt: deduplicate by it' },
    'webhook-timestamp': { type: 'string', pattern: '^[0-9]+$', description: 'unix seconds of this attempt' },
    'webhook-signature': {
      type: 'string',
      pattern: '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)?$',
      description:
        'Standard Webhooks: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>"> with the secret ' +
        'after whsec_; two while a rotated-out secret is valid',
    },
    'kouan-event-id': { type: 'string', description: 'the event id (kept for existing receivers)' },
    'kouan-signature': {
      type: 'string',
      pattern: '^t=[0-9]+(,v1=[0-9a-f]{64})+$',
      description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> (kept for existing receivers)',
    },
  },
};

/**
 * The AsyncAPI 3 document of the /live namespace and the webhooks, built from the event catalogues of
 * libs/realtime (`LIVE_SERVER_EVENTS`, `LIVE_CLIENT_EVENTS`) and libs/webhooks (`WEBHOOK_EVENTS`), whose schemas the
 * compiler ties to the types the server emits. `publicUrl` names the /live server's host.
 */
export function asyncApiDocument(publicUrl: string | undefined): Json {
  const url = new URL(publicUrl ?? 'http://localhost:3000');
  const messages: Record<string, Json> = {};
  const channels: Record<string, Json & { messages: Json }> = {};
  const operations: Record<string, Json> = {};
  const live = [ref('servers', 'live')];

  for (const [name, audience] of Object.entries(LIVE_AUDIENCES)) {
    channels[name] = {
      address: audience.address,
      title: name,
      description: audience.description,
      servers: live,
      parameters: parametersOf(audience.address),
      messages: {},
    };
  }

  for (const [event, entry] of Object.entries(LIVE_SERVER_EVENTS)) {
    entry.payloads.forEach((payload, i) => {
      const view = entry.payloads.length > 1 && i > 0 ? 'Staff' : '';
      const id = key(event) + view;
      messages[id] = {
        name: event,
        title: `${event}${view ? ' (staff view)' : ''}`,
        summary: entry.summary,
        payload,
      };
      for (const audience of entry.to[i]) {
        channels[audience].messages[id] = ref('components', 'messages', id);
        operations[`send${cap(id)}To${cap(audience)}`] = {
          action: 'send',
          channel: ref('channels', audience),
          summary: `${event} → ${LIVE_AUDIENCES[audience].address ?? 'the socket'}`,
          description: entry.summary,
          messages: [ref('channels', audience, 'messages', id)],
        };
      }
    });
  }

  for (const [event, entry] of Object.entries(LIVE_CLIENT_EVENTS)) {
    const id = key(event);
    const ack = `${id}Ack`;
    messages[id] = { name: event, title: event, summary: entry.summary, payload: entry.payload };
    messages[ack] = { name: `${event} (acknowledgement)`, title: `${event} acknowledgement`, payload: entry.ack };
    channels.socket.messages[id] = ref('components', 'messages', id);
    channels.socket.messages[ack] = ref('components', 'messages', ack);
    operations[`receive${cap(id)}`] = {
      action: 'receive',
      channel: ref('channels', 'socket'),
      summary: `${event} (client → server, with an acknowledgement)`,
      description: entry.summary,
      messages: [ref('channels', 'socket', 'messages', id)],
      reply: { channel: ref('channels', 'socket'), messages: [ref('channels', 'socket', 'messages', ack)] },
    };
  }

  channels.webhook = {
    address: null,
    title: 'webhook endpoint',
    description:
      'The URL an endpoint registered (POST /api/v1/webhooks {url, events, format?}): a firm for its bookings’ ' +
      "events, a port's far side for counterpart.departure. One POST per event and endpoint, retried, at least once.",
    servers: [ref('servers', 'receiver')],
    messages: {},
  };
  for (const [type, entry] of Object.entries(WEBHOOK_EVENTS)) {
    const id = `webhook${cap(key(type))}`;
    messages[id] = {
      name: type,
      title: type,
      summary: entry.summary,
      description: `To the endpoints of ${entry.receiver === 'firm' ? 'the booking’s firm' : "the port's far side"} that asked for ${type}.`,
      headers: WEBHOOK_HEADERS,
      payload: entry.body,
    };
    channels.webhook.messages[id] = ref('components', 'messages', id);
    operations[`deliver${cap(id)}`] = {
      action: 'send',
      channel: ref('channels', 'webhook'),
      summary: `POST ${type} to the endpoints that asked for it`,
      messages: [ref('channels', 'webhook', 'messages', id)],
    };
  }

  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Kouan events',
      version: '1',
      description:
        'What Kouan sends as things happen: socket.io events of the `/live` namespace (and the one a client sends), ' +
        'and the webhook deliveries. The REST API is described at /api/docs. Schemas are built from the types the ' +
        'server emits (docs/events.md, "Event catalogue").',
      externalDocs: { description: 'REST API (OpenAPI)', url: new URL('/api/docs', url).href },
    },
    defaultContentType: 'application/json',
    servers: {
      live: {
        host: url.host,
        protocol: url.protocol === 'https:' ? 'wss' : 'ws',
        pathname: LIVE_NAMESPACE,
        title: 'socket.io namespace /live',
        description:
          'socket.io 4 (Engine.IO path /socket.io/), namespace /live. Authenticate at the handshake with `auth: ' +
          '{token}` (an access token of POST /api/v1/auth/login, or a driver token of POST /api/v1/driver/session); ' +
          'no token: a public board viewer (`subscribe`); a bad token is refused (connect_error). Rooms are joined ' +
          'by the server: each channel below is one kind of room.',
      },
      receiver: {
        host: '{receiver}',
        protocol: 'https',
        title: "a webhook receiver (the firm's or the far side's)",
        description:
          'POST with the Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) and ' +
          'Kouan-Signature; verify before acting, deduplicate by webhook-id, answer 2xx within 10 s.',
        variables: { receiver: { description: 'the host of the URL the endpoint registered' } },
      },
    },
    channels,
    operations,
    components: { messages },
  };
}
