/** The consoles' signed-in calls: as the session's user, renewed on a 401, kept over the session's end. */
import { api, ApiError, type Answer } from './api';
import type { Session } from './session';

/** What a write sent while the session had ended may wait for the same user to sign in again. */
const KEEP_MS = 10 * 60000;

interface Kept {
  method: string;
  path: string;
  body: unknown;
  headers?: Record<string, string>;
  sub: string | null;
  at: number;
}

export interface Caller {
  (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** Whether a write waits to be sent once the same user has signed in again. */
  pending(): boolean;
  /** Sends what was kept (within KEEP_MS); resolves to how many it sent. */
  resume(): Promise<number>;
}

/**
 * An API call as `sess`'s user. A 401 renews the token and tries once more. When the session has really ended, a
 * write (not a read: those are read afresh) is kept in sessionStorage and `ended()` shows the sign-in (`call.pending()`
 * tells whether something waits to be sent); once the same user has signed in again, `call.resume()` sends what was
 * kept (within KEEP_MS) and resolves to how many it sent. Any other error goes to `fail(error)`. Either way the error
 * is thrown on.
 */
export function caller(sess: Session, ended: () => void, fail: (e: ApiError) => void): Caller {
  const keptKey = 'kouan.kept.' + location.pathname;
  function kept(): Kept[] {
    try {
      return JSON.parse(sessionStorage.getItem(keptKey) || '[]') as Kept[];
    } catch {
      return [];
    }
  }
  function setKept(list: Kept[]): void {
    try {
      if (list.length) sessionStorage.setItem(keptKey, JSON.stringify(list));
      else sessionStorage.removeItem(keptKey);
    } catch {
      /* private mode: the action is lost, the sign-in still shows */
    }
  }

  async function send(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const used = sess.token();
    try {
      if (!used) throw new ApiError(401, { message: 'signed out' });
      return await api(method, path, body, used, headers);
    } catch (e) {
      if ((e as ApiError).status !== 401) throw e;
      // Renewed meanwhile (a timer, another tab), or renewed now: once more with the new token.
      if (used && (sess.token() !== used || (await sess.refresh())))
        return api(method, path, body, sess.token(), headers);
      throw e;
    }
  }

  const call = async function (method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    try {
      return await send(method, path, body, headers);
    } catch (e) {
      if ((e as ApiError).status === 401) {
        if (method !== 'GET')
          setKept(
            kept()
              .concat([{ method, path, body, headers, sub: sess.sub(), at: Date.now() }])
              .slice(-5),
          );
        ended();
      } else fail(e as ApiError);
      throw e;
    }
  } as Caller;

  call.pending = function () {
    return kept().length > 0;
  };

  call.resume = async function () {
    const list = kept().filter((k) => k.sub === sess.sub() && Date.now() - k.at < KEEP_MS);
    setKept([]);
    for (let i = 0; i < list.length; i++) {
      try {
        await call(list[i].method, list[i].path, list[i].body, list[i].headers);
      } catch {
        return i;
      }
    }
    return list.length;
  };
  return call;
}
