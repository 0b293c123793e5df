import express, { json, type Request, type Response } from 'express';
import { once } from 'node:events';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { toErrorBody, verifyJsonBody } from '@kouan/common';
import { ISAPI_LIMITS, readIsapiAlert, readIsapiBody, type IsapiLimits } from '@kouan/gate';
import { anprParts, isapiFixture, multipartAlert } from '../fixtures/isapi';

/**
 * readIsapiAlert over real HTTP, behind the body parser the API has (apps/api/src/configure-app.ts: express.json with
 * verifyJsonBody for every route): it leaves XML and multipart bodies unread, so the route reads them itself.
 */
function appWith(limits: Partial<IsapiLimits> = {}) {
  const app = express();
  app.use(json({ limit: '1mb', verify: verifyJsonBody }));
  app.post('/api/v1/gate/isapi', (req: Request, res: Response) => {
    readIsapiAlert(req, limits).then(
      (alert) =>
        res.status(202).json(alert.kind === 'plate' ? { ...alert, images: alert.images.map((i) => i.name) } : alert),
      (e: unknown) => {
        const body = toErrorBody(e);
        res.status(body.statusCode).json(body);
      },
    );
  });
  // The body alone, as readIsapiBody gives it (no parsing), to see its cap at work.
  app.post('/raw', (req: Request, res: Response) => {
    readIsapiBody(req, limits).then(
      (body) => res.status(200).json({ bytes: body.length }),
      (e: unknown) => {
        const body = toErrorBody(e);
        res.status(body.statusCode).json(body);
      },
    );
  });
  return app;
}

describe('readIsapiAlert (the route reads its own body)', () => {
  const app = appWith();

  it('reads a plain XML alert and a multipart one with its pictures, in every media type cameras send', async () => {
    const xml = isapiFixture('anpr-hikvision.xml');
    for (const type of ['application/xml', 'text/xml; charset=UTF-8']) {
      const res = await request(app).post('/api/v1/gate/isapi').set('Content-Type', type).send(xml);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 202,
        body: {
          kind: 'plate',
          plate: '云A·12345',
          confidence: 0.93,
          at: '2026-12-05T01:41:07.000Z',
          channel: '1',
          images: [],
        },
      });
    }
    const form = multipartAlert(anprParts(xml));
    const res = await request(app).post('/api/v1/gate/isapi').set('Content-Type', form.contentType).send(form.body);
    expect(res.status).toBe(202);
    expect(res.body.images).toEqual(['licensePlatePicture.jpg', 'detectionPicture.jpg']);
    const heartbeat = await request(app)
      .post('/api/v1/gate/isapi')
      .set('Content-Type', 'application/xml')
      .send(isapiFixture('heartbeat.xml'));
    expect({ status: heartbeat.status, body: heartbeat.body }).toEqual({ status: 202, body: { kind: 'heartbeat' } });
  });

  it('a JSON body (which the JSON parser read), text, or a compressed body → 415 with its code', async () => {
    const answers = await Promise.all(
      [
        request(app).post('/api/v1/gate/isapi').set('Content-Type', 'application/json').send('{"plate":"云A12345"}'),
        request(app).post('/api/v1/gate/isapi').set('Content-Type', 'text/plain').send('云A12345'),
        request(app)
          .post('/api/v1/gate/isapi')
          .set('Content-Type', 'application/xml')
          .set('Content-Encoding', 'gzip')
          .send(gzipSync(isapiFixture('anpr-hikvision.xml'))),
      ].map(async (res) => ({ status: (await res).status, code: (await res).body.code })),
    );
    expect(answers).toEqual(Array(3).fill({ status: 415, code: 'unsupported_media_type' }));
  });

  it('an XML bomb → 400 xml_not_allowed; a malformed alert → 400 malformed_alert', async () => {
    const bomb =
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>' +
      '<EventNotificationAlert><eventType>ANPR</eventType><ANPR><licensePlate>&lol1;</licensePlate></ANPR></EventNotificationAlert>';
    const started = performance.now();
    const res = await request(app).post('/api/v1/gate/isapi').set('Content-Type', 'application/xml').send(bomb);
    console.log(`XML bomb over HTTP: ${res.status} in ${(performance.now() - started).toFixed(1)} ms`);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'xml_not_allowed' });
    const broken = await request(app)
      .post('/api/v1/gate/isapi')
      .set('Content-Type', 'application/xml')
      .send('<EventNotificationAlert><eventType>ANPR');
    expect({ status: broken.status, code: broken.body.code }).toEqual({ status: 400, code: 'malformed_alert' });
  });

  describe('the body cap', () => {
    let server: Server;
    let port: number;
    const limits = { totalBytes: 4096, xmlBytes: 4096 };
    beforeAll(async () => {
      server = appWith(limits).listen(0, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      server.close();
      await once(server, 'close');
    });

    /** Posts `chunks` (chunked when `length` is not given) and answers the status and body the server gave. */
    const post = (chunks: Buffer[], length?: number, path = '/api/v1/gate/isapi') =>
      new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path,
            headers: {
              'Content-Type': 'application/xml',
              ...(length === undefined ? {} : { 'Content-Length': length }),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
            );
          },
        );
        req.on('error', reject);
        for (const chunk of chunks) req.write(chunk);
        req.end();
      });

    it(`a Content-Length over the cap → 413 alert_too_large; so does a chunked body that runs over it`, async () => {
      const tooLarge = { status: 413, body: expect.objectContaining({ code: 'alert_too_large' }) };
      expect(await post([Buffer.alloc(5000, 0x20)], 5000, '/raw')).toEqual(tooLarge);
      const chunks = (n: number) => Array.from({ length: n }, () => Buffer.alloc(1000, 0x20));
      expect(await post(chunks(10), undefined, '/raw')).toEqual(tooLarge);
      expect(await post(chunks(4), undefined, '/raw')).toEqual({ status: 200, body: { bytes: 4000 } });
      expect(await post([Buffer.alloc(4096, 0x20)], 4096, '/raw')).toEqual({ status: 200, body: { bytes: 4096 } });
      // And through readIsapiAlert: over the cap → 413, within it the body is parsed.
      expect(await post(chunks(10))).toEqual(tooLarge);
      expect(await post([isapiFixture('heartbeat.xml')])).toEqual({ status: 202, body: { kind: 'heartbeat' } });
    });

    it(`the default cap is ${ISAPI_LIMITS.totalBytes} bytes: a form one byte over it → 413`, async () => {
      const form = multipartAlert(anprParts(isapiFixture('anpr-hikvision.xml')));
      const padding = ISAPI_LIMITS.totalBytes + 1 - form.body.length;
      const res = await request(appWith())
        .post('/api/v1/gate/isapi')
        .set('Content-Type', form.contentType)
        .send(Buffer.concat([Buffer.alloc(padding, 0x2d), form.body]));
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 413, code: 'alert_too_large' });
    });
  });
});
