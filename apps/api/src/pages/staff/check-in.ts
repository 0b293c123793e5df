/** Check-in by plate at the gate; a plate on bookings of several firms lists them, and the officer picks one. */
import type { CheckInCandidateDto, CheckInResultDto } from '../../../../../libs/queue/src/dto/queue.dto';
import { $, el, fill, show } from '../shared/dom';
import type { ApiError } from '../shared/api';
import { act, note, S, t, word } from './console';

/**
 * The holding area in the console's language: the answer names it in the driver's (a Thai name on an English
 * console), so the console names it from the port's areas, by id; the answer's name only for an area it does not know.
 */
function areaName(p: Partial<CheckInResultDto['parking']>): string {
  const a = p.areaId ? S.areas[p.areaId] : undefined;
  if (!a) return p.areaName || '';
  return (a.names && a.names[S.lang]) || a.name;
}

export function checkIn(button: HTMLButtonElement | null, body: { plate: string; bookingId?: string }): void {
  show('candidates', false);
  void act(
    button,
    'POST',
    '/ports/' + S.port + '/check-ins',
    body,
    function (r: CheckInResultDto) {
      $('plate').value = '';
      const p: Partial<CheckInResultDto['parking']> = r.parking || {};
      const where = p.overflow
        ? word('overflow')
        : p.bay !== null && p.bay !== undefined
          ? word('bay', { area: () => areaName(p), bay: p.bay })
          : '';
      note('msgCheckedIn', { plate: body.plate, n: r.position, where: where }, 'ok');
    },
    function (e: ApiError) {
      const candidates = e.body.candidates as CheckInCandidateDto[] | undefined;
      if (e.code !== 'ambiguous_plate' || !Array.isArray(candidates)) return;
      fill(
        $('candidates'),
        ([el('p', { text: t('whichBooking') })] as HTMLElement[]).concat(
          candidates.map(function (c) {
            return el(
              'button',
              {
                type: 'button',
                class: 'secondary candidate',
                'data-booking': c.bookingId,
                on: {
                  click: function (ev) {
                    checkIn(ev.target as HTMLButtonElement, { plate: body.plate, bookingId: c.bookingId });
                  },
                },
              },
              [c.firmName + ' · ' + c.reference],
            );
          }),
        ),
      );
      show('candidates', true);
    },
  );
}
