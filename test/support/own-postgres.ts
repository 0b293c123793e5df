import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);

/** The uid and gid of the `postgres` user, which owns the clusters (Postgres refuses to run as root). */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** A Postgres program as the `postgres` user (through runuser when the tests run as root). */
async function asPostgres(program: string, args: string[]): Promise<void> {
  const [file, argv] =
    process.getuid?.() === 0
      ? ['runuser', ['-u', 'postgres', '--', join(BIN, program), ...args]]
      : [join(BIN, program), args];
  await run(file, argv);
}

/**
 * A Postgres cluster of the test's own in a temporary directory, on a port of its own (never the shared server), so a
 * test can stop it, pause it, or stream it to a replica. `remove()` stops it and deletes the directory.
 */
export class OwnPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get data(): string {
    return join(this.dir, 'data');
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** A new primary: initdb (trust on loopback, which also lets a replica stream from it), not started. */
  static async primary(port: number): Promise<OwnPostgres> {
    const pg = await OwnPostgres.inTempDir(port);
    await asPostgres('initdb', ['-D', pg.data, '-U', 'postgres', '--auth=trust', '--locale=C.UTF-8', '--no-sync']);
    return pg;
  }

  /** A streaming replica of `primary` (pg_basebackup -R: standby.signal and primary_conninfo), not started. */
  static async replicaOf(primary: OwnPostgres, port: number): Promise<OwnPostgres> {
    const pg = await OwnPostgres.inTempDir(port);
    await asPostgres('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres'],
      ...['-D', pg.data, '-R', '-X', 'stream', '--no-sync'],
    ]);
    return pg;
  }

  private static async inTempDir(port: number): Promise<OwnPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'kouan-pg-'));
    const { uid, gid } = await postgresUser();
    chownSync(dir, uid, gid);
    return new OwnPostgres(dir, port);
  }

  /** Starts it and waits until it accepts connections (-w). */
  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${this.dir}`,
      // A test's data: nothing to keep through a crash of the machine.
      '-c fsync=off',
      '-c full_page_writes=off',
    ].join(' ');
    await asPostgres('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'log'), '-o', options, '-w', 'start']);
  }

  /** `immediate`: the server goes without a goodbye to its clients, as when its machine dies. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await asPostgres('pg_ctl', ['-D', this.data, '-m', mode, '-w', 'stop']).catch(() => undefined);
  }

  /** One statement on its `postgres` database, as the superuser. */
  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: this.url() });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  /** Stops it (if it runs) and deletes its directory. */
  async remove(): Promise<void> {
    await this.stop('immediate');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Copies a database of the shared server (schema and rows, not its owner) into a new database `name` on `target`. */
export async function copyDatabase(sourceUrl: string, target: OwnPostgres, name: string): Promise<void> {
  // The migrations grant the app's rights to kouan_app, a role of the cluster that a dump does not carry.
  await target.query('CREATE ROLE kouan_app NOLOGIN');
  await target.query(`CREATE DATABASE ${name}`);
  const dump = join(target.dir, 'copy.dump');
  await run(join(BIN, 'pg_dump'), ['-Fc', '--no-owner', '-f', dump, sourceUrl]);
  await run(join(BIN, 'pg_restore'), ['--no-owner', '--exit-on-error', '-d', target.url(name), dump]);
}
