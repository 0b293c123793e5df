import { canonical, ChainedRow, chainHash, ChainVerifier, GENESIS, StoredRow } from '@kouan/audit';

const chain = (n: number): StoredRow[] => {
  let prevHash = GENESIS;
  return Array.from({ length: n }, (_, i) => {
    const row: ChainedRow = {
      seq: i + 1,
      at: Date.UTC(2026, 10, 30, 8, 0, i),
      type: i % 2 ? 'booking.called' : 'lane.status',
      actor: { id: `u${i}`, role: 'port_staff', port: 'MOHAN' },
      portCode: 'MOHAN',
      bookingId: null,
      data: { n: i, nested: { b: 1, a: [1, 2] } },
    };
    const hash = chainHash(prevHash, row);
    const stored = { ...row, prevHash, hash };
    prevHash = hash;
    return stored;
  });
};

const check = (rows: StoredRow[], page = 3) => {
  const v = new ChainVerifier();
  for (let i = 0; i < rows.length && v.feed(rows.slice(i, i + page)); i += page) {
    /* next page */
  }
  return v.result;
};

describe('audit chain', () => {
  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonical({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonical({ x: 1, y: 2 })).toBe(canonical({ y: 2, x: 1 }));
  });

  it('a chain built by the writer verifies, across pages', () => {
    const rows = chain(10);
    expect(check(rows)).toEqual({ checked: 10, firstBadSeq: null, headSeq: 10, headHash: rows[9].hash });
    expect(check([])).toEqual({ checked: 0, firstBadSeq: null, headSeq: 0, headHash: GENESIS });
  });

  it('started at a row known to link to a hash, checks from there on', () => {
    const rows = chain(10);
    const from = (k: number, tail: StoredRow[]) => {
      const v = new ChainVerifier({ headSeq: k - 1, headHash: rows[k - 2].hash });
      v.feed(tail);
      return v.result;
    };
    expect(from(6, rows.slice(5))).toEqual({ checked: 5, firstBadSeq: null, headSeq: 10, headHash: rows[9].hash });
    // Starting a row late, or linking to another hash, is a break at the first row fed.
    expect(from(6, rows.slice(6))).toMatchObject({ checked: 1, firstBadSeq: 6 });
    expect(from(7, rows.slice(5))).toMatchObject({ checked: 1, firstBadSeq: 7 });
  });

  it.each([
    ['type', (r: StoredRow) => ({ ...r, type: 'booking.completed' })],
    ['time', (r: StoredRow) => ({ ...r, at: r.at + 1 })],
    ['actor', (r: StoredRow) => ({ ...r, actor: { id: 'x', role: 'port_admin' } })],
    ['port', (r: StoredRow) => ({ ...r, portCode: 'HEKOU' })],
    ['booking', (r: StoredRow) => ({ ...r, bookingId: '00000000-0000-0000-0000-000000000000' })],
    ['data', (r: StoredRow) => ({ ...r, data: { n: 99 } })],
    ['stored hash', (r: StoredRow) => ({ ...r, hash: GENESIS })],
    ['link', (r: StoredRow) => ({ ...r, prevHash: GENESIS })],
  ])('a changed %s is named', (_, change) => {
    const rows = chain(8);
    rows[4] = change(rows[4]);
    expect(check(rows)).toMatchObject({ firstBadSeq: 5, checked: 5, headSeq: 4 });
  });

  it('a removed row is named by its place; reordered rows by the first', () => {
    const removed = chain(8).filter((r) => r.seq !== 3);
    expect(check(removed).firstBadSeq).toBe(3);
    const swapped = chain(8);
    [swapped[2], swapped[3]] = [
      { ...swapped[3], seq: 3 },
      { ...swapped[2], seq: 4 },
    ];
    expect(check(swapped).firstBadSeq).toBe(3);
    // A row rehashed after an edit still breaks the next row's link.
    const rehashed = chain(8);
    const edited = { ...rehashed[4], data: { n: 99 } };
    rehashed[4] = { ...edited, hash: chainHash(edited.prevHash, edited) };
    expect(check(rehashed).firstBadSeq).toBe(6);
  });
});
