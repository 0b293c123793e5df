import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';

const REDACTED = '[Redacted]';

/** A query parameter's name as a server decodes it (`%6Bey` and `ke%79` are `key`). */
function paramName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * `url` with the value of every `key` query parameter replaced (a gate camera's device key: Hikvision cameras
 * cannot send a header, so POST /gate/isapi takes the key as `?key=`). The name is matched decoded, as the API's
 * query parser reads it, so an encoded name does not slip the key into the log.
 */
export function redactUrlKey(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const params = url
    .slice(q + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return paramName(name).trim().toLowerCase() === 'key' ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q + 1)}${params.join('&')}${url.slice(end)}`;
}

/** The access log's `req` (pino's standard serialisation) without a device key in its url or query. */
function redactRequest(req: { url?: unknown; query?: unknown }): unknown {
  if (typeof req.url === 'string') req.url = redactUrlKey(req.url);
  if (req.query && typeof req.query === 'object') {
    // A copy: the object is the request's own, which the route still reads.
    req.query = Object.fromEntries(
      Object.entries(req.query as Record<string, unknown>).map(([k, v]) => [
        k,
        k.trim().toLowerCase() === 'key' ? REDACTED : v,
      ]),
    );
  }
  return req;
}

/** Structured JSON logs; every request gets an id (an incoming X-Request-Id is kept) that errors quote back. */
export function loggerParams(level: string, service: string): Params {
  return {
    pinoHttp: {
      level,
      base: { service },
      genReqId: (req: IncomingMessage) => {
        const given = req.headers['x-request-id'];
        return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
      },
      // Credentials both ways: the caller's token and cookies, and the cookies an answer sets (the device cookie that
      // lifts the per-account sign-in limit, the jobs board's session).
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      // And a gate camera's key sent as `?key=` (POST /gate/isapi), in the url and the parsed query.
      serializers: { req: redactRequest },
      // Access lines are logged at info; above that level, skip the per-response bookkeeping altogether.
      autoLogging: ['info', 'debug', 'trace'].includes(level)
        ? { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/ready' || req.url === '/metrics' }
        : false,
    },
  };
}
