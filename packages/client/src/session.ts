import { createKouanClient, type KouanClient, ok, type Schemas } from './client';

export type KouanSession = KouanClient & {
  readonly role: Schemas['SessionResponseDto']['role'];
  /** Ends the session: its refresh token no longer renews it, so requests are refused once the access token expires. */
  signOut(): Promise<void>;
};

/**
 * Signs in (`POST /auth/login`) and returns a client that sends the session's access token with every request and,
 * when one is refused with 401 because the token expired (15 min), renews the pair once (`POST /auth/refresh`) and
 * sends the request again. Renewals are one at a time: a refresh token is spent by its first use, and using it twice
 * ends the whole session (contract: Sessions).
 */
export async function signIn(
  baseUrl: string,
  email: string,
  password: string,
  options: { fetch?: (request: Request) => Promise<Response> } = {},
): Promise<KouanSession> {
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const anonymous = createKouanClient({ baseUrl, fetch: send });
  let tokens = ok(await anonymous.POST('/api/v1/auth/login', { body: { email, password } }));
  let renewing: Promise<void> | undefined;
  const renew = () =>
    (renewing ??= anonymous
      .POST('/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } })
      .then((answer) => {
        tokens = ok(answer);
      })
      .finally(() => (renewing = undefined)));

  // What each request was sent with, and a copy to send again (a sent Request's body cannot be read twice).
  const sent = new WeakMap<Request, { token: string; copy: Request }>();
  const client = createKouanClient({ baseUrl, fetch: send });
  client.use({
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${tokens.accessToken}`);
      sent.set(request, { token: tokens.accessToken, copy: request.clone() });
      return request;
    },
    async onResponse({ request, response }) {
      const first = sent.get(request);
      if (response.status !== 401 || !first) return response;
      // Renewed since this request left: send it again with the new token, without spending another refresh. A
      // renewal refused (the session ended) leaves the request's own 401.
      if (
        first.token === tokens.accessToken &&
        !(await renew().then(
          () => true,
          () => false,
        ))
      )
        return response;
      first.copy.headers.set('Authorization', `Bearer ${tokens.accessToken}`);
      return send(first.copy);
    },
  });
  return Object.assign(client, {
    role: tokens.role,
    async signOut() {
      ok(await anonymous.POST('/api/v1/auth/logout', { body: { refreshToken: tokens.refreshToken } }));
    },
  });
}
