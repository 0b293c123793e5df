import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * Proxies whose X-Forwarded-For is believed: the local machine and private networks, where a reverse proxy in
 * front of several API processes lives. Anything from the internet is taken at its socket address.
 */
export const TRUSTED_PROXIES = ['loopback', 'linklocal', 'uniquelocal'];

const trust = proxyAddr.compile(TRUSTED_PROXIES);

/** The client's address by the same rule Express applies to `req.ip` (for socket.io, which has no req.ip). */
export const clientAddress = (req: IncomingMessage): string => proxyAddr(req, trust);
