import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PORT_FIELDS, WAIT_FIELDS } from '@kouan/opendata';

/** docs/open-data.md lists the fields the answers describe themselves with, units included, in the CSV's order. */
describe('open data fields in the docs', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'open-data.md'), 'utf8');
  /** The rows of the fields table of one section: [field, type, unit]. */
  const table = (heading: string) =>
    (doc.split(heading)[1] ?? '')
      .split(/^## /m)[0]
      .split('\n')
      .filter((l) => /^\| `/.test(l))
      .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim().replace(/`/g, '').replace(/\\\|/g, '|')))
      .map(([, name, type, unit]) => [name, type, unit]);

  it('lists the waits fields in their order, with their types and units', () => {
    expect(table('## `GET /open/v1/waits` and `waits.csv`')).toEqual(
      WAIT_FIELDS.map((f) => [f.name, f.type, f.unit ?? '']),
    );
  });

  it('lists the ports fields, each direction once as <export|import>', () => {
    const documented = table('## `GET /open/v1/ports`');
    const expected = PORT_FIELDS.map((f) => [
      f.name.replace(/\.(export|import)\./, '.<export|import>.'),
      f.type,
      f.unit ?? '',
    ]);
    expect(documented).toEqual([...new Map(expected.map((e) => [e[0], e])).values()]);
  });
});
