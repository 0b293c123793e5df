/** Who is signed in: the access token's claims, a console's renewed session, and the sign-in form. */
import type { Socket } from 'socket.io-client';
import { api, ApiError, type Answer } from './api';
import { $, message } from './dom';
import { load, store } from './storage';

/** An access token's claims, as libs/auth/src/token.service.ts signs them. */
export interface Claims {
  sub: string;
  role: string;
  firm?: string;
  port?: string;
  sid?: string;
  iat?: number;
  exp?: number;
}

/** The claims of our own access token (role, port, firm); the server checks it, this only picks the UI. */
export function claims(token: string | null | undefined): Claims | null {
  try {
    const b = token!.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(b)))) as Claims;
  } catch {
    return null;
  }
}

/**
 * The #login form: on submit `request()` signs in (resolving to {accessToken, ...}) and `signedIn(token, answer)`
 * keeps it and opens the page; meanwhile the button is disabled. A failure is shown in #loginMsg, worded by
 * `errorText(e)` when given, else the API's message.
 */
export function loginForm(
  request: () => Promise<Answer>,
  signedIn: (token: string, answer: Answer) => unknown,
  errorText?: (e: ApiError) => string,
): void {
  $('login').addEventListener('submit', async function (ev: SubmitEvent) {
    ev.preventDefault();
    const btn = (ev.target as HTMLFormElement).querySelector('button')!;
    btn.disabled = true;
    try {
      const res = await request();
      await signedIn(res.accessToken, res);
    } catch (e) {
      message($('loginMsg'), errorText ? errorText(e as ApiError) : (e as Error).message, 'error');
    } finally {
      btn.disabled = false;
    }
  });
}

/**
 * loginForm for staff and firm users: #email and #password to /auth/login; the answer starts `sess` (session()),
 * the password field is cleared, then `signedIn()` opens the page.
 */
export function passwordLogin(sess: Session, signedIn: () => unknown, errorText?: (e: ApiError) => string): void {
  loginForm(
    () => api('POST', '/auth/login', { email: $('email').value.trim(), password: $('password').value }),
    (_token, res) => {
      $('password').value = '';
      sess.set(res);
      return signedIn();
    },
    errorText,
  );
}

/** How long before its expiry an access token is renewed (half its life when that is shorter). */
const RENEW_BEFORE_MS = 60000;

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
}

export interface Session {
  token(): string | null;
  /** The user of the session, or of the last one (whose kept actions a new sign-in of the same user sends). */
  sub(): string | null;
  set(pair: TokenPair | null): void;
  /** Renews the access token: true when there is a good one now, false when the session has ended; throws offline. */
  refresh(): Promise<boolean>;
  attach(socket: Socket): void;
  /** Logs out: the server ends the session (best effort: offline, it ends by itself within 2 h). */
  end(): void;
}

/**
 * The signed-in session of a console (staff, yard, firm): {accessToken, refreshToken, expiresAt} in localStorage under
 * `key`. The access token is renewed (POST /auth/refresh) shortly before it expires and whenever the API says 401,
 * one renewal at a time, across the page's tabs too (Web Locks): a refresh token is spent once, and a second spend
 * would end the session. A tab finding that another has renewed takes the newer pair instead. `attach(socket)`
 * names the page's socket, which is reconnected with each new token.
 */
export function session(key: string): Session {
  let s: TokenPair | null = load(key);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<boolean> | null = null;
  let socket: Socket | null = null;
  let lastSub: string | null = s ? claims(s.accessToken)?.sub || null : null;

  function schedule(): void {
    clearTimeout(timer);
    if (!s) return;
    const left = Date.parse(s.expiresAt) - Date.now();
    timer = setTimeout(
      () => {
        refresh().catch(() => {
          timer = setTimeout(schedule, 15000);
        });
      },
      Math.max(1000, left - Math.min(RENEW_BEFORE_MS, left / 2)),
    );
  }

  function keep(pair: TokenPair | null): void {
    s = pair ? { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: pair.expiresAt } : null;
    if (s) lastSub = claims(s.accessToken)?.sub || null;
    schedule();
  }

  /** A new token (renewed here or by another tab): the socket reconnects with it, so its access does not end with the old one. */
  function renewed(): void {
    if (socket && socket.connected) {
      socket.disconnect();
      socket.connect();
    }
  }

  async function renew(): Promise<boolean> {
    const stored: TokenPair | null = load(key);
    if (!stored) {
      keep(null);
      return false;
    }
    if (!s || stored.refreshToken !== s.refreshToken) {
      keep(stored);
      renewed();
      return true;
    }
    try {
      const pair: TokenPair = await api('POST', '/auth/refresh', { refreshToken: stored.refreshToken });
      store(key, { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: pair.expiresAt });
      keep(pair);
      renewed();
      return true;
    } catch (e) {
      if ((e as ApiError).status !== 401) throw e;
      store(key, null);
      keep(null);
      return false;
    }
  }

  function refresh(): Promise<boolean> {
    if (!running) {
      // One renewal at a time across the page's tabs (the lock's answer is renew's).
      const renewing = (navigator.locks ? navigator.locks.request('kouan:' + key, renew) : renew()) as Promise<boolean>;
      running = renewing.finally(() => {
        running = null;
      });
    }
    return running;
  }

  window.addEventListener('storage', (ev) => {
    if (ev.key !== key) return;
    const stored: TokenPair | null = load(key);
    if (stored && (!s || stored.refreshToken !== s.refreshToken)) {
      keep(stored);
      renewed();
    }
  });
  schedule();

  return {
    token: () => (s ? s.accessToken : null),
    sub: () => lastSub,
    set(pair) {
      store(key, pair);
      keep(pair);
    },
    refresh,
    attach(sock) {
      socket = sock;
    },
    end() {
      const was = s;
      store(key, null);
      keep(null);
      if (was)
        api('POST', '/auth/logout', { refreshToken: was.refreshToken }).catch(() => {
          /* it dies unused */
        });
    },
  };
}
