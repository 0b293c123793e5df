import { getMetadataArgsStorage } from 'typeorm';
import { Schedule } from '@kouan/ports';
import { DEFAULT_SCHEDULE } from '@kouan/ports';
import { defaultParams, parseOptions, portBays, PRODUCT_DEFAULTS } from '@kouan/sim';

const columnDefault = (property: string) =>
  getMetadataArgsStorage().columns.find((c) => c.target === Schedule && c.propertyName === property)?.options.default;

describe('capacity simulator: its defaults are the product’s', () => {
  it('the seeded schedule and the Schedule column defaults', () => {
    const s = DEFAULT_SCHEDULE;
    expect(s.capacityExport).toBe(s.capacityImport);
    expect(PRODUCT_DEFAULTS).toEqual({
      slotMinutes: s.slotMinutes,
      capacity: s.capacityExport,
      openFrom: s.openFrom,
      openTo: s.openTo,
      firmQuotaPercent: s.firmQuotaPercent,
      earlyArrivalMinutes: s.earlyArrivalMinutes,
      checkInGraceMinutes: s.checkInGraceMinutes,
      calledTimeoutMinutes: s.calledTimeoutMinutes,
      priorityRatio: columnDefault('priorityRatio'),
      priorityCapPercent: columnDefault('priorityCapPercent'),
      defaultServiceMinutes: columnDefault('defaultServiceMinutes'),
    });
  });

  it("Mohan's bays from the holding-area data; one lane a direction as seeded; refuses a port that is not a road port", () => {
    expect(portBays('MOHAN')).toBe(200);
    expect(defaultParams().lanes).toBe(1);
    expect(() => portBays('MOHAN-RAIL')).toThrow(/not a road port/);
  });

  it('parses the documented options and refuses bad ones', () => {
    const { p, sweep, svg } = parseOptions([
      '--port',
      'mohan',
      '--trucks',
      '950',
      '--lanes',
      '2',
      '--capacity',
      '8',
      '--no-show',
      '0.1',
      '--profile',
      '00:00-12:00=0.5,12:00-24:00=0.5',
      '--lane-hours',
      '08:00-12:00,14:00-20:00',
    ]);
    expect(p).toMatchObject({
      port: 'MOHAN',
      trucks: 950,
      lanes: 2,
      capacity: 8,
      noShow: 0.1,
      laneHours: [
        [480, 720],
        [840, 1200],
      ],
    });
    expect(sweep.hours).toEqual([
      [480, 1200],
      [360, 1320],
    ]);
    expect(svg).toBe('docs/img/simulation-mohan.svg');
    expect(() => parseOptions(['--no-show', '2'])).toThrow(/no-show/);
    expect(() => parseOptions(['--profile', '03:00-08:00=0.5'])).toThrow(/sum to 0.5/);
    expect(() => parseOptions(['--bogus', '1'])).toThrow();
  });
});
