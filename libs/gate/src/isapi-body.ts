import type { IncomingMessage } from 'node:http';
import {
  IsapiError,
  ISAPI_LIMITS,
  parseIsapiAlert,
  unsupportedMediaType,
  type IsapiAlert,
  type IsapiLimits,
} from './isapi';

/**
 * How `POST /api/v1/gate/isapi` gets its body. The API's only body parsers (apps/api/src/configure-app.ts) are
 * express.json, which reads `application/json` alone and leaves any other body unread in the request stream. So the
 * route reads the stream itself, after its guard has checked the device key: no body parser is loosened, no other
 * route takes XML or multipart, and a caller without a key never has its body buffered. The body is read as raw
 * bytes, at most `totalBytes` (2 MiB): a Content-Length over it is refused before a byte is read, a stream that runs
 * over it as soon as it does.
 */
export function readIsapiBody(req: IncomingMessage, limits: Partial<IsapiLimits> = {}): Promise<Buffer> {
  const max = limits.totalBytes ?? ISAPI_LIMITS.totalBytes;
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    return Promise.reject(
      new IsapiError('unsupported_media_type', `Content-Encoding ${encoding} is not accepted for alerts`),
    );
  }
  const declared = Number(req.headers['content-length']);
  if (declared > max) return Promise.reject(tooLarge(max));
  if (req.readableEnded) {
    // Something read the body before the route (a JSON body, which unsupportedMediaType refuses first).
    return Promise.reject(new IsapiError('unsupported_media_type', 'the alert body was already read'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        // Stop keeping it, and let the rest drain so that the 413 reaches the camera.
        cleanup();
        req.resume();
        reject(tooLarge(max));
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new IsapiError('malformed_alert', `the alert body could not be read: ${e.message}`));
    };
    const onClose = () => onError(new Error('the camera closed the connection'));
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

const tooLarge = (max: number) => new IsapiError('alert_too_large', `an alert is at most ${max} bytes`);

/**
 * The alert a camera posted: its media type checked first (415 before a byte is read), then its body read
 * (readIsapiBody) and parsed (parseIsapiAlert). What the route calls once it knows the device.
 */
export async function readIsapiAlert(req: IncomingMessage, limits: Partial<IsapiLimits> = {}): Promise<IsapiAlert> {
  const contentType = req.headers['content-type'];
  const refused = unsupportedMediaType(contentType);
  if (refused) throw new IsapiError('unsupported_media_type', refused);
  return parseIsapiAlert(await readIsapiBody(req, limits), contentType, limits);
}
