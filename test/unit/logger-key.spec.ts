import express from 'express';
import { Writable } from 'node:stream';
import pinoHttp, { type Options } from 'pino-http';
import request from 'supertest';
import { loggerParams, redactUrlKey } from '@kouan/common';

/**
 * The access log of a request that carries a gate camera's key as `?key=` (POST /gate/isapi), written by pino-http
 * with the API's own logger settings over real HTTP: the key appears nowhere in it, the rest of the request does.
 */
describe('access log: a device key in the query is never written', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = express();
  app.use(pinoHttp(loggerParams('info', 'api').pinoHttp as Options, sink));
  app.post('/api/v1/gate/isapi', (req, res) => {
    // The route still reads the key the log hid.
    req.log.info({ note: 'inside the route' }, 'alert');
    res.status(200).json({ key: req.query.key });
  });

  it.each([
    ['?key=kgd_SECRET1', 'kgd_SECRET1'],
    ['?channel=1&key=kgd_SECRET2&x=y', 'kgd_SECRET2'],
    ['?%6Bey=kgd_SECRET3', 'kgd_SECRET3'],
    ['?KEY=kgd_SECRET4&key=kgd_SECRET5', 'kgd_SECRET5'],
  ])('%s', async (query, secret) => {
    lines.length = 0;
    const res = await request(app).post(`/api/v1/gate/isapi${query}`).expect(200);
    expect(JSON.stringify(res.body)).toContain(secret.slice(0, 8));
    const log = lines.join('');
    const entries = lines.map((l) => JSON.parse(l) as { msg: string; req?: { url: string } });
    expect(entries.map((e) => e.msg)).toEqual(['alert', 'request completed']);
    expect(log).not.toContain('SECRET');
    expect(entries[1].req?.url).toMatch(/^\/api\/v1\/gate\/isapi\?.*=\[Redacted\]/);
    if (query.includes('channel')) expect(entries[1].req?.url).toContain('channel=1&');
  });

  it('redactUrlKey leaves other parameters and URLs without a key as they are', () => {
    expect(redactUrlKey('/api/v1/ports/MOHAN/slots?date=2026-12-05&direction=export')).toBe(
      '/api/v1/ports/MOHAN/slots?date=2026-12-05&direction=export',
    );
    expect(redactUrlKey('/x?monkey=1&key=2&key&keys=3#key=4')).toBe(
      '/x?monkey=1&key=[Redacted]&key=[Redacted]&keys=3#key=4',
    );
    expect(redactUrlKey('/x?ke%79=a%ZZ')).toBe('/x?ke%79=[Redacted]');
    expect(redactUrlKey('/health')).toBe('/health');
  });
});
