/**
 * A capacity suggestion for tomorrow (GET /ports/:code/outlook/capacity): per direction, the places a slot the
 * outlook's model says the lanes serve within each truck's window, beside the capacity now; "Use" puts them in the
 * schedule form, to preview and save as any change.
 */
import type { CapacitySuggestionDto } from '../../../../../libs/outlook/src/dto/outlook.dto';
import { $, el, fill } from '../shared/dom';
import { outlookWords } from '../shared/outlook-words';
import { call, S, T } from './console';

/** In the console's language, or the officer's own (shared/outlook-words.ts). */
const words = () => outlookWords(S.lang, T);

async function suggest(): Promise<void> {
  const button = $('capacitySuggest') as HTMLButtonElement;
  button.disabled = true;
  try {
    const s: CapacitySuggestionDto = await call('GET', '/ports/' + S.port + '/outlook/capacity');
    const { t, tag } = words();
    $('capacityOut').setAttribute('lang', tag);
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

/** The suggestion's button, in its words (called whenever the console's language changes). */
export function relabelCapacity(): void {
  const { t, tag } = words();
  const button = $('capacitySuggest');
  button.textContent = t('capacitySuggest');
  button.setAttribute('lang', tag);
}

export function wireCapacity(): void {
  $('capacitySuggest').addEventListener('click', () => void suggest().catch(() => undefined));
}
