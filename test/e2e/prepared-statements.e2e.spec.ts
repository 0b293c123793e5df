import { inTransaction, one, pgError, rows } from '@kouan/common';
import { startApi, TestApi } from '../support/harness';

/**
 * rows()' `prepare`: a statement sent by name is planned once per connection and answers as the unnamed one does,
 * in a transaction and straight from the pool, again and again on the same connection (pg prepares each name once),
 * and its errors read as every statement's (pgError).
 */
describe('prepared statements (rows with prepare, real Postgres)', () => {
  let api: TestApi;
  const TEXT = `SELECT code, $2::int + 1 AS next FROM ports WHERE code = $1`;

  beforeAll(async () => {
    api = await startApi();
  });

  afterAll(async () => {
    await api.close();
  });

  it('answers as the unnamed statement does, run many times in one transaction and from the pool', async () => {
    const plain = await rows(api.ds, TEXT, ['MOHAN', 1]);
    expect(plain).toEqual([{ code: 'MOHAN', next: 2 }]);
    const inOne = await inTransaction(api.ds, async (em) => {
      const seen: unknown[] = [];
      // More than five runs: Postgres may then switch to its generic plan, which must answer the same.
      for (let i = 0; i < 8; i++) seen.push(await one(em, TEXT, ['MOHAN', i], { prepare: true }));
      return seen;
    });
    expect(inOne).toEqual([...Array(8).keys()].map((i) => ({ code: 'MOHAN', next: i + 1 })));
    const fromPool = await Promise.all(
      ['MOHAN', 'HEKOU', 'NOPE'].map((code) => rows(api.ds, TEXT, [code, 0], { prepare: true })),
    );
    expect(fromPool).toEqual([[{ code: 'MOHAN', next: 1 }], [{ code: 'HEKOU', next: 1 }], []]);
  });

  it("reports a failing prepared statement's error as pgError reads it, and the transaction rolls back", async () => {
    const failing = inTransaction(api.ds, (em) =>
      rows(em, `SELECT $1::int / 0 AS x`, [1], { prepare: true }).then(() => 'not reached'),
    );
    const error = await failing.catch((e: unknown) => e);
    expect(pgError(error)).toEqual({ code: '22012', constraint: undefined });
    // The pool's connections still serve the same prepared statement afterwards.
    expect(await rows(api.ds, TEXT, ['MOHAN', 4], { prepare: true })).toEqual([{ code: 'MOHAN', next: 5 }]);
  });
});
