/**
 * A capacity suggestion for tomorrow (GET /ports/:code/outlook/capacity): per direction, the places a slot the
 * outlook's model says the lanes serve within each truck's window, beside the capacity now; "Use" puts them in the
 * schedule form, to preview and save as any change.
 */
import type { CapacitySuggestionDto } from '../../../../../libs/outlook/src/dto/outlook.dto';
import { $, el, fill } from '../shared/dom';
import { call, S, t } from './console';

async function suggest(): Promise<void> {
  const button = $('capacitySuggest') as HTMLButtonElement;
  button.disabled = true;
  try {
    const s: CapacitySuggestionDto = await call('GET', '/ports/' + S.port + '/outlook/capacity');
    const use = el('button', { id: 'capacityUse', type: 'button', class: 'secondary', text: t('capacityUse') });
    use.addEventListener('click', () => {
      for (const d of s.directions) $(d.direction === 'export' ? 'capExport' : 'capImport').value = String(d.capacity);
    });
    fill($('capacityOut'), [
      el('h3', { text: t('capacityFor', { date: s.date }) }),
      el(
        'ul',
        {},
        s.directions.map((d) =>
          el('li', {
            'data-direction': d.direction,
            text: t('capacityLine', {
              dir: t(d.direction),
              n: d.capacity,
              now: d.current === null ? '–' : d.current,
              lanes: d.lanes,
              m: d.serviceMinutes,
              show: Math.round(d.showUpRate * 100),
              booked: d.booked,
            }),
          }),
        ),
      ),
      use,
    ]);
  } finally {
    button.disabled = false;
  }
}

export function wireCapacity(): void {
  $('capacitySuggest').addEventListener('click', () => void suggest().catch(() => undefined));
}
