import type { CounterpartLink } from '@kouan/config';

/** A request of a link that failed: what was asked and what came back, never the credential. */
export class LinkError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Session {
  accessToken: string;
  refreshToken: string;
}

/**
 * The far side's public API as one of its `counterpart` accounts calls it: sign in (`POST /auth/login`), renew
 * (`POST /auth/refresh`) when the access token is refused, sign in again when the session has ended. Only the URL the
 * link's configuration names is ever called, redirects are refused, and every request has `timeoutMs`.
 */
export class LinkClient {
  private session?: Session;

  constructor(
    private readonly link: CounterpartLink,
    private readonly timeoutMs: number,
  ) {}

  /** Their port's path under their API root: `/ports/<code>`. */
  get portPath(): string {
    return `/ports/${encodeURIComponent(this.link.theirPort)}`;
  }

  /** An anonymous read (their port's public detail). */
  read<T>(path: string): Promise<T> {
    return this.send<T>('GET', path, undefined, undefined);
  }

  /** A request as their counterpart account: renewed or signed in again once when the token is refused. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const session = this.session ?? (await this.signIn());
    try {
      return await this.send<T>(method, path, body, session.accessToken);
    } catch (e) {
      if (!(e instanceof LinkError) || e.status !== 401) throw e;
    }
    return this.send<T>(method, path, body, (await this.renew(session)).accessToken);
  }

  private async renew(session: Session): Promise<Session> {
    this.session = undefined;
    try {
      this.session = await this.send<Session>(
        'POST',
        '/auth/refresh',
        { refreshToken: session.refreshToken },
        undefined,
      );
      return this.session;
    } catch (e) {
      if (!(e instanceof LinkError) || e.status !== 401) throw e;
      return this.signIn();
    }
  }

  private async signIn(): Promise<Session> {
    const credential = { email: this.link.email, password: this.link.password };
    this.session = await this.send<Session>('POST', '/auth/login', credential, undefined);
    return this.session;
  }

  private async send<T>(method: string, path: string, body: unknown, token: string | undefined): Promise<T> {
    const what = `${method} ${this.link.apiUrl}${path.split('?')[0]}`;
    let res: Response;
    try {
      res = await fetch(`${this.link.apiUrl}${path}`, {
        method,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      const cause =
        (e as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (e as Error).message;
      throw new LinkError(`${what}: ${cause}`);
    }
    const text = await res.text();
    if (!res.ok) {
      const error = parse(text) as { code?: string; error?: string; message?: string | string[] } | undefined;
      const said = error
        ? [error.code ?? error.error, [error.message ?? []].flat().join('; ')].filter(Boolean).join(': ')
        : text.slice(0, 200);
      throw new LinkError(`${what} answered ${res.status} ${said}`.trim(), res.status);
    }
    return parse(text) as T;
  }
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
