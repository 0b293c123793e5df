import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError } from '@kouan/client';

/**
 * The typed client's receiver (`verifyWebhook`, node:crypto from the Standard Webhooks specification) against the
 * reference library: what `standardwebhooks` signs it accepts, what that library refuses it refuses.
 */
describe('@kouan/client verifyWebhook', () => {
  const secret = `whsec_${Buffer.alloc(32, 42).toString('base64')}`;
  const other = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
  const at = Date.UTC(2026, 11, 6, 3, 0, 0);
  const clock = () => at;

  const signed = (id: string, body: string, by = secret, when = at) => ({
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(when / 1000)),
    'webhook-signature': new Webhook(by).sign(id, new Date(when), body),
  });

  it('accepts exactly what standardwebhooks accepts, for any id and body', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.json(), fc.boolean(), (id, body, tamper) => {
        // Signed at the machine's time: standardwebhooks judges the timestamp by the machine's clock, and so does
        // verifyWebhook without a clock of its own.
        const headers = signed(id, body, secret, Date.now());
        const sent = tamper ? `${body} ` : body;
        const judge = (verify: () => unknown) => {
          try {
            verify();
            return true;
          } catch {
            return false;
          }
        };
        const reference = judge(() => new Webhook(secret).verify(sent, headers));
        const ours = judge(() => verifyWebhook(secret, headers, Buffer.from(sent)));
        expect(ours).toBe(!tamper);
        expect(ours).toBe(reference);
      }),
      { seed: 21, numRuns: 200 },
    );
  });

  it('returns the parsed event, and takes Fetch Headers as well as Node headers', () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'booking.called', occurredAt: '2026-12-06T03:00:00Z', data: {} });
    expect(verifyWebhook(secret, signed('evt_1', body), body, { clock }).type).toBe('booking.called');
    expect(verifyWebhook(secret, new Headers(signed('evt_1', body)), body, { clock }).id).toBe('evt_1');
  });

  it('during a rotation accepts either secret of the two signatures, and refuses a third', () => {
    const body = '{"id":"evt_2"}';
    const both = signed('evt_2', body);
    both['webhook-signature'] = `${signed('evt_2', body, other)['webhook-signature']} ${both['webhook-signature']}`;
    expect(verifyWebhook(secret, both, body, { clock })).toEqual({ id: 'evt_2' });
    expect(verifyWebhook(other, both, body, { clock })).toEqual({ id: 'evt_2' });
    expect(verifyWebhook([`whsec_${Buffer.alloc(32, 1).toString('base64')}`, other], both, body, { clock })).toEqual({
      id: 'evt_2',
    });
    expect(() => verifyWebhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, both, body, { clock })).toThrow(
      'no webhook-signature matches',
    );
  });

  it('refuses a replay more than 5 minutes old or early, and a delivery without its headers', () => {
    const body = '{"id":"evt_3"}';
    const headers = signed('evt_3', body);
    expect(() => verifyWebhook(secret, headers, body, { clock: () => at + 301_000 })).toThrow(/too far/);
    expect(() => verifyWebhook(secret, headers, body, { clock: () => at - 301_000 })).toThrow(/too far/);
    expect(verifyWebhook(secret, headers, body, { clock: () => at + 299_000 })).toEqual({ id: 'evt_3' });
    expect(() => verifyWebhook(secret, { ...headers, 'webhook-id': 'evt_4' }, body, { clock })).toThrow(
      WebhookVerificationError,
    );
    const { 'webhook-signature': _, ...unsigned } = headers;
    expect(() => verifyWebhook(secret, unsigned, body, { clock })).toThrow('missing webhook-signature');
  });
});
