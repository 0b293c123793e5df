/** A QR code as one SVG path: each dark module a 1×1 square, inside the 4-module quiet zone scanners need. */
import qrcode from 'qrcode-generator';

export type Qr = ReturnType<typeof qrcode>;
export const QUIET = 4;

/** The QR code of `text` (type picked by its length, error correction M: a creased slip still scans). */
export function qrOf(text: string): Qr {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr;
}

/** The path's `d`: a square per dark module, offset by the quiet zone. */
export function qrPath(qr: Qr): string {
  const n = qr.getModuleCount();
  let d = '';
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += 'M' + (c + QUIET) + ' ' + (r + QUIET) + 'h1v1h-1z';
  return d;
}
