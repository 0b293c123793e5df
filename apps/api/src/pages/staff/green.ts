/** The green-channel badge of a truck, called or waiting. */
import { el } from '../shared/dom';
import { t, type CalledTruck, type WaitingTruck } from './console';

function greenText(x: CalledTruck | WaitingTruck): string {
  if ('priority' in x && x.priority) return t('green');
  if (x.greenChannel) return t('greenLater');
  if (x.perishable) return t('perishableOnly');
  return '';
}

/** Green channel now, later (once its slot starts), or perishable cargo only. */
export function greenBadge(x: CalledTruck | WaitingTruck): HTMLElement | null {
  const text = greenText(x);
  const priority = 'priority' in x && x.priority;
  return text
    ? el('span', { class: priority ? 'prio' : x.greenChannel ? 'prio later' : 'perishable', text: text })
    : null;
}
