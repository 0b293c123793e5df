import {
  acceptanceWindows,
  defaultParams,
  farFigures,
  farWindows,
  followingCapacities,
  parseOptions,
  Run,
  runFcfs,
  SimParams,
  SimTruck,
  simulateCounterpart,
  spread,
} from '@kouan/sim';

const at = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Trucks taken by the far side in each of its windows. */
const crossedPerWindow = (run: Run, p: SimParams) =>
  farWindows(p).map(
    (w) => run.outcomes.filter((o) => o.crossedAt !== null && o.crossedAt >= w.start && o.crossedAt < w.end).length,
  );

describe('capacity simulator: the far side of the border', () => {
  it('spreads acceptance over windows and slots, the remainder to the earliest, capped at the slot capacity', () => {
    expect(spread(200, 12)).toEqual([17, 17, 17, 17, 17, 17, 17, 17, 16, 16, 16, 16]);
    expect(spread(2, 3)).toEqual([1, 1, 0]);
    const windows = acceptanceWindows(
      [
        { start: at('08:00'), end: at('09:00') },
        { start: at('09:00'), end: at('10:00') },
      ],
      11,
    );
    expect(windows.map((w) => w.quota)).toEqual([6, 5]);
    // Half-hour slots: 6 → 3 + 3, 5 → 3 + 2 but capped at 2 a slot; a slot starting after the windows takes none.
    const slots = ['08:00', '08:30', '09:00', '09:30', '10:00'].map((s) => ({ start: at(s) }));
    expect(followingCapacities(slots, windows, 3)).toEqual([3, 3, 3, 2, 0]);
    expect(followingCapacities(slots, windows, 2)).toEqual([2, 2, 2, 2, 0]);
  });

  it('a full road between stops our lane until the far side takes a truck; the window closes on the last one', () => {
    // The far side takes 2 trucks 08:00–09:00, one every 30 minutes; the road between holds one truck.
    const p: SimParams = {
      ...defaultParams(),
      counterpart: { name: 'Boten', daily: 2, hours: [at('08:00'), at('09:00')], space: 1, follow: false },
    };
    const trucks: SimTruck[] = [0, 1, 2].map((id) => ({
      id,
      firm: id,
      perishable: false,
      service: 10,
      arrival: at('07:00'),
      offset: 0,
      noShow: false,
      absence: 'none',
    }));
    const run = runFcfs(trucks, p);
    // 0: served 08:00–08:10, taken at once. 1: called when 0 left the road, on it 08:20–08:40 (the far side's
    // 30 minutes). 2: the lane is free at 08:20 but may call only at 08:40, when 1 is taken; at 08:50 the window
    // is over and it stays on the road.
    expect(run.outcomes.map((o) => [o.calledAt, o.leftAt, o.crossedAt])).toEqual([
      [at('08:00'), at('08:10'), at('08:10')],
      [at('08:10'), at('08:20'), at('08:40')],
      [at('08:40'), at('08:50'), null],
    ]);
    const x = farFigures(run);
    expect(x).toMatchObject({ crossed: 2, notCrossed: 1, betweenMax: 1 });
    expect([x.betweenP50, x.betweenP90]).toEqual([
      { minutes: 20, censored: false },
      { minutes: 1440 - at('08:50'), censored: true },
    ]);
  });

  it('following acceptance keeps the road between short and takes no more than the far side accepts', () => {
    const { p } = parseOptions(['--counterpart-daily', '60', '--trucks', '150', '--between-space', '10']);
    const sim = simulateCounterpart(p);
    expect(sim.policies.map((x) => x.name)).toEqual([
      'FCFS (today)',
      'Kouan, not following acceptance (20 a slot)',
      'Kouan following acceptance',
    ]);
    const [fcfs, notFollowing, following] = sim.policies;
    const quotas = farWindows(p).map((w) => w.quota);
    expect(quotas.reduce((a, b) => a + b, 0)).toBe(60);
    for (const { run, f, x } of sim.policies) {
      crossedPerWindow(run, p).forEach((n, i) => expect(n).toBeLessThanOrEqual(quotas[i]));
      expect(x.crossed).toBeLessThanOrEqual(60);
      expect(x.betweenMax).toBeLessThanOrEqual(10);
      // Every truck is booked on a later day, a no-show, taken by the far side, or still on our side at midnight.
      expect(f.laterDays + f.noShows + x.crossed + x.notCrossed).toBe(150);
    }
    // Without following, the road between fills and our lanes stop; FCFS leaves the excess on the road before them.
    expect(notFollowing.x.betweenMax).toBe(10);
    expect(fcfs.x.betweenMax).toBe(10);
    expect(fcfs.f.roadsideMax).toBeGreaterThan(following.f.roadsideMax);
    // Following books no more than the far side accepts: the rest waits at the depot, nothing is left at midnight.
    expect(150 - following.f.laterDays).toBeLessThanOrEqual(60);
    expect(following.x.betweenMax).toBeLessThan(notFollowing.x.betweenMax);
    expect(following.x.betweenMean).toBeLessThan(notFollowing.x.betweenMean / 2);
    expect(following.x.notCrossed).toBe(0);
    expect(following.x.betweenP90.minutes).toBeLessThan(notFollowing.x.betweenP90.minutes);
    // Deterministic for a seed.
    expect(simulateCounterpart(p).markdown).toBe(sim.markdown);
  });

  it('takes the far side’s options only with --counterpart-daily, and refuses bad ones', () => {
    const { p, svg } = parseOptions(['--counterpart-daily', '200']);
    expect(p).toMatchObject({ trucks: 425, serviceMinutes: 3, capacity: 20 });
    expect(p.counterpart).toEqual({
      name: 'Boten Road',
      daily: 200,
      hours: [at('08:00'), at('20:00')],
      space: 30,
      follow: false,
    });
    expect(svg).toBe('docs/img/simulation-mohan-counterpart.svg');
    const given = parseOptions([
      '--counterpart-daily',
      '150',
      '--trucks',
      '300',
      '--counterpart-hours',
      '09:00-17:00',
      '--between-space',
      '5',
    ]).p;
    expect(given).toMatchObject({ trucks: 300, counterpart: { daily: 150, hours: [540, 1020], space: 5 } });
    expect(parseOptions([]).p.counterpart).toBeNull();
    expect(() => parseOptions(['--counterpart-daily', 'many'])).toThrow(/--counterpart-daily must be a number/);
    expect(() => parseOptions(['--counterpart-daily=-1'])).toThrow(/--counterpart-daily must be a number/);
    expect(() => parseOptions(['--counterpart-daily', '2.5'])).toThrow(/whole number/);
    expect(() => parseOptions(['--counterpart-daily', '9', '--between-space', '0'])).toThrow(/--between-space/);
    expect(() => parseOptions(['--between-space', '5'])).toThrow(/is only for --counterpart-daily runs/);
    expect(() => parseOptions(['--counterpart-daily', '9', '--counterpart-hours', '08:00-12:00,13:00-17:00'])).toThrow(
      /one HH:MM-HH:MM window/,
    );
  });
});
