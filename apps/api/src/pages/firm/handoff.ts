/**
 * Handing a booking's code to its driver: texted by the API (a new code), or a new code printed on a slip with a QR
 * code of the sign-in link, or that link copied. The link carries the reference and the code in its fragment
 * (/d#r=…&c=…), which no request sends: scanning or opening it signs in, and no server log holds the code.
 */
import type { BookingDto, SentDriverCodeDto } from '../../../../../libs/booking/src/dto/booking.dto';
import { $, el, fill } from '../shared/dom';
import { hhmm } from '../shared/time';
import { call, emit, say, t } from './dashboard';
import { portName } from './ports';
import { QUIET, qrOf, qrPath } from './qr';

/** The code each booking was last given on this page: print and copy use it rather than issue another. */
export const codes: Record<string, string> = {};

export function signInLink(b: BookingDto, code: string): string {
  return location.origin + '/d#r=' + encodeURIComponent(b.reference) + '&c=' + code;
}

/** A new code (the old one stops working), kept for the panel. */
export async function reissue(b: BookingDto): Promise<string> {
  const r = await call('POST', '/bookings/' + b.id + '/driver-code');
  codes[b.id] = r.driverCode;
  emit('redraw');
  return r.driverCode;
}

async function codeOf(b: BookingDto): Promise<string> {
  return codes[b.id] || reissue(b);
}

async function sms(b: BookingDto): Promise<void> {
  const r: SentDriverCodeDto = await call('POST', '/bookings/' + b.id + '/driver-code/send');
  codes[b.id] = r.driverCode;
  say(t('smsSent') + ' ' + r.sentTo + ' (' + b.reference + ')', 'ok');
  emit('redraw');
}

const SVG = 'http://www.w3.org/2000/svg';

/** The slip (#slip, shown on paper only, firm.css): the booking, the code in large type, the QR code and the link. */
async function print(b: BookingDto): Promise<void> {
  const code = await codeOf(b);
  const link = signInLink(b, code);
  const qr = qrOf(link);
  const side = qr.getModuleCount() + 2 * QUIET;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + side + ' ' + side);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', link);
  const ground = document.createElementNS(SVG, 'rect');
  ground.setAttribute('width', String(side));
  ground.setAttribute('height', String(side));
  ground.setAttribute('fill', '#fff');
  const dark = document.createElementNS(SVG, 'path');
  dark.setAttribute('d', qrPath(qr));
  dark.setAttribute('fill', '#000');
  svg.appendChild(ground);
  svg.appendChild(dark);
  fill($('slip'), [
    el('h1', { text: t('slipTitle') }),
    el('p', {
      class: 'ref',
      text:
        b.reference + ' · ' + b.plate + ' · ' + portName(b.portCode) + ' ' + b.serviceDate + ' ' + hhmm(b.slotStartsAt),
    }),
    el('p', { class: 'big-code' }, [t('codeLabel') + ': ', el('strong', { class: 'code', text: code })]),
    svg,
    el('p', { text: t('slipScan') }),
    el('p', { class: 'link', text: link }),
  ]);
  window.print();
}

async function copy(b: BookingDto): Promise<void> {
  const link = signInLink(b, await codeOf(b));
  try {
    await navigator.clipboard.writeText(link);
    say(t('copied'), 'ok');
  } catch {
    // No clipboard (an old browser, or not allowed): the link is in the panel, to select by hand.
    say(t('copyByHand'), 'error');
  }
}

/** The panel under a booking's row: the three ways, and the code and link the driver was last given here. */
export function handPanel(b: BookingDto): HTMLElement {
  const act = (kind: string, word: string, run: (b: BookingDto) => Promise<void>) =>
    el(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'data-hand': kind,
        on: {
          click: async function (ev) {
            const button = ev.currentTarget as HTMLButtonElement;
            button.disabled = true;
            try {
              await run(b);
            } catch {
              /* shown */
            } finally {
              button.disabled = false;
            }
          },
        },
      },
      [t(word)],
    );
  const code = codes[b.id];
  return el('div', { class: 'handoff', 'data-booking': b.id, role: 'group', 'aria-label': t('hand') }, [
    el('div', { class: 'row' }, [
      act('sms', 'handSms', sms),
      act('print', 'handPrint', print),
      act('copy', 'handCopy', copy),
    ]),
    code
      ? el('div', {}, [
          t('codeLabel') + ': ',
          el('strong', { class: 'code', text: code }),
          el('div', { class: 'link', text: signInLink(b, code) }),
        ])
      : el('p', { class: 'muted', text: t('handHelp') }),
  ]);
}
