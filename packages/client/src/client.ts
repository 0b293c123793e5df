import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/openapi';

export type { components, paths };
/** The document's schemas by name: `Schemas['BookingDto']`. */
export type Schemas = components['schemas'];
/** openapi-fetch's client over Kouan's paths: `GET`, `POST`, `PUT`, `PATCH`, `DELETE` with typed params and answers. */
export type KouanClient = Client<paths>;

export interface KouanClientOptions {
  /** Where Kouan answers, e.g. `https://kouan.example` (the paths carry `/api/v1`). */
  baseUrl: string;
  /** A bearer token for every request: a fixed one, or read at each request. */
  token?: string | (() => string | undefined);
  fetch?: (request: Request) => Promise<Response>;
}

/** A client of Kouan's API; `signIn` gives one that holds a session. */
export function createKouanClient(o: KouanClientOptions): KouanClient {
  const client = createClient<paths>({ baseUrl: o.baseUrl.replace(/\/+$/, ''), fetch: o.fetch });
  const { token } = o;
  if (token !== undefined)
    client.use({
      onRequest({ request }) {
        const value = typeof token === 'function' ? token() : token;
        if (value && !request.headers.has('authorization')) request.headers.set('Authorization', `Bearer ${value}`);
        return request;
      },
    });
  return client;
}

/** A refused request: the HTTP status and the contract's error body `{statusCode, error, message, code?}`. */
export class KouanApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Schemas['ErrorBodyDto'] | undefined,
    readonly request: string,
  ) {
    super(`${request}: ${status} ${body ? JSON.stringify(body) : ''}`.trim());
    this.name = 'KouanApiError';
  }
}

/**
 * The answer's data, or a `KouanApiError` for any status outside 2xx:
 * `const booking = ok(await kouan.POST('/api/v1/bookings', { body }))`.
 */
export function ok<D, E>(result: { data?: D; error?: E; response: Response }): D {
  const { response } = result;
  if (!response.ok) {
    const path = response.url ? new URL(response.url).pathname : '';
    throw new KouanApiError(response.status, result.error as Schemas['ErrorBodyDto'] | undefined, path);
  }
  return result.data as D;
}
