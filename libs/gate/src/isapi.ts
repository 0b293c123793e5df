import busboy from 'busboy';
import { DomainError } from '@kouan/common';
import { childNamed, childText, readXml, XmlRefused, type XmlElement } from './isapi-xml';

/**
 * Hikvision ISAPI `EventNotificationAlert`, as a camera in "HTTP listening" mode posts it to an alarm server: plain
 * XML (`application/xml` or `text/xml`), or `multipart/form-data` with the XML as one part (Hikvision names it
 * `anpr.xml`, `ANPR.xml` or `MoveDetection.xml`) and the pictures as others (`licensePlatePicture.jpg`,
 * `detectionPicture.jpg`, `vehiclePicture.jpg`). In an ANPR alert `ANPR/licensePlate` is the plate as read,
 * `ANPR/confidenceLevel` 0–100, `dateTime` the read's time with the camera's UTC offset (`2017-04-22T15:39:01+08:00`;
 * some firmware writes `-8:00`, a DVR none at all), `channelID` the camera's channel. Heartbeats are
 * `eventType` `heartBeat`, or `videoloss` with `eventState` `inactive` (what an idle device repeats).
 * Sources: Hikvision's "Intelligent Security API (ANPR)" and "Device Network SDK (Traffic)" developer guides
 * (XML_EventNotificationAlert_ANPR, the multipart example), and alerts captured from cameras as published in
 * open-source receivers; test/fixtures/isapi/ holds samples built on them.
 */

/** What an alert may weigh and hold. The route reads at most `totalBytes` of body (isapi-body.ts). */
export interface IsapiLimits {
  /** The whole body: the XML, or every part of the multipart form with its framing. */
  totalBytes: number;
  /** The XML alone (a real ANPR alert is 2–5 KB). */
  xmlBytes: number;
  /** One picture. */
  imageBytes: number;
  /** Parts of a multipart form (the XML and up to three pictures is what cameras send). */
  parts: number;
  /** Nesting of XML elements (an ANPR alert nests 6 deep). */
  depth: number;
  /** XML elements in all (an ANPR alert has about 130). */
  elements: number;
  /** Attributes on one XML element (`version` and `xmlns` is what cameras send). */
  attributes: number;
}

export const ISAPI_LIMITS: Readonly<IsapiLimits> = Object.freeze({
  totalBytes: 2 * 1024 * 1024,
  xmlBytes: 64 * 1024,
  imageBytes: 1024 * 1024,
  parts: 8,
  depth: 16,
  elements: 1024,
  attributes: 16,
});

export interface IsapiImage {
  /** The part's file name, else its field name (`licensePlatePicture.jpg`). */
  name: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * What a Hikvision camera writes as `licensePlate` when it saw a vehicle but read no plate (无车牌, "no plate"; 無車牌
 * in traditional characters). It would pass for a plate of three letters, so it is named here.
 */
export const isNoPlate = (plate: string): boolean => /^(无车牌|無車牌)$/u.test(plate.trim());

/** The picture types a kept image may have (what `GET .../gate-reads/:id/image` answers with). */
export const KEPT_IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png'];

const IMAGE_TYPE_ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg' };

/**
 * The one picture of an alert worth keeping: the plate crop (Hikvision's `licensePlatePicture.jpg`) if sent, else
 * the first picture; only a non-empty JPEG or PNG (as its content type says). Undefined when there is none.
 */
export function keptImageOf(images: readonly IsapiImage[]): { contentType: string; bytes: Buffer } | undefined {
  const usable = images
    .map((i) => ({ ...i, contentType: IMAGE_TYPE_ALIASES[i.contentType] ?? i.contentType }))
    .filter((i) => i.bytes.length > 0 && KEPT_IMAGE_TYPES.includes(i.contentType));
  const chosen = usable.find((i) => /licenseplatepicture/i.test(i.name)) ?? usable[0];
  return chosen && { contentType: chosen.contentType, bytes: chosen.bytes };
}

/** An alert, by what it means to the gate: a plate read, a sign of life, or any other event. */
export type IsapiAlert =
  | {
      kind: 'plate';
      /** As the camera read it (trimmed); the gate normalises it. */
      plate: string;
      /** 0..1 (the camera's confidenceLevel 0–100). */
      confidence: number;
      /** When the camera read it; only when `dateTime` carries its UTC offset. */
      at?: Date;
      channel?: string;
      /** The pictures of a multipart alert, in the order sent; none for plain XML. */
      images: IsapiImage[];
    }
  | { kind: 'heartbeat' }
  | { kind: 'other'; eventType: string };

export type IsapiErrorCode = 'malformed_alert' | 'xml_not_allowed' | 'alert_too_large' | 'unsupported_media_type';

/** A refused alert: 400 (`malformed_alert`, `xml_not_allowed`), 413 (`alert_too_large`) or 415 (`unsupported_media_type`). */
export class IsapiError extends DomainError {
  declare readonly code: IsapiErrorCode;

  constructor(code: IsapiErrorCode, message: string) {
    super(code, message);
    this.name = 'IsapiError';
  }
}

const malformed = (message: string) => new IsapiError('malformed_alert', message);
const tooLarge = (message: string) => new IsapiError('alert_too_large', message);
const unsupported = (message: string) => new IsapiError('unsupported_media_type', message);

export const ISAPI_XML_TYPES: readonly string[] = ['application/xml', 'text/xml'];
export const ISAPI_MULTIPART_TYPE = 'multipart/form-data';

/** A Content-Type's media type (lower case) and parameters (names lower case, quotes taken off values). */
export function parseContentType(header: string | undefined): { type: string; params: Record<string, string> } {
  const [type, ...rest] = (header ?? '').split(';');
  const params: Record<string, string> = {};
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const value = param.slice(eq + 1).trim();
    params[param.slice(0, eq).trim().toLowerCase()] =
      value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return { type: type.trim().toLowerCase(), params };
}

const isUtf8Label = (charset: string) => /^utf-?8$/i.test(charset.trim());

/** Why an alert's media type is refused, or undefined when it is XML or multipart (a boundary aside). */
export function unsupportedMediaType(contentType: string | undefined): string | undefined {
  const { type, params } = parseContentType(contentType);
  if (!type) return 'an alert needs a Content-Type: application/xml, text/xml or multipart/form-data';
  if (ISAPI_XML_TYPES.includes(type)) {
    const charset = params.charset;
    return charset === undefined || isUtf8Label(charset)
      ? undefined
      : `alerts must be UTF-8; charset "${charset}" is not accepted`;
  }
  if (type === ISAPI_MULTIPART_TYPE) return undefined;
  return `Content-Type ${type} is not an alert: send application/xml, text/xml or multipart/form-data`;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** XML bytes as text: UTF-8 only (a UTF-8 byte order mark is dropped; UTF-16 or invalid bytes → 415). */
function decodeXml(bytes: Buffer): string {
  if (bytes.length >= 2 && ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))) {
    throw unsupported('alerts must be UTF-8; this one is UTF-16');
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    throw unsupported('alerts must be UTF-8; this one holds bytes that are not');
  }
}

function readAlertXml(text: string, limits: IsapiLimits): XmlElement {
  try {
    return readXml(text, limits);
  } catch (e) {
    if (!(e instanceof XmlRefused)) throw e;
    if (e.reason === 'encoding') throw unsupported(e.message);
    throw new IsapiError(e.reason === 'declaration' ? 'xml_not_allowed' : 'malformed_alert', e.message);
  }
}

const ISAPI_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{1,2}):?(\d{2}))?$/;

/**
 * `dateTime` as an instant: with its offset (`+08:00`, `-8:00`, `+0800`, `Z`) → the Date; without one → undefined
 * (the camera's zone is not known, so the gate takes the time it received the read); not a date → malformed.
 */
export function parseIsapiDateTime(value: string): Date | undefined {
  const m = ISAPI_DATE_TIME.exec(value);
  if (!m) throw malformed(`dateTime "${value}" is not an ISO 8601 date and time`);
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, Number((frac ?? '0').padEnd(3, '0').slice(0, 3)));
  const asRead = new Date(wall);
  if (
    asRead.getUTCFullYear() !== year ||
    asRead.getUTCMonth() !== month - 1 ||
    asRead.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw malformed(`dateTime "${value}" is not a real date and time`);
  }
  if (!z && !sign) return undefined;
  const offsetMinutes = z ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  if (Math.abs(offsetMinutes) > 14 * 60 || Number(om) > 59) throw malformed(`dateTime "${value}" has no real offset`);
  return new Date(wall - offsetMinutes * 60_000);
}

const MAX_PLATE = 32;
const MAX_SHORT_TEXT = 64;

/** The alert an XML document says, with `images` from the multipart form it came in (kept for plate reads only). */
function toAlert(root: XmlElement, images: IsapiImage[]): IsapiAlert {
  if (root.name !== 'EventNotificationAlert') {
    throw malformed(`the XML is a <${root.name}>, not an <EventNotificationAlert>`);
  }
  const eventType = childText(root, 'eventType');
  if (!eventType) throw malformed('the alert has no eventType');
  if (eventType.length > MAX_SHORT_TEXT) throw malformed('the alert eventType is too long');
  const eventState = childText(root, 'eventState')?.toLowerCase();
  const type = eventType.toLowerCase();
  if (type === 'heartbeat' || (type === 'videoloss' && eventState === 'inactive')) return { kind: 'heartbeat' };
  if (type !== 'anpr') return { kind: 'other', eventType };

  const anpr = childNamed(root, 'ANPR');
  if (!anpr) throw malformed('an ANPR alert without its <ANPR> block');
  const plate = childText(anpr, 'licensePlate');
  if (!plate) throw malformed('an ANPR alert without a licensePlate');
  if (plate.length > MAX_PLATE || /\p{Cc}/u.test(plate)) {
    throw malformed(`licensePlate is not a plate (at most ${MAX_PLATE} characters, no control characters)`);
  }
  const level = childText(anpr, 'confidenceLevel');
  if (level === undefined) throw malformed('an ANPR alert without a confidenceLevel');
  if (!/^\d{1,3}(?:\.\d{1,6})?$/.test(level) || Number(level) > 100) {
    throw malformed(`confidenceLevel "${level}" is not a number from 0 to 100`);
  }
  const dateTime = childText(root, 'dateTime');
  const at = dateTime === undefined ? undefined : parseIsapiDateTime(dateTime);
  const channel = childText(root, 'channelID') ?? childText(root, 'dynChannelID');
  if (channel !== undefined && (channel.length > MAX_SHORT_TEXT || /\p{Cc}/u.test(channel))) {
    throw malformed('channelID is not a channel');
  }
  return {
    kind: 'plate',
    plate,
    confidence: Number(level) / 100,
    ...(at ? { at } : {}),
    ...(channel !== undefined ? { channel } : {}),
    images,
  };
}

const isXmlPart = (mimeType: string, name: string | undefined) =>
  ISAPI_XML_TYPES.includes(mimeType.toLowerCase()) || /\.xml$/i.test(name ?? '');

/** The XML (bytes, or text when busboy decoded a part without a file name) and the pictures of a multipart form. */
function readMultipart(
  body: Buffer,
  contentType: string,
  limits: IsapiLimits,
): Promise<{ xml: Buffer | string; images: IsapiImage[] }> {
  return new Promise((resolve, reject) => {
    let form: busboy.Busboy;
    try {
      form = busboy({
        headers: { 'content-type': contentType },
        // One past each cap, so that reaching it means going over it.
        limits: {
          parts: limits.parts + 1,
          fileSize: Math.max(limits.imageBytes, limits.xmlBytes) + 1,
          fieldSize: limits.xmlBytes + 1,
          fieldNameSize: 200,
        },
      });
    } catch (e) {
      reject(malformed(`a multipart alert with a bad Content-Type: ${(e as Error).message}`));
      return;
    }
    let refusal: IsapiError | undefined;
    const refuse = (e: IsapiError) => {
      refusal ??= e;
    };
    let xml: Buffer | string | undefined;
    const images: IsapiImage[] = [];
    const takeXml = (value: Buffer | string) => {
      if (xml !== undefined) refuse(malformed('a multipart alert with more than one XML part'));
      xml = value;
    };

    form.on('file', (name, stream, info) => {
      const xmlPart = isXmlPart(info.mimeType, info.filename ?? name);
      const image = !xmlPart && info.mimeType.toLowerCase().startsWith('image/');
      const cap = xmlPart ? limits.xmlBytes : limits.imageBytes;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > cap) {
          refuse(tooLarge(`the part ${name} is over ${xmlPart ? 'the XML' : 'a picture'}'s ${cap} bytes`));
        } else if (xmlPart || image) {
          chunks.push(chunk);
        }
      });
      // A form cut short ends its last file with an error; the form's own error names it.
      stream.on('error', (e: Error) => refuse(malformed(`a malformed multipart alert: ${e.message}`)));
      stream.on('end', () => {
        if (size > cap) return;
        const bytes = Buffer.concat(chunks, size);
        if (xmlPart) takeXml(bytes);
        else if (image) images.push({ name: info.filename ?? name, contentType: info.mimeType.toLowerCase(), bytes });
      });
    });
    form.on('field', (name, value: string | undefined, info) => {
      if (!isXmlPart(info.mimeType, name)) return;
      if (info.valueTruncated || Buffer.byteLength(value ?? '') > limits.xmlBytes) {
        refuse(tooLarge(`the XML part is over ${limits.xmlBytes} bytes`));
      } else if (value === undefined || value.includes('\uFFFD')) {
        // busboy decoded the part with the charset it named, or could not: only UTF-8 reads back intact.
        refuse(unsupported('alerts must be UTF-8; the XML part is not'));
      } else {
        takeXml(value);
      }
    });
    form.on('partsLimit', () => refuse(tooLarge(`a multipart alert with more than ${limits.parts} parts`)));
    form.on('error', (e: Error) => reject(refusal ?? malformed(`a malformed multipart alert: ${e.message}`)));
    form.on('close', () => {
      if (refusal) reject(refusal);
      else if (xml === undefined) reject(malformed('a multipart alert without an XML part'));
      else resolve({ xml, images });
    });
    form.end(body);
  });
}

/**
 * The alert in a request body, as the camera sent it. Refuses with an IsapiError: `unsupported_media_type` (415) for
 * another media type or any charset but UTF-8; `alert_too_large` (413) past `limits`; `xml_not_allowed` (400) for a
 * DTD, an entity, a processing instruction or XML past the depth, element or attribute caps; `malformed_alert`
 * (400) for anything else that is not an alert (a missing plate or confidence included).
 */
export async function parseIsapiAlert(
  body: Buffer,
  contentType: string | undefined,
  limits: Partial<IsapiLimits> = {},
): Promise<IsapiAlert> {
  const caps: IsapiLimits = { ...ISAPI_LIMITS, ...limits };
  const refused = unsupportedMediaType(contentType);
  if (refused) throw unsupported(refused);
  if (body.length > caps.totalBytes) throw tooLarge(`an alert is at most ${caps.totalBytes} bytes`);
  const { type } = parseContentType(contentType);
  if (type === ISAPI_MULTIPART_TYPE) {
    const { xml, images } = await readMultipart(body, contentType ?? '', caps);
    const text = typeof xml === 'string' ? xml : decodeXml(xml);
    return toAlert(readAlertXml(text, caps), images);
  }
  if (body.length > caps.xmlBytes) throw tooLarge(`an XML alert is at most ${caps.xmlBytes} bytes`);
  return toAlert(readAlertXml(decodeXml(body), caps), []);
}
