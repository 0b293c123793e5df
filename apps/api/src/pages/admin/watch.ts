/** What the admin watches: every firm's failing webhook endpoints and the audit chain's state. */
import { $, el, fill, message } from '../shared/dom';
import type { Answer } from '../shared/api';
import { call, t, table } from './console';

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

export async function loadWebhooks(): Promise<void> {
  const list: Answer[] = await call('GET', '/admin/webhooks?state=failing');
  fill($('webhookList'), [
    list.length
      ? table(
          ['firmName', 'url', 'lastError', 'failingSince', 'state'],
          list.map((w) => [
            w.firmName,
            w.url,
            w.lastError || '—',
            when(w.failingSince),
            el('span', { class: 'bad', text: t(w.disabledAt ? 'disabled' : 'failing') }),
          ]),
        )
      : el('p', { class: 'good', text: t('noFailing') }),
  ]);
}

async function verify(): Promise<void> {
  const out = $('auditOut');
  message(out, t('verifying'));
  const r: Answer = await call('GET', '/audit/verify');
  message(
    out,
    r.ok
      ? t('chainOk', { n: r.checked, head: String(r.headHash).slice(0, 12) })
      : t('chainBad', { seq: r.firstBadSeq }),
    r.ok ? 'ok' : 'error',
  );
}

export function wireWatch(): void {
  $('verify').addEventListener('click', () => void verify().catch(() => undefined));
}
