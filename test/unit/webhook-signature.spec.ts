import { Webhook } from 'standardwebhooks';
import { cloudEvent, deliveryRequest, newWebhookSecret, signature, verifySignature } from '@kouan/webhooks';

/** The signatures of a delivery, against the Standard Webhooks library's own signing, and the CloudEvents envelope. */
describe('webhook signatures and bodies', () => {
  const at = new Date('2026-12-07T02:00:00Z');
  const payload = JSON.stringify({
    id: '6f1c2a1e-0000-4000-8000-000000000001',
    type: 'booking.called',
    occurredAt: '2026-12-07T01:59:58.000Z',
    data: { bookingId: 'b-1', portCode: 'MOHAN', status: 'called' },
  });
  const base = { eventId: '6f1c2a1e-0000-4000-8000-000000000001', bookingId: 'b-1', payload };

  it('signs as the standardwebhooks package does, one signature per secret, the newest first', () => {
    const [fresh, old] = [newWebhookSecret(), newWebhookSecret()];
    const { headers, body } = deliveryRequest({ ...base, format: 'standard', secrets: [fresh, old] }, at);
    expect(body).toBe(payload);
    expect(headers['webhook-timestamp']).toBe(String(at.getTime() / 1000));
    expect(headers['webhook-signature']).toBe(
      [fresh, old].map((s) => new Webhook(s).sign(base.eventId, at, payload)).join(' '),
    );
    // Kouan-Signature: one v1= per secret; a receiver holding either verifies.
    expect(headers['Kouan-Signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    for (const s of [fresh, old]) expect(verifySignature(s, body, headers['Kouan-Signature'])).toBe(true);
    expect(verifySignature(newWebhookSecret(), body, headers['Kouan-Signature'])).toBe(false);
    expect(verifySignature(fresh, body, signature(fresh, body, Math.floor(Date.now() / 1000) - 301))).toBe(false);
  });

  it('an older base64url secret signs with its decoded bytes, as the library does with the same key in base64', () => {
    const legacy = `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}`;
    const standard = `whsec_${Buffer.alloc(32, 0xfb).toString('base64')}`;
    const { headers } = deliveryRequest({ ...base, format: 'standard', secrets: [legacy] }, at);
    expect(headers['webhook-signature']).toBe(new Webhook(standard).sign(base.eventId, at, payload));
  });

  it('a CloudEvents endpoint gets the event as a structured-mode CloudEvent, signed over that body', () => {
    const secret = newWebhookSecret();
    const { headers, body } = deliveryRequest({ ...base, format: 'cloudevents', secrets: [secret] }, at);
    expect(headers['Content-Type']).toBe('application/cloudevents+json');
    expect(JSON.parse(body)).toEqual({
      specversion: '1.0',
      id: base.eventId,
      source: 'urn:kouan:port:MOHAN',
      type: 'org.kouan.booking.called',
      time: '2026-12-07T01:59:58.000Z',
      subject: 'b-1',
      datacontenttype: 'application/json',
      data: { bookingId: 'b-1', portCode: 'MOHAN', status: 'called' },
    });
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign(base.eventId, at, body));
    expect(JSON.parse(cloudEvent(JSON.stringify({ ...JSON.parse(payload), data: {} }), 'b-1')).source).toBe(
      'urn:kouan',
    );
  });
});
