import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { UsersService } from '@kouan/auth';
import { envFromProcess } from '@kouan/config';
import { ensureAppLogin, ensureDatabase, runMigrations } from '@kouan/db';
import { ParkingService } from '@kouan/parking';
import { PortFact, PortSeedService, readPortList } from '@kouan/ports';
import { runDemo } from './demo';
import { DEMO_DAY_FILE, writeDemoDay } from './demo-day';
import { SeedModule } from './seed.module';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Creates the database if missing and applies migrations (safe to run from several processes at once). */
async function migrate(): Promise<void> {
  const env = envFromProcess();
  if (await ensureDatabase(env.databaseUrl)) say(`created database ${new URL(env.databaseUrl).pathname.slice(1)}`);
  const applied = await runMigrations(env.databaseUrl);
  say(applied.length ? `applied migrations: ${applied.join(', ')}` : 'migrations: up to date');
}

/** The API's and the worker's login (APP_DATABASE_URL), a member of kouan_app; run as the owner, after migrate. */
async function appLogin(): Promise<void> {
  const env = envFromProcess();
  if (!env.appDatabaseUrl) throw new Error('APP_DATABASE_URL is not set (a postgres:// URL with the login to create)');
  const { login, created } = await ensureAppLogin(env.databaseUrl, env.appDatabaseUrl);
  say(`${created ? 'created' : 'updated'} login ${login} in kouan_app (the API and the worker log in as it)`);
}

/** The ports file `seed --ports <file>` names (validated whole before anything is written), else Yunnan's. */
function portsArgument(args: string[]): PortFact[] | undefined {
  const at = args.indexOf('--ports');
  if (at < 0) {
    if (args.length) throw new Error(`unknown arguments: ${args.join(' ')} (usage: seed [--ports <file>])`);
    return undefined;
  }
  const file = args[at + 1];
  const rest = args.filter((_, i) => i !== at && i !== at + 1);
  if (!file || file.startsWith('--')) throw new Error('--ports needs a file (usage: seed [--ports <file>])');
  if (rest.length) throw new Error(`unknown arguments: ${rest.join(' ')} (usage: seed [--ports <file>])`);
  return readPortList(file);
}

/** Ports (Yunnan's, or another country's with --ports), lanes, default schedules and the first port admin; idempotent. */
async function seed(): Promise<void> {
  const env = envFromProcess();
  const list = portsArgument(process.argv.slice(3));
  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  try {
    const { ports, roadPorts } = await app.get(PortSeedService).seed(list);
    say(`seeded ${ports} ports (${roadPorts} road ports with lanes and a default schedule)`);
    say(`seeded ${await app.get(ParkingService).seed(list?.map((p) => p.code))} holding areas`);
    if (env.adminEmail && env.adminPassword) {
      const created = await app
        .get(UsersService)
        .ensure({ email: env.adminEmail, password: env.adminPassword, role: 'port_admin' });
      say(created ? `created port admin ${env.adminEmail}` : `port admin ${env.adminEmail} already exists`);
    }
  } finally {
    await app.close();
  }
}

/** A realistic day at Mohan, through the API of the running system (`npm start`); prints the logins. */
async function demo(): Promise<void> {
  const env = envFromProcess();
  if (!env.adminEmail || !env.adminPassword)
    throw new Error('demo needs ADMIN_EMAIL and ADMIN_PASSWORD (the seeded port admin)');
  const url = `http://127.0.0.1:${env.port}`;
  const { day } = await runDemo({ url, adminEmail: env.adminEmail, adminPassword: env.adminPassword, say });
  writeDemoDay(DEMO_DAY_FILE, day);
  say(`The day's trucks and cameras for npm run camera: ${DEMO_DAY_FILE}`);
}

const commands: Record<string, () => Promise<void>> = { migrate, seed, 'app-login': appLogin, demo };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  process.stderr.write(`usage: main.js ${Object.keys(commands).join('|')}\n`);
  process.exit(2);
}
command().catch((e: unknown) => {
  process.stderr.write(`${process.argv[2]} failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
