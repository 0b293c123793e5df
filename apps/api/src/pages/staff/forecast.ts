/** Tomorrow at the port: the hours with trucks booked or expected, per direction (GET /ports/:code/forecast). */
import type { ForecastDto } from '../../../../../libs/insights/src/dto/forecast.dto';
import { $, el, fill } from '../shared/dom';
import { portTomorrow } from '../shared/time';
import { call, S, t } from './console';

export async function loadForecast(code: string): Promise<void> {
  try {
    const f: ForecastDto = await call('GET', '/ports/' + code + '/forecast?date=' + portTomorrow(S.portInfo.timeZone));
    if (code !== S.port) return;
    S.forecast = f;
    renderForecast();
  } catch {
    /* shown */
  }
}

export function renderForecast(): void {
  const f = S.forecast && S.forecast.port === S.port ? S.forecast : null;
  $('forecastTitle').textContent = t('forecastTitle', { date: f ? f.date : '…' });
  if (!f) return fill($('forecastBody'), []);
  const rows = f.hours.filter(function (h) {
    return h.booked > 0 || h.expectedArrivals > 0;
  });
  const heads = ['thHour', 'thDir', 'thBooked', 'thExpected', 'thLanes', 'thNote'];
  const b = f.basis;
  const basis = t(b.measured ? 'basisMeasured' : 'basisDefault', {
    r: Math.round(b.showUpRate * 1000) / 10,
    n: b.decided,
    from: b.fromDate,
    to: b.toDate,
  });
  fill($('forecastBody'), [
    rows.length
      ? el('table', { class: 'forecast' }, [
          el('thead', {}, [
            el(
              'tr',
              {},
              heads.map(function (h) {
                return el('th', { scope: 'col', text: t(h) });
              }),
            ),
          ]),
          el(
            'tbody',
            {},
            rows.map(function (h) {
              return el('tr', { class: h.short ? 'short' : null, 'data-hour': h.hour, 'data-dir': h.direction }, [
                el('th', { scope: 'row', text: h.hour }),
                el('td', { text: t(h.direction) }),
                el('td', { class: 'num booked', text: String(h.booked) }),
                el('td', { class: 'num expected', text: h.expectedArrivals.toFixed(1) }),
                el('td', { class: 'num lanes', text: t('lanesOf', { n: h.lanesNeeded, of: h.lanes }) }),
                el('td', { class: 'note', text: h.short ? t('shortMark') : '' }),
              ]);
            }),
          ),
        ])
      : el('p', { class: 'muted', text: t('forecastNone') }),
    el('p', { class: 'muted basis', text: basis }),
  ]);
}
