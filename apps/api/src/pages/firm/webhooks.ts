/** The firm admin's webhooks: each endpoint with its state and latest attempts; add one (its secret shown once), remove one. */
import type {
  CreatedWebhookDto,
  WebhookAttemptDto,
  WebhookDto,
} from '../../../../../libs/webhooks/src/dto/webhook.dto';
import { BOOKING_EVENT_TYPES } from '../../../../../libs/booking/src/booking-event-types';
import { $, el, fill } from '../shared/dom';
import { call, say } from './dashboard';

const EVENTS = BOOKING_EVENT_TYPES;
/** The event boxes of the form, and the form that adds an endpoint. */
export function initWebhooks(): void {
  fill(
    $('hEvents'),
    ([el('legend', { text: 'Events' })] as HTMLElement[]).concat(
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
      say('Webhook added. Copy its secret now: it is shown only once.', 'ok');
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
                  ['Remove'],
                ),
              ]),
              state === 'disabled'
                ? el('div', {
                    class: 'flag',
                    text:
                      'Disabled ' +
                      when(h.disabledAt) +
                      ': every delivery failed for a day. Fix the receiver, then remove and add it again.',
                  })
                : state === 'failing'
                  ? el('div', {
                      class: 'flag',
                      text: 'Failing since ' + when(h.failingSince) + ': deliveries are being retried.',
                    })
                  : null,
              secretFor && secretFor.id === h.id
                ? el('div', {}, [
                    'Secret (shown once, keep it): ',
                    el('span', { class: 'secret', text: secretFor.secret }),
                  ])
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
                          ' · try ' +
                          a.attempt +
                          ' · ' +
                          (a.outcome === 'delivered'
                            ? 'delivered (' + a.status + ')'
                            : 'failed (' + (a.status || a.error) + ')'),
                      });
                    }),
                  )
                : el('div', { class: 'muted', text: 'No deliveries yet.' }),
            ]);
          })
        : [el('p', { class: 'muted', text: 'No webhooks.' })],
    );
  } catch {
    /* shown */
  }
}

async function removeHook(h: WebhookDto, button: HTMLButtonElement): Promise<void> {
  if (!window.confirm('Remove the webhook to ' + h.url + '?')) return;
  button.disabled = true;
  try {
    await call('DELETE', '/webhooks/' + h.id);
    await hooks();
  } catch {
    button.disabled = false;
  }
}
