import { modelOf, OutlookBasisRow, OutlookStateRow } from '@kouan/outlook';

/** The outlook's model figures from what the port measured (docs/outlook.md, "The model and its inputs"). */
describe('outlook basis', () => {
  const row = { defaultServiceMinutes: 8, calledTimeoutMinutes: 15 } as OutlookStateRow;
  const nothing: OutlookBasisRow = {
    served: 0,
    serviceMean: null,
    serviceSd: null,
    decided: 0,
    checkedIn: 0,
    offsetMean: null,
    offsetSd: null,
    decidedToday: 0,
    checkedInToday: 0,
    called: 0,
    skipped: 0,
    timedOut: 0,
  };

  it("takes the simulator's figures while nothing is measured", () => {
    expect(modelOf(row, nothing)).toEqual({
      model: {
        serviceMinutes: 8,
        serviceCv: 0.5,
        showUp: 0.92,
        arrivalMean: -20,
        arrivalSd: 30,
        absence: { skip: 0.03, gone: 0.01, waitMinutes: 2, timeoutMinutes: 15 },
      },
      showUpFrom: 'default',
    });
  });

  it("takes the 28 days' show-up before today's first window closes, then today's with it as ten bookings", () => {
    const history = { ...nothing, decided: 40, checkedIn: 30, offsetMean: -10, offsetSd: 5 };
    expect(modelOf(row, history)).toMatchObject({ model: { showUp: 0.75, arrivalMean: -10 }, showUpFrom: 'history' });
    // Today: 30 decided, all came: (30 + 10 × 0.75) / 40.
    const today = { ...history, decidedToday: 30, checkedInToday: 30 };
    expect(modelOf(row, today)).toMatchObject({ model: { showUp: 0.9375 }, showUpFrom: 'today' });
    // Without history, today's beside the simulator's 92 %: (5 + 9.2) / 15.
    const early = modelOf(row, { ...nothing, decidedToday: 5, checkedInToday: 5 });
    expect(early.model.showUp).toBeCloseTo(14.2 / 15, 10);
  });

  it('measures absent trucks from 20 called on, and service time from 10 served', () => {
    const measured = { ...nothing, called: 20, skipped: 1, timedOut: 2, served: 10, serviceMean: 6, serviceSd: 3 };
    expect(modelOf(row, measured).model).toMatchObject({
      serviceMinutes: 6,
      serviceCv: 0.5,
      absence: { skip: 0.05, gone: 0.1 },
    });
    const few = { ...measured, called: 19, served: 9 };
    expect(modelOf(row, few).model).toMatchObject({ serviceMinutes: 8, absence: { skip: 0.03, gone: 0.01 } });
  });
});
