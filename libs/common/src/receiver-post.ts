import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pinnedLookup, ReceiverGuard, vetReceiver, VettedAddress } from './receiver-address';

/**
 * One POST to an address a client chose (a firm's webhook receiver, a browser's push service), through the guard of
 * receiver-address.ts. What an attempt came to, as the delivery log shows it: the receiver's status, or no answer in time, or no
 * connection at all. Nothing more (no errno, no TLS message): the log must not tell a firm what lies behind an
 * address, as a port scanner would.
 */
export type AttemptResult = { status: number } | { error: 'timeout' | 'connection_failed' };

export interface OutgoingDelivery {
  headers: Record<string, string>;
  /** Text (a webhook's JSON) or bytes (an encrypted push message). */
  body: string | Buffer;
  timeoutMs: number;
}

/**
 * One POST to a receiver: its host checked now (`vetReceiver`; a host that now resolves inside is not sent to) and
 * the connection made to the checked address only. Redirects are not followed: a 3xx is the receiver's answer.
 */
export async function sendToReceiver(url: string, out: OutgoingDelivery, guard: ReceiverGuard): Promise<AttemptResult> {
  const signal = AbortSignal.timeout(out.timeoutMs);
  try {
    const to = new URL(url);
    const target = await Promise.race([vetReceiver(to, guard), aborted(signal)]);
    return { status: await post(to, target, out, signal) };
  } catch {
    return { error: signal.aborted ? 'timeout' : 'connection_failed' };
  }
}

/** The log's text for a failed attempt (`http_503`, `timeout`, `connection_failed`). */
export const failureOf = (r: AttemptResult): string => ('status' in r ? `http_${r.status}` : r.error);

function post(url: URL, target: VettedAddress, out: OutgoingDelivery, signal: AbortSignal): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...out.headers, 'Content-Length': String(Buffer.byteLength(out.body)) },
        // A connection of its own (no pool): it is made to this attempt's vetted address and closed after it.
        agent: false,
        lookup: pinnedLookup(target),
        signal,
      },
      (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      },
    );
    req.on('error', reject);
    req.end(out.body);
  });
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
  );
}
