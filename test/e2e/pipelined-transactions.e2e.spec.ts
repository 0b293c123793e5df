import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { Socket } from 'node:net';
import type { Pool, PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import { actorContext, CommitBehind, inTransaction, pgError } from '@kouan/common';
import { startApi, TestApi } from '../support/harness';

/**
 * The pool's connections are pipelined (dataSourceOptions): statements issued together leave at once and are
 * answered in order, each seeing the ones before (a check-in's lock, move and read). A transaction's last statement
 * may be left in flight with its COMMIT right behind it (CommitBehind): kept when it succeeds, and when it fails the
 * whole work is undone and its error thrown, though Postgres answers that COMMIT without an error.
 */
describe('pipelined connections and CommitBehind (real Postgres)', () => {
  let api: TestApi;
  const socketOf = (em: EntityManager) =>
    (em.queryRunner as unknown as { databaseConnection: { connection: { stream: Socket } } }).databaseConnection
      .connection.stream;
  const count = async () => (await api.ds.query(`SELECT count(*)::int AS n FROM pipeline_probe`))[0].n as number;

  beforeAll(async () => {
    api = await startApi();
    await api.ds.query(`CREATE TABLE pipeline_probe (id int PRIMARY KEY)`);
  });
  afterAll(() => api.close());
  beforeEach(() => api.ds.query(`TRUNCATE pipeline_probe`));

  it('runs the pool pipelined and corked: statements issued together leave in one write, answered in order', async () => {
    const pool = (api.ds.driver as PostgresDriver).master as Pool;
    const client: PoolClient = await pool.connect();
    try {
      expect((client as unknown as { pipeline: boolean }).pipeline).toBe(true);
      // Sent together, and held in the corked socket until the continuations running now are done: one write.
      const socket = (client as unknown as { connection: { stream: Socket } }).connection.stream;
      const both = Promise.all([client.query('SELECT 1 AS one'), client.query('SELECT 2 AS two')]);
      expect(socket.writableCorked).toBe(1);
      const [one, two] = await both;
      expect([one.rows, two.rows]).toEqual([[{ one: 1 }], [{ two: 2 }]]);
    } finally {
      client.release();
    }
    const seen = await inTransaction(api.ds, (em) =>
      Promise.all([
        em.query(`INSERT INTO pipeline_probe VALUES (1)`),
        em.query(`INSERT INTO pipeline_probe SELECT max(id) + 1 FROM pipeline_probe`),
        em.query(`SELECT array_agg(id ORDER BY id) AS ids FROM pipeline_probe`),
      ]),
    );
    expect(seen[2]).toEqual([{ ids: [1, 2] }]);
    expect(await count()).toBe(2);
  });

  it('commits behind a last statement that succeeds, and answers with the value', async () => {
    const value = await inTransaction<string>(api.ds, async (em) => {
      await em.query(`INSERT INTO pipeline_probe VALUES (1)`);
      return new CommitBehind('kept', em.query(`INSERT INTO pipeline_probe VALUES (2)`));
    });
    expect(value).toBe('kept');
    expect(await count()).toBe(2);
  });

  it('undoes the whole work and throws when the last statement fails behind its COMMIT', async () => {
    const failed = await inTransaction<string>(api.ds, async (em) => {
      await em.query(`INSERT INTO pipeline_probe VALUES (1)`);
      // A duplicate key: the transaction is aborted, and the COMMIT behind it rolls back.
      return new CommitBehind('not kept', em.query(`INSERT INTO pipeline_probe VALUES (1)`));
    }).catch((e: unknown) => e);
    expect(pgError(failed)).toEqual({ code: '23505', constraint: 'pipeline_probe_pkey' });
    expect(await count()).toBe(0);
    // Carried behind another answer (a gate read's, behind its check-in's event), the same.
    const carried = await inTransaction<string>(api.ds, async (em) => {
      await em.query(`INSERT INTO pipeline_probe VALUES (2)`);
      return new CommitBehind(0, em.query(`INSERT INTO pipeline_probe VALUES (2)`)).carrying('not kept either');
    }).catch((e: unknown) => e);
    expect(pgError(carried)).toEqual({ code: '23505', constraint: 'pipeline_probe_pkey' });
    expect(await count()).toBe(0);
    // The connection serves the next transaction as before.
    await inTransaction(api.ds, (em) => em.query(`INSERT INTO pipeline_probe VALUES (3)`));
    expect(await count()).toBe(1);
  });
  it("sends BEGIN and the actor's name with the work's first statement, not a round trip ahead of it", async () => {
    const actor = { id: 'pipeline-probe', role: 'port_staff', port: 'MOHAN' };
    const seen = await actorContext.run(actor, () =>
      inTransaction(api.ds, async (em) => {
        const socket = socketOf(em);
        // The work starts while BEGIN and the actor's statement still wait in the corked socket: not even sent.
        const heldAtStart = { corked: socket.writableCorked, bytes: socket.writableLength };
        let writes = 0;
        for (const method of ['_write', '_writev'] as const) {
          const original = socket[method] as (...args: unknown[]) => void;
          socket[method] = function (this: Socket, ...args: unknown[]) {
            writes++;
            return original.apply(this, args);
          } as never;
        }
        try {
          const [row] = (await em.query(
            `INSERT INTO pipeline_probe VALUES (1)
             RETURNING current_setting('kouan.actor', true) AS actor`,
          )) as { actor: string }[];
          return { heldAtStart, writes, ...row };
        } finally {
          delete (socket as Partial<Socket>)._write;
          delete (socket as Partial<Socket>)._writev;
        }
      }),
    );
    expect(seen.heldAtStart.corked).toBe(1);
    expect(seen.heldAtStart.bytes).toBeGreaterThan(0);
    // BEGIN, the actor and the insert left in one write, and ran in that order: the insert saw the actor, which is
    // set for the transaction only (set_config's is_local), so it ran in the same transaction.
    expect(seen.writes).toBe(1);
    expect(JSON.parse(seen.actor)).toEqual(actor);
    expect(await count()).toBe(1);
    // A failing first statement fails the transaction as before, and the connection serves the next one.
    const failed = await inTransaction(api.ds, (em) => em.query(`INSERT INTO pipeline_probe VALUES (1)`)).catch(
      (e: unknown) => e,
    );
    expect(pgError(failed)).toEqual({ code: '23505', constraint: 'pipeline_probe_pkey' });
    await inTransaction(api.ds, (em) => em.query(`INSERT INTO pipeline_probe VALUES (2)`));
    expect(await count()).toBe(2);
  });
});
