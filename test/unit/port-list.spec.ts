import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePortList, PortListError, readPortList } from '@kouan/ports';

const boten = {
  code: 'BOTEN',
  name: 'Boten Road',
  county: 'Namtha District',
  mode: 'road',
  neighbour: 'CN',
  counterpart: 'Mohan Road',
  positioning: 'international-hub',
  timeZone: 'Asia/Vientiane',
};

/** The message parsePortList throws for `content` (fails the test if it accepts it). */
function problem(content: unknown): string {
  try {
    parsePortList(content, 'ports.json');
  } catch (e) {
    expect(e).toBeInstanceOf(PortListError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(content)}`);
}

describe('ports files', () => {
  it("reads both shipped files (Yunnan's and the Lao sample) whole", () => {
    const yunnan = readPortList(join(__dirname, '../../libs/ports/src/data/yunnan-ports.json'));
    const laos = readPortList(join(__dirname, '../../libs/ports/src/data/laos-ports.json'));
    expect(yunnan.find((p) => p.code === 'MOHAN')?.counterpart).toBe('Boten Road');
    expect(laos.find((p) => p.code === 'BOTEN')).toMatchObject({
      counterpart: 'Mohan Road',
      timeZone: 'Asia/Vientiane',
    });
  });

  it('names every problem of a bad file, by port and field', () => {
    const message = problem({
      ports: [
        { ...boten, code: 'bo ten', mode: 'truck', timeZone: 'Asia/Nowhere' },
        { ...boten, name: undefined, neighbour: 'China', names: { fr: 'Boten' } },
        boten,
      ],
    });
    expect(message).toMatch(/^ports\.json: /);
    expect(message).toContain('ports[0].code: must be 2-32 capital letters, digits or dashes');
    expect(message).toContain('ports[0].mode: must be one of road, rail, air, water');
    expect(message).toContain('ports[0].timeZone: must be an IANA time zone');
    expect(message).toContain('ports[1].name: required');
    expect(message).toContain('ports[1].neighbour: must be the ISO 3166 alpha-2 code');
    expect(message).toContain('ports[1].names.fr: language must be one of');
    expect(message).toContain('ports: code BOTEN appears more than once');
  });

  it('refuses what is not a list of ports', () => {
    for (const content of [null, [], {}, { ports: [] }, { ports: {} }])
      expect(problem(content)).toBe('ports.json: must be an object with a non-empty "ports" array');
    expect(problem({ ports: ['BOTEN'] })).toBe('ports.json: ports[0]: must be an object');
  });

  it('says when the file is missing or not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kouan-ports-'));
    writeFileSync(join(dir, 'bad.json'), '{"ports": [');
    expect(() => readPortList(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot be read \(ENOENT\)/);
    expect(() => readPortList(join(dir, 'bad.json'))).toThrow(/bad\.json: not JSON/);
  });
});
