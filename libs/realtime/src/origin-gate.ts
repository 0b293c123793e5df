import type { IncomingMessage } from 'node:http';

/**
 * socket.io's `allowRequest`: a browser page may connect from the API's own origin or from one listed in
 * CORS_ORIGINS; any other Origin is refused at the handshake. A request without Origin is not a browser page
 * (a phone app, a server, a test) and is let through; its token still decides what it may hear. Behind a proxy
 * that rewrites Host, list the public origin in CORS_ORIGINS.
 */
export function originGate(allowed: readonly string[]) {
  return (req: IncomingMessage, done: (err: string | null | undefined, ok: boolean) => void): void => {
    const origin = req.headers.origin;
    if (origin === undefined) return done(null, true);
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if ((host !== undefined && host === req.headers.host) || allowed.includes(origin)) return done(null, true);
    done('origin not allowed', false);
  };
}
