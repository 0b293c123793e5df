import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import request from 'supertest';
import { admin, dbUrl, dropRedisKeys, REDIS_URL } from '../support/db';
import { API, bearer } from '../support/harness';
import { freePort, until } from '../support/processes';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

/**
 * `npm start` (scripts/start.js) on an empty database: it creates, migrates and seeds it as the owner, then runs the
 * API and the worker as a login in kouan_app, so the audit trail's grants hold for the quick start too.
 */
describe('npm start', () => {
  const name = `kouan_qs_${randomBytes(5).toString('hex')}`;
  const prefix = `kouan-test-qs${randomBytes(4).toString('hex')}`;
  const ownerUrl = dbUrl(name);
  let url: string;
  let start: ChildProcess;
  let output = '';

  const sessions = async () =>
    admin(async (c) =>
      (
        await c.query<{ usename: string }>(
          `SELECT usename FROM pg_stat_activity WHERE datname = $1 AND application_name = 'kouan'`,
          [name],
        )
      ).rows.map((r) => r.usename),
    );

  // The hook waits up to 90 s for the API (migrate, seed and two processes on a busy machine): Jest's 60 s for a hook
  // cut it short before its own wait said what was missing.
  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    start = spawn(process.execPath, [join(ROOT, 'scripts', 'start.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: ownerUrl,
        APP_DATABASE_URL: '',
        REDIS_URL,
        REDIS_PREFIX: prefix,
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    start.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
    });
    start.stderr!.on('data', (d: Buffer) => {
      output += d.toString();
    });
    await until(
      'the API to be ready',
      async () => start.exitCode === null && (await request(url).get('/ready')).status === 200,
      90_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${output}`);
    });
  }, 120_000);

  afterAll(async () => {
    if (start?.exitCode === null) {
      start.kill('SIGKILL');
    }
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    await dropRedisKeys(`${prefix}*`);
  });

  it('migrates and seeds as the owner, then runs the API and the worker as kouan_api in kouan_app', async () => {
    expect(output).toMatch(/created database kouan_qs_/);
    expect(output).toMatch(/(created|updated) login kouan_api in kouan_app/);
    // The API's and the worker's pools: every session is the app's login, none the owner's.
    const users = await until('both processes connected', async () => {
      const u = await sessions();
      return u.length >= 2 && u;
    });
    expect(new Set(users)).toEqual(new Set(['kouan_api']));
    const [role] = await admin(
      async (c) =>
        (
          await c.query(
            `SELECT rolsuper, rolcanlogin, pg_has_role('kouan_api', 'kouan_app', 'MEMBER') AS member FROM pg_roles WHERE rolname = 'kouan_api'`,
          )
        ).rows,
    );
    expect(role).toEqual({ rolsuper: false, rolcanlogin: true, member: true });
  });

  it('the seeded admin signs in, a staff action is chained into the audit trail, and that login cannot rewrite it', async () => {
    const { body } = await request(url)
      .post(`${API}/auth/login`)
      .send({ email: 'admin@kouan.local', password: 'admin-password' })
      .expect(200);
    const lanes = (await request(url).get(`${API}/ports/MOHAN`).expect(200)).body.lanes as Array<{ id: string }>;
    await request(url)
      .post(`${API}/ports/MOHAN/lanes/${lanes[0].id}/status`)
      .set(bearer(body.accessToken))
      .send({ status: 'paused' })
      .expect(200);
    // The worker (as kouan_api) has it chained: EXECUTE on audit_chain is what the app's role holds, not INSERT on audit_log.
    const owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      await until(
        'the lane pause in the audit trail',
        async () => (await owner.query(`SELECT 1 FROM audit_log WHERE type = 'lane.status'`)).rowCount === 1,
        30_000,
      );
    } finally {
      await owner.end();
    }
    const app = new Client({ connectionString: ownerUrl.replace('postgres://postgres@', 'postgres://kouan_api@') });
    await app.connect();
    try {
      await expect(app.query(`UPDATE audit_log SET type = 'x'`)).rejects.toThrow(
        /permission denied for table audit_log/,
      );
      await expect(app.query('DELETE FROM audit_log')).rejects.toThrow(/permission denied for table audit_log/);
    } finally {
      await app.end();
    }
  });

  it('stops the API and the worker on SIGTERM and leaves no session behind', async () => {
    const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
    start.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until('every session closed', async () => (await sessions()).length === 0);
  });

  it("app-login refuses to make the owner the app's login, and says why", async () => {
    const run = promisify(execFile);
    const failed = await run(process.execPath, [CLI, 'app-login'], {
      env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: ownerUrl, APP_DATABASE_URL: ownerUrl },
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toEqual(expect.objectContaining({ code: 1, stderr: expect.stringContaining("the tables' owner") }));
  });
});

/**
 * `npm start` is a quick start: where the owner may not create roles (no superuser, no CREATEROLE), app-login fails
 * and the API and the worker run as the owner, saying so, instead of not starting at all.
 */
describe('npm start, an owner that may not create roles', () => {
  const tag = randomBytes(4).toString('hex');
  const owner = `kouan_owner_${tag}`;
  const name = `kouan_qs_${tag}`;
  const prefix = `kouan-test-qo${tag}`;
  let start: ChildProcess;
  let output = '';

  beforeAll(async () => {
    await admin((c) => c.query(`CREATE ROLE ${owner} LOGIN CREATEDB`));
    const port = await freePort();
    start = spawn(process.execPath, [join(ROOT, 'scripts', 'start.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: `postgres://${owner}@127.0.0.1:5432/${name}`,
        APP_DATABASE_URL: '',
        REDIS_URL,
        REDIS_PREFIX: prefix,
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    start.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
    });
    start.stderr!.on('data', (d: Buffer) => {
      output += d.toString();
    });
    await until(
      'the API to be ready',
      async () => start.exitCode === null && (await request(`http://127.0.0.1:${port}`).get('/ready')).status === 200,
      90_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${output}`);
    });
  }, 120_000);

  afterAll(async () => {
    if (start?.exitCode === null) {
      const exited = new Promise((r) => start.once('exit', r));
      start.kill('SIGTERM');
      await exited;
    }
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${owner}`);
    });
    await dropRedisKeys(`${prefix}*`);
  });

  it('says why and runs the API and the worker as the owner', async () => {
    expect(output).toMatch(/app-login failed: permission denied/);
    expect(output).toContain("the app's login could not be made: the API and the worker run as the tables' owner");
    const users = await until('both processes connected', async () => {
      const u = await admin(async (c) =>
        (
          await c.query<{ usename: string }>(
            `SELECT usename FROM pg_stat_activity WHERE datname = $1 AND application_name = 'kouan'`,
            [name],
          )
        ).rows.map((r) => r.usename),
      );
      return u.length >= 2 && u;
    });
    expect(new Set(users)).toEqual(new Set([owner]));
  });
});
