import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AuditService, chainHash, StoredRow } from '@kouan/audit';
import { PortEventsRepository } from '@kouan/ports';
import { API, bearer, laneOf, portStaffToken, regulatorToken, startApi, TestApi } from '../support/harness';
import { admin } from '../support/db';

/** The lock the chainer takes (hashtext('kouan:audit-chain')): the one the app's login held in the finding. */
const CHAIN_LOCK = `SELECT pg_advisory_xact_lock(hashtext('kouan:audit-chain'))`;

const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/**
 * JSON text where jsonb and JavaScript part ways: keys that sort differently by code point and by UTF-16 unit,
 * escapes, and numbers whose shortest JavaScript form is not Postgres's (half-way integers past 2^53, exponents,
 * overflow to Infinity, underflow to 0).
 */
const AWKWARD = [
  `{"b": 1, "a": {"d": [3, {"z": 1, "y": 2}], "c": null}, "": "", "\uE000": 1, "😀": 2, "\uD7FF": 3, "\u{10FFFF}": 4, "\uFFFF": 5}`,
  `{"n": [0, -0, 1.0, 0.1, 1e-7, 0.000001, 1e21, 1e20, 123.456, 45649075552657740, 1152921504606846976, 9007199254740993, 123456789012345678901234567890, 5e-324, 1e-400, 1e400, -1e400, 1.7976931348623157e308, 0.30000000000000004]}`,
  `{"s": ["quote \\" backslash \\\\ slash / tab \\t nl \\n cr \\r bs \\b ff \\f", "\\u0001\\u001f\\u007f", "中文 ລາວ é \u2028 \u2029 😀 \uFFFD"], "t": true, "f": false, "nil": null, "empty": {}, "none": []}`,
  `[1, "two", [3, [4, {"5": 6}]]]`,
  `"just a string"`,
  `null`,
];

/** Random JSON text of every kind, with the characters and numbers above. */
function randomJson(rnd: () => number): string {
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  const chars = [
    'a',
    'Z',
    '0',
    ' ',
    '"',
    '\\',
    '/',
    '\n',
    '\u0001',
    '\u007f',
    'é',
    '中',
    '\u2028',
    '\uD7FF',
    '\uE000',
    '\uFFFF',
    '😀',
    '\u{10000}',
    'K',
  ];
  const str = () => JSON.stringify(Array.from({ length: Math.floor(rnd() * 4) }, () => pick(chars)).join(''));
  const num = () => {
    const r = rnd();
    if (r < 0.3) return String(Math.floor(rnd() * 2e6) - 1e6);
    if (r < 0.5) return String((rnd() - 0.5) * 10 ** Math.floor(rnd() * 50 - 25));
    if (r < 0.7) return String(2 ** (53 + Math.floor(rnd() * 30)) * (1 + Math.floor(rnd() * 2 ** 20) / 2 ** 20));
    return `${1 + Math.floor(rnd() * 9)}${Math.floor(rnd() * 1e9)}.${Math.floor(rnd() * 1e9)}e${Math.floor(rnd() * 700 - 350)}`;
  };
  const value = (depth: number): string => {
    const r = rnd();
    if (depth > 3 || r < 0.35) return pick([() => 'null', () => 'true', () => 'false', str, num])();
    if (r < 0.6) return `[${Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1)).join(',')}]`;
    return `{${Array.from({ length: Math.floor(rnd() * 5) }, () => `${str()}:${value(depth + 1)}`).join(',')}}`;
  };
  return value(0);
}

interface LogRow {
  seq: string;
  at: Date;
  type: string;
  actor: Record<string, string> | null;
  port_code: string | null;
  booking_id: string | null;
  data: unknown;
  prev_hash: string;
  hash: string;
}
interface PendingRow {
  id: string;
  at: Date;
  type: string;
  actor: Record<string, string> | null;
  port_code: string | null;
  booking_id: string | null;
  data: unknown;
}

/**
 * The app's database login can only append to the audit trail (docs/audit.md): whatever it does, holding the
 * chain's lock or not, it cannot change or remove an action before or after it is chained, or write the chain
 * itself; the chain the database writes is the one GET /audit/verify computes, across rows chained before the
 * database did it too.
 */
describe("audit trail: the app's login can only append", () => {
  const PORT = 'MOHAN';
  let api: TestApi;
  let staff: string;
  let staffId: string;
  let regulator: string;
  let lane: string;
  /** Sessions as the app's login (a member of kouan_app, as the API and the worker log in) and as the owner. */
  let app: Client;
  let owner: Client;

  const chainAll = async () => {
    while ((await api.app.get(AuditService).chain()) > 0) {
      /* the next batch */
    }
  };
  const verify = async () => (await api.http.get(`${API}/audit/verify`).set(bearer(regulator)).expect(200)).body;
  const logCount = async () => Number((await owner.query('SELECT count(*) AS n FROM audit_log')).rows[0].n);
  const pending = async () => (await owner.query<PendingRow>('SELECT * FROM audit_pending ORDER BY id')).rows;
  const chained = async (afterSeq = 0) =>
    (await owner.query<LogRow>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq', [afterSeq])).rows;
  /** What a pending row records, as the chained row must hold it (`at` read at millisecond precision, as it is chained). */
  const content = (r: PendingRow | LogRow) => ({
    at: r.at.getTime(),
    type: r.type,
    actor: r.actor,
    portCode: r.port_code,
    bookingId: r.booking_id,
    data: r.data,
  });
  const setLane = async (status: 'open' | 'paused') => {
    await api.http.post(`${API}/ports/${PORT}/lanes/${lane}/status`).set(bearer(staff)).send({ status }).expect(200);
    // Its entry comes from its port event: queued here by the call the worker's port audit consumer makes.
    const [{ seq }] = await api.ds.query(`SELECT max(seq) AS seq FROM port_events WHERE type = 'lane.status_changed'`);
    await api.ds.transaction((em) =>
      api.app.get(AuditService).enqueueSelected(em, PortEventsRepository.AUDIT_ROWS, [[seq]]),
    );
  };
  /** A staff action's entry, pending, and its content: the truth the chain must keep. */
  const recordPause = async (status: 'open' | 'paused') => {
    await setLane(status);
    const entry = (await pending()).filter((p) => p.type === 'lane.status').at(-1)!;
    expect(entry).toMatchObject({ actor: { id: staffId, role: 'port_staff', port: PORT }, data: { status } });
    return entry;
  };
  /** The chain verifies, and its newest lane.status row holds exactly what was recorded. */
  const truthful = async (recorded: PendingRow) => {
    await chainAll();
    expect(await verify()).toMatchObject({ ok: true, firstBadSeq: null, headSeq: await logCount() });
    const rows = (await chained()).filter((r) => r.type === 'lane.status');
    expect(content(rows[rows.length - 1])).toEqual(content(recorded));
  };

  beforeAll(async () => {
    // No worker: the test chains when it wants to, through the same service call the worker makes.
    api = await startApi({}, { appRole: true });
    staff = await portStaffToken(api, PORT);
    staffId = api.tokens.verify(staff)!.sub;
    regulator = await regulatorToken(api);
    lane = await laneOf(api, PORT);
    app = new Client({ connectionString: api.dbUrl });
    owner = new Client({ connectionString: api.ownerDbUrl });
    await app.connect();
    await owner.connect();
    expect((await app.query('SELECT current_user AS u')).rows[0].u).toMatch(/^kouan_app_/);
    await chainAll();
    expect(await logCount()).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await app?.end();
    await owner?.end();
    await api?.close();
  });

  it("holding the chain's lock, it cannot rewrite a pending action (port_staff → port_admin, paused → open)", async () => {
    const recorded = await recordPause('paused');
    await app.query('BEGIN');
    try {
      await app.query(CHAIN_LOCK);
      // The lock is held: the chainer stands aside rather than wait.
      expect(await api.app.get(AuditService).chain()).toBe(0);
      await expect(
        app.query(
          `UPDATE audit_pending SET actor = jsonb_set(actor, '{role}', '"port_admin"'), data = jsonb_set(data, '{status}', '"open"') WHERE id = $1`,
          [recorded.id],
        ),
      ).rejects.toThrow(/permission denied for table audit_pending/);
    } finally {
      await app.query('ROLLBACK');
    }
    await truthful(recorded);
  });

  it('it cannot remove a pending action, with the lock or without', async () => {
    const recorded = await recordPause('open');
    await app.query('BEGIN');
    try {
      await app.query(CHAIN_LOCK);
      await expect(app.query('DELETE FROM audit_pending WHERE id = $1', [recorded.id])).rejects.toThrow(
        /permission denied for table audit_pending/,
      );
    } finally {
      await app.query('ROLLBACK');
    }
    await expect(app.query('DELETE FROM audit_pending')).rejects.toThrow(/permission denied for table audit_pending/);
    await expect(app.query('TRUNCATE audit_pending')).rejects.toThrow(/permission denied for table audit_pending/);
    await truthful(recorded);
  });

  it('it cannot write the chain: a forged row with a correct hash, an edit or a removal are refused', async () => {
    const recorded = await recordPause('paused');
    const [head] = await chained((await logCount()) - 1);
    // What a forger who knows the scheme would append: the recorded action with the roles swapped, hashed right.
    const forged = {
      seq: Number(head.seq) + 1,
      at: recorded.at.getTime(),
      type: recorded.type,
      actor: { ...recorded.actor!, role: 'port_admin' },
      portCode: recorded.port_code,
      bookingId: null,
      data: { ...(recorded.data as object), status: 'open' },
    };
    const hash = chainHash(head.hash, forged);
    await app.query('BEGIN');
    try {
      await app.query(CHAIN_LOCK);
      await expect(
        app.query(
          'INSERT INTO audit_log (seq, at, type, actor, port_code, booking_id, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
          [
            forged.seq,
            new Date(forged.at),
            forged.type,
            forged.actor,
            forged.portCode,
            null,
            forged.data,
            head.hash,
            hash,
          ],
        ),
      ).rejects.toThrow(/permission denied for table audit_log/);
    } finally {
      await app.query('ROLLBACK');
    }
    await expect(app.query(`UPDATE audit_log SET data = '{}' WHERE seq = $1`, [head.seq])).rejects.toThrow(
      /permission denied for table audit_log/,
    );
    await expect(app.query('DELETE FROM audit_log WHERE seq = $1', [head.seq])).rejects.toThrow(
      /permission denied for table audit_log/,
    );
    await truthful(recorded);
    expect(await logCount()).toBe(Number(head.seq) + 1);
  });

  it('it appends entries, but cannot choose their ids, move the id sequence, or queue one the chain could not hash', async () => {
    await app.query(`INSERT INTO audit_pending (type, port_code, data) VALUES ('test.appended', NULL, '{"n": 1}')`);
    // An id far ahead, which a later writer's nextval would collide with.
    const id = BigInt((await pending()).at(-1)!.id) + 1000n;
    await expect(
      app.query(`INSERT INTO audit_pending (id, type, data) VALUES ($1, 'test.appended', '{}')`, [id]),
    ).rejects.toThrow(/permission denied for table audit_pending/);
    await expect(app.query(`SELECT setval('audit_pending_id_seq', 1)`)).rejects.toThrow(
      /permission denied for sequence audit_pending_id_seq/,
    );
    // A year JavaScript prints as +YYYYYY, and nesting deeper than the chain's canonical form goes.
    await expect(
      app.query(`INSERT INTO audit_pending (at, type, data) VALUES ('20000-01-01Z', 'test.appended', '{}')`),
    ).rejects.toThrow(/chk_audit_pending_chainable/);
    await expect(
      app.query(`INSERT INTO audit_pending (type, data) VALUES ('test.appended', $1)`, [
        `${'['.repeat(40)}${']'.repeat(40)}`,
      ]),
    ).rejects.toThrow(/chk_audit_pending_chainable/);
    await chainAll();
    expect((await chained()).filter((r) => r.type === 'test.appended').map((r) => r.data)).toEqual([{ n: 1 }]);
    expect(await verify()).toMatchObject({ ok: true, headSeq: await logCount() });
  });

  it('its temporary tables named audit_log and audit_pending do not stand in for the real ones', async () => {
    const head = await logCount();
    await app.query(`INSERT INTO audit_pending (type, port_code, data) VALUES ('test.real', NULL, '{}')`);
    await app.query(
      `CREATE TEMP TABLE audit_pending (id bigint, at timestamptz, type varchar, actor jsonb, port_code varchar, booking_id uuid, data jsonb)`,
    );
    await app.query(
      `CREATE TEMP TABLE audit_log (seq bigint, at timestamptz, type varchar, actor jsonb, port_code varchar, booking_id uuid, data jsonb, prev_hash char(64), hash char(64))`,
    );
    try {
      await app.query(`INSERT INTO audit_pending VALUES (0, now(), 'test.forged', NULL, NULL, NULL, '{}')`);
      await app.query(`INSERT INTO audit_log VALUES (999, now(), 'test.forged', NULL, NULL, NULL, '{}', $1, $1)`, [
        'f'.repeat(64),
      ]);
      expect((await app.query('SELECT audit_chain(100) AS n')).rows[0].n).toBe(1);
    } finally {
      await app.query('DROP TABLE pg_temp.audit_pending, pg_temp.audit_log');
    }
    expect((await chained(head)).map((r) => [Number(r.seq), r.type])).toEqual([[head + 1, 'test.real']]);
    expect(await verify()).toMatchObject({ ok: true, headSeq: head + 1 });
  });

  it('its session settings do not change what the chainer hashes', async () => {
    // In a session of its own (the settings, and the plans made under them, last as long as it does).
    const odd = new Client({ connectionString: api.dbUrl });
    await odd.connect();
    try {
      for (const set of [
        'standard_conforming_strings = off',
        'extra_float_digits = -15',
        `"TimeZone" = 'Pacific/Chatham'`,
        `"DateStyle" = 'SQL, DMY'`,
        'bytea_output = escape',
        `lc_numeric = 'C'`,
      ])
        await odd.query(`SET ${set}`);
      const head = await logCount();
      for (const text of AWKWARD)
        await odd.query(`INSERT INTO audit_pending (type, port_code, data) VALUES ('test.settings', NULL, $1)`, [text]);
      expect((await odd.query('SELECT audit_chain(100) AS n')).rows[0].n).toBe(AWKWARD.length);
      expect(await verify()).toMatchObject({ ok: true, headSeq: head + AWKWARD.length });
      // The helpers are the chainer's: the app's login cannot call them to plan them under its settings first.
      await expect(odd.query(`SELECT audit_canonical('{}')`)).rejects.toThrow(
        /permission denied for function audit_canonical/,
      );
    } finally {
      await odd.end();
    }
  });

  it("only the app's role may run the chainer, and only with a sane batch", async () => {
    const other = `kouan_other_${randomBytes(5).toString('hex')}`;
    await admin((c) => c.query(`CREATE ROLE ${other} LOGIN`));
    const stranger = new Client({
      connectionString: api.ownerDbUrl.replace('postgres://postgres@', `postgres://${other}@`),
    });
    await stranger.connect();
    try {
      await expect(stranger.query('SELECT audit_chain(10)')).rejects.toThrow(
        /permission denied for function audit_chain/,
      );
    } finally {
      await stranger.end();
      await admin((c) => c.query(`DROP ROLE ${other}`));
    }
    await expect(app.query('SELECT audit_chain(0)')).rejects.toThrow(/batch must be 1 to 10000/);
  });

  it('rows chained before (by the TypeScript chainer) and after (by the database), awkward data included, verify as one chain', async () => {
    // Rows as the TypeScript chainer appended them before migration AuditChainInDatabase: hashed with chainHash,
    // data and actor written as JSON.stringify gave them, `at` at millisecond precision.
    const [head] = await chained((await logCount()) - 1);
    let prev = { seq: Number(head.seq), hash: head.hash };
    const before: StoredRow[] = AWKWARD.slice(0, 3).map((text, i) => {
      const row = {
        seq: prev.seq + 1,
        at: Date.UTC(2026, 10, 30, 8, 0, i, 123),
        type: 'test.before',
        actor: { role: 'port_staff', id: `u${i}` },
        portCode: i ? PORT : null,
        bookingId: i === 1 ? '5b0c4c1e-8d8e-4a55-9a36-0f4d9b1c2a3e' : null,
        data: JSON.parse(text) as unknown,
      };
      const stored = { ...row, prevHash: prev.hash, hash: chainHash(prev.hash, row) };
      prev = { seq: stored.seq, hash: stored.hash };
      return stored;
    });
    for (const r of before) {
      await owner.query(
        'INSERT INTO audit_log (seq, at, type, actor, port_code, booking_id, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [
          r.seq,
          new Date(r.at),
          r.type,
          JSON.stringify(r.actor),
          r.portCode,
          r.bookingId,
          JSON.stringify(r.data),
          r.prevHash,
          r.hash,
        ],
      );
    }
    expect(await verify()).toMatchObject({ ok: true, headSeq: prev.seq });

    // Then the database's chainer, on entries the app queued: the awkward ones and random ones of every kind,
    // with microseconds in their time and actors as jsonb orders them.
    const rnd = prng(Number(process.env.AUDIT_SEED ?? 20261205));
    const texts = [...AWKWARD, ...Array.from({ length: 300 }, () => randomJson(rnd))];
    for (const [i, text] of texts.entries()) {
      await app.query(
        `INSERT INTO audit_pending (at, type, actor, port_code, booking_id, data) VALUES (now() + $1 * interval '1.000371 second', 'test.after', $2, $3, $4, $5)`,
        [
          i,
          i % 3 ? JSON.stringify({ role: 'dispatcher', id: `d${i}`, firm: '\uE000😀' }) : null,
          i % 2 ? PORT : null,
          i % 5 ? null : '9a1f3e2c-0c7d-4b9e-8f3a-2d6c5b4a3e21',
          text,
        ],
      );
    }
    const queued = await pending();
    await chainAll();
    const after = await chained(prev.seq);
    expect(after.map(content)).toEqual(queued.map(content));
    expect(after[0].prev_hash).toBe(prev.hash);
    // The TypeScript verifier's own sum for each row the database chained.
    for (const r of after) {
      const row = {
        seq: Number(r.seq),
        at: r.at.getTime(),
        type: r.type,
        actor: r.actor,
        portCode: r.port_code,
        bookingId: r.booking_id,
        data: r.data,
      };
      expect([r.seq, chainHash(r.prev_hash, row)]).toEqual([r.seq, r.hash]);
    }
    expect(await verify()).toEqual({
      ok: true,
      checked: prev.seq + texts.length,
      firstBadSeq: null,
      headSeq: prev.seq + texts.length,
      headHash: after[after.length - 1].hash,
    });
  });

  it('two chainers at once while the app keeps appending: one unbroken chain, each entry once', async () => {
    const head = await logCount();
    const chainers = [new Client({ connectionString: api.dbUrl }), new Client({ connectionString: api.dbUrl })];
    const writer = new Client({ connectionString: api.dbUrl });
    for (const c of [...chainers, writer]) await c.connect();
    try {
      let writing = true;
      const write = async () => {
        for (let i = 0; i < 20; i++) {
          await writer.query(
            `INSERT INTO audit_pending (type, data) SELECT 'test.concurrent', jsonb_build_object('n', $1 * 100 + g) FROM generate_series(1, 100) g`,
            [i],
          );
        }
        writing = false;
      };
      const chainer = async (c: Client) => {
        let n = 0;
        for (;;) {
          const done = Number((await c.query('SELECT audit_chain(37) AS n')).rows[0].n);
          n += done;
          if (!writing && !done && !(await c.query('SELECT 1 FROM audit_pending LIMIT 1')).rowCount) return n;
        }
      };
      const [, a, b] = await Promise.all([write(), chainer(chainers[0]), chainer(chainers[1])]);
      expect(a + b).toBe(2000);
    } finally {
      for (const c of [...chainers, writer]) await c.end();
    }
    const rows = await chained(head);
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => head + i + 1));
    expect(rows.map((r) => (r.data as { n: number }).n).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 2000 }, (_, i) => i + 1),
    );
    expect(await verify()).toMatchObject({ ok: true, checked: head + 2000, firstBadSeq: null });
  });
});
