import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * The client's address of a raw request (socket.io's handshake has no `req.ip`) by the rule Express applies to
 * `req.ip` with `trust proxy` set to the same list: X-Forwarded-For counts only as far as it was added by
 * `trusted` proxies (TRUSTED_PROXIES: addresses, CIDRs, or proxy-addr's loopback, linklocal, uniquelocal).
 */
export function clientAddressOf(trusted: readonly string[]): (req: IncomingMessage) => string {
  const trust = proxyAddr.compile([...trusted]);
  return (req) => proxyAddr(req, trust);
}
