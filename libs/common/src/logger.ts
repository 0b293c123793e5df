import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';

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
      // Access lines are logged at info; above that level, skip the per-response bookkeeping altogether.
      autoLogging: ['info', 'debug', 'trace'].includes(level)
        ? { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/ready' || req.url === '/metrics' }
        : false,
    },
  };
}
