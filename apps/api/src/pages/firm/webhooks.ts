/** The firm admin's webhooks: each endpoint with its state and latest attempts; add one (its secret shown once), remove one. */
import type {
  CreatedWebhookDto,
  WebhookAttemptDto,
  WebhookDto,
} from '../../../../../libs/webhooks/src/dto/webhook.dto';
import { BOOKING_EVENT_TYPES } from '../../../../../libs/booking/src/booking-event-types';
import { $, el, fill } from '../shared/dom';
import { format } from '../shared/i18n';
import { call, say, t } from './dashboard';

const EVENTS = BOOKING_EVENT_TYPES;
/** The event boxes of the form, and the form that adds an endpoint. */
export function initWebhooks(): void {
  fill(
    $('hEvents'),
    ([el('legend', { 'data-t': 'events', text: t('events') })] as HTMLElement[]).concat(
      EVENTS.map(function (e) {
        return el('label', {}, [
          el('input', {
            type: 'checkbox',
            value: e,
            checked: e === 'booking.called' || e === 'booking.completed' ? 'checked' : null,
          }),
          e,
        ]);
      }),
    ),
  );
  $('hookForm').addEventListener('submit', async function (ev: SubmitEvent) {
    ev.preventDefault();
    const boxes: HTMLInputElement[] = Array.prototype.slice.call($('hEvents').querySelectorAll('input'));
    const events = boxes
      .filter(function (i) {
        return i.checked;
      })
      .map(function (i) {
        return i.value;
      });
    try {
      const created = await call('POST', '/webhooks', { url: $('hUrl').value.trim(), events: events });
      $('hUrl').value = '';
      say(t('hookAdded'), 'ok');
      await hooks(created);
    } catch {
      /* shown */
    }
  });
}

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** Each endpoint with its state (failing, disabled: flagged) and its latest attempts. */
export async function hooks(secretFor?: CreatedWebhookDto): Promise<void> {
  try {
    const list: WebhookDto[] = await call('GET', '/webhooks');
    const logs: WebhookAttemptDto[][] = await Promise.all(
      list.map(function (h) {
        return call('GET', '/webhooks/' + h.id + '/deliveries?limit=5');
      }),
    );
    fill(
      $('hookList'),
      list.length
        ? list.map(function (h, i) {
            const state = h.disabledAt ? 'disabled' : h.failingSince ? 'failing' : 'ok';
            return el('div', { class: 'hook ' + state, 'data-hook': h.id }, [
              el('div', { class: 'row' }, [
                el('strong', { class: 'grow', text: h.url }),
                el(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    on: {
                      click: function (ev) {
                        void removeHook(h, ev.target as HTMLButtonElement);
                      },
                    },
                  },
                  [t('remove')],
                ),
              ]),
              state === 'disabled'
                ? el('div', {
                    class: 'flag',
                    text: format(t('hookDisabled'), { when: when(h.disabledAt) }),
                  })
                : state === 'failing'
                  ? el('div', {
                      class: 'flag',
                      text: format(t('hookFailing'), { when: when(h.failingSince) }),
                    })
                  : null,
              secretFor && secretFor.id === h.id
                ? el('div', {}, [t('hookSecret'), el('span', { class: 'secret', text: secretFor.secret })])
                : null,
              el('div', { class: 'muted', text: h.events.join(', ') }),
              logs[i].length
                ? el(
                    'ul',
                    { class: 'attempts' },
                    logs[i].map(function (a) {
                      return el('li', {
                        text:
                          when(a.at) +
                          ' · ' +
                          a.type +
                          ' · ' +
                          t('tryN') +
                          ' ' +
                          a.attempt +
                          ' · ' +
                          (a.outcome === 'delivered'
                            ? t('delivered') + ' (' + a.status + ')'
                            : t('failed') + ' (' + (a.status || a.error) + ')'),
                      });
                    }),
                  )
                : el('div', { class: 'muted', text: t('noDeliveries') }),
            ]);
          })
        : [el('p', { class: 'muted', text: t('noHooks') })],
    );
  } catch {
    /* shown */
  }
}

async function removeHook(h: WebhookDto, button: HTMLButtonElement): Promise<void> {
  if (!window.confirm(t('confirmRemove') + ' ' + h.url + '?')) return;
  button.disabled = true;
  try {
    await call('DELETE', '/webhooks/' + h.id);
    await hooks();
  } catch {
    button.disabled = false;
  }
}
