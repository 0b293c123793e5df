import { checkOutlook, LineLog, OutlookAnswer, summarize } from '../../bench/soak-outlook';

/** Minutes after midnight as an instant on a UTC day, and back. */
const DAY = Date.parse('2026-12-07T00:00:00Z');
const iso = (minute: number) => new Date(DAY + minute * 60_000).toISOString();
const minute = (s: string) => (Date.parse(s) - DAY) / 60_000;

/** Trucks 1 and 2 check in at 600 and 605; 1 is called at 610, skipped back at 612, called at 620; 2 at 615. */
function line(): LineLog {
  const l = new LineLog();
  const steps: Array<[number, number, Parameters<LineLog['set']>[2]]> = [
    [1, 600, 'waiting'],
    [2, 605, 'waiting'],
    [1, 610, 'called'],
    [1, 612, 'waiting'],
    [2, 615, 'called'],
    [1, 620, 'called'],
    [3, 620, 'waiting'], // checks in at the instant 1 is called: the line is not empty at 620
    [3, 630, 'called'],
  ];
  for (const [truck, at, state] of steps) {
    l.set(truck, at, state);
    l.close(at);
  }
  return l;
}

const answer = (asOf: number, p50: number | null, atRisk: Array<[string, number]> = []): OutlookAnswer => ({
  asOf: iso(asOf),
  version: 7,
  clearsAt: { p10: p50 === null ? null : iso(p50 - 5), p50: p50 === null ? null : iso(p50), p90: null },
  atRisk: atRisk.map(([bookingId, closes]) => ({ bookingId, windowClosesAt: iso(closes), probability: 0.6 })),
  atRiskTotal: atRisk.length,
  // The as-of instant (its hour's start, 600), then 660 and 720.
  hours: [600, 660, 720].map((h, k) => ({ hour: iso(h), waiting: { p10: k, p50: k + 1, p90: k + 2 } })),
});

describe('the soak’s outlook check', () => {
  it('takes the line as cleared at the first instant nobody waits after its actions, or at once when empty', () => {
    const l = line();
    expect(l.clearsAt(590)).toBe(590);
    expect(l.clearsAt(601)).toBe(630);
    expect(l.clearsAt(630)).toBe(630);
    expect(l.stateAt(1, 611)).toBe('called');
    expect(l.stateAt(1, 613)).toBe('waiting');
    expect(l.stateAt(4, 700)).toBe('booked');
    expect([599, 600, 604, 605, 611, 612, 620, 700].map((at) => l.waitingAt(at))).toEqual([0, 1, 1, 2, 1, 2, 1, 0]);
    const open = new LineLog();
    open.set(1, 600, 'waiting');
    open.close(600);
    expect(open.clearsAt(600)).toBeNull();
  });

  it('compares the clear time and counts at-risk trucks still waiting, not come or no-shows when their window closed', () => {
    const trucks: Record<string, number> = { a: 1, b: 2, c: 3, d: 4 };
    const l = line();
    l.set(4, 640, 'no_show');
    l.close(640);
    const c = checkOutlook(
      answer(601, 640, [
        ['a', 613], // waiting again after its skip: missed
        ['b', 616], // called at 615: not missed
        ['c', 619], // not checked in yet: missed
        ['d', 650], // a no-show by then: missed
        ['a', 700], // closes after the played window: undecided
      ]),
      l,
      minute,
      (id) => trucks[id],
      660,
    );
    expect(c).toMatchObject({
      predicted: { p10: 635, p50: 640, p90: null },
      actual: 630,
      errorMinutes: 10,
      withinBand: false,
      atRisk: { total: 5, listed: 5, decided: 4, missed: 3, share: 0.75 },
      // The first hour is the as-of instant (601: one waits); 720 is after the played window (660).
      hours: [
        { at: 601, p10: 0, p50: 1, p90: 2, actual: 1 },
        { at: 660, p10: 1, p50: 2, p90: 3, actual: 0 },
      ],
    });
    const none = checkOutlook(answer(601, null), l, minute, (id) => trucks[id], 660);
    expect(none).toMatchObject({ errorMinutes: null, withinBand: null, atRisk: { decided: 0, share: null } });
    expect(summarize([c, none, { ...c, errorMinutes: -4 }])).toEqual({
      answered: 3,
      clearErrorMedianMinutes: 7,
      withinBand: 0,
      // |1 − 1| and |2 − 0|, three times over; within p10–p90: the first hour's.
      hours: 6,
      hourErrorMedian: 1,
      hourErrorMean: 1,
      hoursAboveP50: 0,
      hoursBelowP50: 3,
      hoursWithinBand: 3,
      atRiskDecided: 8,
      atRiskMissed: 6,
      atRiskMissedShare: 0.75,
    });
  });
});
