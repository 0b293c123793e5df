import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerParams } from '@kouan/common';

/** What the access log writes for a request and its answer, with the app's own redaction. */
function logged(entry: object): string {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const { redact } = loggerParams('info', 'api').pinoHttp as { redact: string[] };
  pino({ redact }, sink).info(entry, 'request completed');
  return out;
}

describe('access log redaction', () => {
  it('never writes a token or a cookie, sent or set (the device cookie, the jobs board session)', () => {
    const line = logged({
      req: { headers: { authorization: 'Bearer secret-token', cookie: 'kouan_jobs_board=secret-board' } },
      res: {
        headers: {
          'set-cookie': 'kouan_device_x=secret-device; Path=/api/v1/auth; HttpOnly',
          'content-type': 'application/json',
        },
      },
    });
    expect(line).not.toMatch(/secret-/);
    expect(JSON.parse(line)).toMatchObject({
      req: { headers: { authorization: '[Redacted]', cookie: '[Redacted]' } },
      res: { headers: { 'set-cookie': '[Redacted]', 'content-type': 'application/json' } },
    });
  });
});
