/**
 * The rest of today in the direction shown (GET /ports/:code/outlook): when the line clears, and with one lane more
 * open now, and the trucks likely to miss their window. Asked again when the line's version moves on (a few seconds
 * after a change, at most one request at a time).
 */
import type { OutlookDto } from '../../../../../libs/outlook/src/dto/outlook.dto';
import { $, el, fill } from '../shared/dom';
import { laneLabel } from '../shared/lane';
import { outlookWords } from '../shared/outlook-words';
import { call, S, T } from './console';
import { portTime } from './time';

let asking = false;
let timer: ReturnType<typeof setTimeout> | null = null;
/** The lanes the answer shown was asked with (its what-if: one more than were open). */
let askedLanes = 0;

/** The open lanes of the direction, as the kept queue has them. */
function openLanes(dir: string): number {
  const u = S.state[dir] && S.state[dir].data;
  return u
    ? u.lanes.filter(function (l) {
        return l.status === 'open';
      }).length
    : 0;
}

/**
 * Whether what is shown is of the port, direction and queue version on screen, and its what-if of one lane more than
 * are open now: an answer asked before the queue's lanes were known had the what-if of one lane, which is no change.
 */
function current(): boolean {
  const o = S.outlook;
  const kept = S.state[S.shown];
  return (
    !!o &&
    o.port === S.port &&
    o.direction === S.shown &&
    !!kept &&
    o.version === kept.version &&
    askedLanes === openLanes(S.shown) + 1
  );
}

export async function loadOutlook(): Promise<void> {
  // Not before the direction's queue (and so its open lanes) is known.
  if (asking || !S.port || !S.state[S.shown] || current()) return;
  const port = S.port;
  const dir = S.shown;
  const lanes = openLanes(dir) + 1;
  asking = true;
  try {
    const o: OutlookDto = await call('GET', '/ports/' + port + '/outlook?direction=' + dir + '&lanes=' + lanes);
    if (port !== S.port) return;
    S.outlook = o;
    askedLanes = lanes;
    renderOutlook();
  } catch {
    /* shown */
  } finally {
    asking = false;
  }
}

/** Asks again soon: changes of the line come in bursts, one answer after the burst serves them all. */
export function refreshOutlook(): void {
  if (timer) return;
  timer = setTimeout(function () {
    timer = null;
    void loadOutlook();
  }, 1500);
}

/** In the console's language, or the officer's own (shared/outlook-words.ts). */
export function renderOutlook(): void {
  const { t, lang, tag } = outlookWords(S.lang, T);
  const at = (iso: string | null) => (iso ? portTime(Date.parse(iso)) : t('outlookLater'));
  const o = S.outlook && S.outlook.port === S.port && S.outlook.direction === S.shown ? S.outlook : null;
  $('outlook').setAttribute('lang', tag);
  $('outlookTitle').textContent = t('outlookTitle', { dir: t(S.shown) });
  if (!o) return fill($('outlookBody'), []);
  const c = o.clearsAt;
  const clears =
    c.p50 === null
      ? t('outlookNotToday')
      : c.p90 === o.asOf
        ? t('outlookEmpty')
        : t('outlookClears', { at: at(c.p50), from: at(c.p10), to: at(c.p90) });
  const next = o.nextLane
    ? Object.keys(S.lanes)
        .map(function (id) {
          return S.lanes[id];
        })
        .filter(function (l) {
          return l.name === o.nextLane;
        })[0]
    : undefined;
  const w = o.whatIf;
  const more =
    w && c.p50 !== null && c.p90 !== o.asOf
      ? t('outlookWithLane', {
          lane: next ? laneLabel(next, lang, t) : t('outlookOneMore'),
          at: w.clearsAt.p50 === null ? t('outlookLater') : at(w.clearsAt.p50),
        })
      : '';
  fill($('outlookBody'), [
    el('p', { id: 'outlookLine', class: 'outlook', text: clears + more }),
    o.atRisk.length
      ? el('div', {}, [
          el('h3', { text: t('outlookAtRisk', { n: o.atRiskTotal }) }),
          el(
            'ul',
            { id: 'outlookRisk' },
            o.atRisk.map(function (r) {
              return el('li', {
                'data-booking': r.bookingId,
                text: t('outlookRiskTruck', {
                  plate: r.plateMasked,
                  closes: at(r.windowClosesAt),
                  p: Math.round(r.probability * 100),
                }),
              });
            }),
          ),
        ])
      : el('p', { class: 'muted', text: t('outlookNoRisk') }),
    el('p', {
      class: 'muted basis',
      text: t('outlookBasis', {
        m: Math.round(o.basis.serviceMinutes * 10) / 10,
        served: o.basis.served,
        runs: o.basis.runs,
      }),
    }),
  ]);
}
