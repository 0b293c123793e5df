import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

interface Message {
  name: string;
  payload: Json;
  headers?: Json;
}

export interface AsyncApiDocument {
  asyncapi: string;
  channels: Record<string, { address: string | null; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, Json>;
  components: { messages: Record<string, Message> };
}

/**
 * The app's own /api/asyncapi.json, and a check of real events against it: a socket event or a webhook delivery
 * must fit the payload schema of a message of its name (the catalogue's objects are closed already: a field the
 * document does not mention fails). Ajv reads AsyncAPI's schemas as the JSON Schema they extend.
 */
export class AsyncApiChecker {
  /** Message names seen in checked events, so a test can tell which ones real traffic covered. */
  readonly seen = new Set<string>();
  private readonly byName = new Map<
    string,
    Array<{ id: string; validate: ValidateFunction; headers?: ValidateFunction }>
  >();

  constructor(readonly doc: AsyncApiDocument) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const [id, m] of Object.entries(doc.components.messages)) {
      const list = this.byName.get(m.name) ?? [];
      list.push({ id, validate: ajv.compile(m.payload), headers: m.headers ? ajv.compile(m.headers) : undefined });
      this.byName.set(m.name, list);
    }
  }

  private static readonly loaded = new Map<string, Promise<AsyncApiChecker>>();

  /** The document served at `url` (an API's base URL), fetched once per URL. */
  static forUrl(url: string): Promise<AsyncApiChecker> {
    let checker = AsyncApiChecker.loaded.get(url);
    if (!checker) {
      checker = fetch(`${url}/api/asyncapi.json`).then(async (res) => {
        if (res.status !== 200) throw new Error(`GET ${url}/api/asyncapi.json answered ${res.status}`);
        return new AsyncApiChecker((await res.json()) as AsyncApiDocument);
      });
      AsyncApiChecker.loaded.set(url, checker);
    }
    return checker;
  }

  /** What is wrong with a socket event `event` carrying `data`; empty when a message of that name describes it. */
  problems(event: string, data: unknown, headers?: Record<string, string>): string[] {
    const candidates = this.byName.get(event);
    if (!candidates) return [`${event} is not in the document`];
    const found: string[] = [];
    for (const c of candidates) {
      const errors = [
        ...(c.validate(data) ? [] : (c.validate.errors ?? [])),
        ...(headers && c.headers && !c.headers(headers) ? (c.headers.errors ?? []) : []),
      ];
      if (!errors.length) {
        this.seen.add(c.id);
        return [];
      }
      found.push(...errors.map((e) => `${c.id}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`));
    }
    return [`${event} ${JSON.stringify(data)} fits no message of that name: ${found.join('; ')}`];
  }

  /** A webhook delivery's body (either format) and headers: the message named by its type. */
  deliveryProblems(body: Json, headers: Record<string, string>): string[] {
    const type = typeof body.specversion === 'string' ? String(body.type).replace(/^org\.kouan\./, '') : body.type;
    return this.problems(String(type), body, headers);
  }
}
