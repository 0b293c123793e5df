import { plainToInstance, Transform } from 'class-transformer';
import proxyAddr from 'proxy-addr';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** Every variable the processes read. Validated once at boot; nothing else reads process.env. */
class EnvVars {
  /** Unset means production: only an explicit development or test allows the built-in key and admin password. */
  @IsOptional()
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'production';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/kouan';

  /**
   * The login the API and the worker use, a member of kouan_app rather than the tables' owner (docs/operations.md).
   * Read by `main.js app-login` (which creates it) and the quick start (which runs the API and the worker with it).
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^@\s/]+@\S+$/, { message: 'must be a postgres:// URL with a user' })
  APP_DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * Sentinels to ask for the master instead of REDIS_URL's host and port (`host:port,host:port`, port 26379 when
   * left out): every Redis client follows a failover by itself. REDIS_URL's user, password, database and scheme
   * (rediss:// for TLS) still apply to the master.
   */
  @IsOptional()
  @IsString()
  REDIS_SENTINELS?: string;

  /** The master's name in the sentinels' `sentinel monitor <name> …`. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1-64 letters, digits, . _ or -' })
  REDIS_SENTINEL_NAME = 'mymaster';

  /** The sentinels' own credential (their `requirepass`, or an ACL user), when they have one. */
  @IsOptional()
  @IsString()
  REDIS_SENTINEL_USERNAME?: string;

  @IsOptional()
  @IsString()
  REDIS_SENTINEL_PASSWORD?: string;

  /** TLS to the sentinels (TLS to the master comes from a rediss:// REDIS_URL). */
  @IsOptional()
  @IsIn(['true', 'false'])
  REDIS_SENTINEL_TLS: 'true' | 'false' = 'false';

  /** Prefix of every Redis key (BullMQ, throttling, socket.io), so tests and tenants never collide. */
  @IsOptional()
  @Matches(/^[a-zA-Z0-9:_-]{1,40}$/, { message: 'must be 1-40 letters, digits, : _ or -' })
  REDIS_PREFIX = 'kouan';

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /**
   * How long the API keeps a client's idle kept-alive connection open. Longer than the 60 s nginx and the common
   * load balancers keep theirs, so the proxy, not the API, closes an idle upstream connection: a request sent on a
   * connection the API is closing at that instant fails with ECONNRESET (Node's own 5 s did that to the soak's
   * client once in a day; a camera posting a read every few seconds would meet it too).
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600)
  HTTP_KEEP_ALIVE_SECONDS = 65;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86400)
  JWT_TTL_SECONDS = 900;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86400)
  DRIVER_JWT_TTL_SECONDS = 3600;

  /**
   * How long a socket cut off (a phone in a dead zone) may stay away and still come back with its rooms and the live
   * events it missed (socket.io connection state recovery); after that it connects afresh and re-reads.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  LIVE_RECOVERY_MS = 120_000;

  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(10, { message: 'must be at least 10 characters' })
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 20;

  /**
   * How long a pooled Postgres connection may sit idle before the pool closes it. Each connection plans its
   * prepared statements once (tens of ms for the queue's, under its lock): pg's own 10 s made the first check-in
   * after a quiet spell at a port plan them all again.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  DB_IDLE_SECONDS = 600;

  /**
   * Streaming replicas for the reads that may lag by seconds (public board and queue, open data, reports, forecast,
   * outlook): comma-separated postgres:// URLs, each logged in as DATABASE_URL's process is. Unset: every read on the
   * primary.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^\s,]+(\s*,\s*postgres(ql)?:\/\/[^\s,]+)*$/, {
    message: 'must be comma-separated postgres:// URLs',
  })
  DATABASE_REPLICA_URLS?: string;

  /** After a replica failed to answer, its reads go to the primary for this long before it is tried again. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600)
  DATABASE_REPLICA_RETRY_SECONDS = 10;

  /** Login attempts per client address and account within LOGIN_THROTTLE_TTL_SECONDS. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  LOGIN_THROTTLE_LIMIT = 10;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  LOGIN_THROTTLE_TTL_SECONDS = 60;

  /** Login attempts per client address (any accounts) per minute. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  LOGIN_ADDRESS_LIMIT = 30;

  /** Login attempts per account from all addresses per 15 minutes: the higher bar that stops a spread-out guess. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  LOGIN_ACCOUNT_LIMIT = 50;

  /** Driver sessions per client address per hour: generous, a border post's phones share one carrier-NAT address. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  DRIVER_SESSION_ADDRESS_LIMIT = 1000;

  /** Requests to anonymous routes (and socket `subscribe`) per client address per minute. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  PUBLIC_THROTTLE_LIMIT = 600;

  /**
   * Requests to the open data feed (`/open/v1`) per client address per minute: its own allowance, apart from the
   * pages' anonymous one, since its answers are heavier and scrapers are its expected clients (they cache for 5 min).
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  OPEN_THROTTLE_LIMIT = 60;

  /** Plate reads (and heartbeats) one gate camera may send per minute: a runaway or stolen key cannot flood the API. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  DEVICE_THROTTLE_LIMIT = 6000;

  /** A gate camera silent (no read, no heartbeat) for this long is marked offline and port staff are told. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(86400)
  DEVICE_OFFLINE_SECONDS = 300;

  /** Origins (comma-separated) whose pages may open cross-origin socket.io connections; same-origin always may. */
  @IsOptional()
  @Matches(/^\s*https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*\s*$/, {
    message: 'must be comma-separated http(s):// origins',
  })
  CORS_ORIGINS?: string;

  /**
   * The address drivers' phones open the API's pages at (an origin, e.g. https://kouan.example): the link in a
   * driver-code text message. Unset: http://localhost:<PORT> outside production; in production the text carries the
   * reference and the code without a link.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+$/, { message: 'must be an http(s):// origin without a path' })
  PUBLIC_URL?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /**
   * Seconds between a webhook delivery's attempts (after the first, the second...): its length + 1 attempts in all.
   * The default makes 8 attempts over 6 h 51 min (contract: at least 8 over at least 6 h).
   */
  @IsOptional()
  @Matches(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, { message: 'must be comma-separated seconds' })
  WEBHOOK_RETRY_SECONDS = '60,300,900,1800,3600,7200,10800';

  /** An endpoint that has failed every attempt for this long is disabled (flagged to its firm). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30 * 86400)
  WEBHOOK_DISABLE_AFTER_SECONDS = 86400;

  /**
   * How drivers are notified of reminders and calls (comma-separated): socket (their page), sms (text messages),
   * webpush (the browser's push service, to a page that may be closed; on only with the VAPID keys below).
   */
  @IsOptional()
  @Matches(/^\s*(socket|sms|webpush)(\s*,\s*(socket|sms|webpush))*\s*$/, {
    message: 'must be a comma-separated list of socket, sms, webpush',
  })
  NOTIFY_CHANNELS = 'socket,sms,webpush';

  /** The server's Web Push key pair (VAPID, P-256) as `npx web-push generate-vapid-keys` prints it: both or neither. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{87}$/, { message: 'must be an uncompressed P-256 public key, base64url (87 characters)' })
  VAPID_PUBLIC_KEY?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'must be a P-256 private key, base64url (43 characters)' })
  VAPID_PRIVATE_KEY?: string;

  /** Whom a push service may contact about our messages (RFC 8292): `mailto:` or an https URL. */
  @IsOptional()
  @Matches(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, { message: 'must be a mailto: address or an https URL' })
  VAPID_SUBJECT?: string;

  /**
   * A notification's lease while the worker sends it: a worker that dies mid-send leaves it to another after this
   * long. The worker renews the lease of what it has claimed every third of it, so a slow SMS gateway keeps it.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  NOTIFY_LEASE_SECONDS = 60;

  /** How long a receiver has to answer before the attempt counts as failed. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  WEBHOOK_TIMEOUT_MS = 10000;

  /**
   * A webhook attempt's lease: a worker that dies mid-attempt leaves the delivery to another after this long. The
   * worker renews the lease of what it is sending every third of it, so a slow receiver or a slow worker keeps it.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  WEBHOOK_LEASE_SECONDS = 30;

  /** Failures of one relay consumer on one event before that event is parked for it (a dead letter). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  OUTBOX_MAX_ATTEMPTS = 5;

  /** Lets webhook URLs reach loopback and private addresses: development and tests only (production refuses it). */
  @IsOptional()
  @IsIn(['true', 'false'])
  WEBHOOK_ALLOW_PRIVATE: 'true' | 'false' = 'false';

  /**
   * Proxies whose X-Forwarded-For is believed (comma-separated addresses, CIDRs, or proxy-addr's names loopback,
   * linklocal, uniquelocal). Default: the local machine only; a LAN client must not reset per-address limits.
   */
  @IsOptional()
  @Matches(/^\s*[0-9a-fA-F:./a-z]+(\s*,\s*[0-9a-fA-F:./a-z]+)*\s*$/, {
    message: 'must be comma-separated addresses, CIDRs or loopback/linklocal/uniquelocal',
  })
  TRUSTED_PROXIES = 'loopback';

  /** Bearer token `GET /metrics` asks for; production needs it unless METRICS_PORT serves metrics on loopback. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** When set, `/metrics` is served on this port bound to 127.0.0.1 (and not on the API's port). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  /** Longest a staff, firm, yard, admin or regulator session lives, renewed or not (refresh family). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(300)
  @Max(43200)
  SESSION_MAX_SECONDS = 43200;

  /** A session not renewed for this long ends (its refresh token dies). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(43200)
  SESSION_IDLE_SECONDS = 7200;

  /**
   * Pairs our ports with the Kouan installations across the border, `;`-separated:
   * `<our port>=<their port's URL>,<email>:<password>`, their port's URL being `https://<their host>/api/v1/ports/<their
   * code>` and the credential a `counterpart` account on their side for that port (percent-encode `;` `%` in it).
   * Parsed by `parseCounterpartLinks`; never logged.
   */
  @IsOptional()
  @IsString()
  COUNTERPART_LINKS?: string;

  /** How often each link pushes our import capacity and pulls their departures. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  COUNTERPART_SYNC_SECONDS = 60;

  /** How long the far side's API has to answer one request of a link. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  COUNTERPART_TIMEOUT_MS = 10000;

  /**
   * A simulated clock, for tests and the soak only (production refuses it): the processes' Clock stands at this
   * instant (ISO 8601 with its offset) until CLOCK_RUN_FROM, then runs CLOCK_SPEED times as fast as the real one.
   * Give every process the same three values and they show the same time (`npm run soak`, docs/performance.md).
   */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 instant, e.g. 2026-12-07T06:00:00+08:00' })
  CLOCK_START?: string;

  /** When the simulated clock starts running, in milliseconds since the epoch (real time); with CLOCK_START. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CLOCK_RUN_FROM?: number;

  /** How many times as fast as the real time the simulated clock runs (CLOCK_START). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  CLOCK_SPEED = 1;
}

/** One pairing of our port with the far side's Kouan (COUNTERPART_LINKS). */
export interface CounterpartLink {
  /** Our port. */
  port: string;
  /** Their API's root, `https://<host>/api/v1` (no trailing slash). */
  apiUrl: string;
  /** Their port, whose counterpart we are. */
  theirPort: string;
  /** Their `counterpart` account for `theirPort`: a secret, never logged. */
  email: string;
  password: string;
}

const PORT_CODE = /^[A-Z0-9-]{2,32}$/;
const PORT_URL = /^(https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?\/api\/v1)\/ports\/([A-Z0-9-]{2,32})\/?$/;

/**
 * The links of COUNTERPART_LINKS, or the problems with it (messages name the link by position and our port, never
 * the credential). Production requires https: the credential travels on every sign-in.
 */
export function parseCounterpartLinks(
  raw: string | undefined,
  production: boolean,
): { links: CounterpartLink[]; problems: string[] } {
  const links: CounterpartLink[] = [];
  const problems: string[] = [];
  const entries = (raw ?? '')
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean);
  entries.forEach((entry, i) => {
    const say = (what: string) => problems.push(`COUNTERPART_LINKS: link ${i + 1}${what}`);
    const eq = entry.indexOf('=');
    const port = eq > 0 ? entry.slice(0, eq).trim().toUpperCase() : '';
    if (!PORT_CODE.test(port)) return say(': must start with our port code and = (BOTEN=https://…)');
    const rest = entry.slice(eq + 1);
    const comma = rest.indexOf(',');
    const url = (comma < 0 ? rest : rest.slice(0, comma)).trim();
    const match = PORT_URL.exec(url);
    if (!match) return say(` (${port}): their port's URL must be http(s)://<host>/api/v1/ports/<THEIR CODE>`);
    if (production && !url.startsWith('https://')) return say(` (${port}): their URL must be https in production`);
    const credential = comma < 0 ? '' : rest.slice(comma + 1).trim();
    const colon = credential.indexOf(':');
    if (colon <= 0 || colon === credential.length - 1)
      return say(` (${port}): needs the far side's counterpart account as <email>:<password> after the URL`);
    let email: string;
    let password: string;
    try {
      email = decodeURIComponent(credential.slice(0, colon));
      password = decodeURIComponent(credential.slice(colon + 1));
    } catch {
      return say(` (${port}): the credential has a bad percent-encoding`);
    }
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) return say(` (${port}): the account must be an email address`);
    if (links.some((l) => l.port === port)) return say(` (${port}): our port is linked twice`);
    links.push({ port, apiUrl: match[1], theirPort: match[2], email, password });
  });
  return { links, problems };
}

export interface Env {
  nodeEnv: 'development' | 'test' | 'production';
  databaseUrl: string;
  /** Unset in production unless APP_DATABASE_URL says; in development and test, the owner's URL as `kouan_api`. */
  appDatabaseUrl?: string;
  /** Where every Redis client connects: REDIS_URL's server, or its master through REDIS_SENTINELS. */
  redis: RedisConnection;
  redisPrefix: string;
  port: number;
  httpKeepAliveSeconds: number;
  jwtSecret: string;
  jwtTtlSeconds: number;
  driverJwtTtlSeconds: number;
  liveRecoveryMs: number;
  adminEmail?: string;
  adminPassword?: string;
  dbPoolSize: number;
  dbIdleSeconds: number;
  /** DATABASE_REPLICA_URLS, none when unset. */
  databaseReplicaUrls: string[];
  databaseReplicaRetrySeconds: number;
  loginThrottleLimit: number;
  loginThrottleTtlSeconds: number;
  loginAddressLimit: number;
  loginAccountLimit: number;
  driverSessionAddressLimit: number;
  publicThrottleLimit: number;
  openThrottleLimit: number;
  deviceThrottleLimit: number;
  deviceOfflineSeconds: number;
  corsOrigins: string[];
  /** Where drivers open the pages (PUBLIC_URL), if known. */
  publicUrl?: string;
  logLevel: string;
  webhookRetrySeconds: number[];
  webhookDisableAfterSeconds: number;
  webhookTimeoutMs: number;
  webhookLeaseSeconds: number;
  outboxMaxAttempts: number;
  /** The channels in use: `webpush` only when `webPush` is set. */
  notifyChannels: string[];
  notifyLeaseSeconds: number;
  /** The VAPID keys and subject; null (Web Push off) when the three are unset. */
  webPush: { publicKey: string; privateKey: string; subject: string } | null;
  webhookAllowPrivate: boolean;
  trustedProxies: string[];
  metricsToken?: string;
  metricsPort?: number;
  sessionMaxSeconds: number;
  sessionIdleSeconds: number;
  /** The pairings with the far sides' Kouan (none unless COUNTERPART_LINKS is set). */
  counterpartLinks: CounterpartLink[];
  counterpartSyncSeconds: number;
  counterpartTimeoutMs: number;
  /** CLOCK_START, CLOCK_RUN_FROM, CLOCK_SPEED: a simulated clock (tests and the soak); null: the system's. */
  clock: { start: number; runFrom: number; speed: number } | null;
}

/** Only for development and tests: production must bring its own secret. */
const DEV_JWT_SECRET = 'kouan-development-secret-not-for-production-use';
const DEV_APP_LOGIN = { user: 'kouan_api', password: 'kouan-development-db-password' };

/** The same database and server, logged in as another user. */
function asLogin(databaseUrl: string, login: { user: string; password: string }): string {
  const url = new URL(databaseUrl);
  url.username = login.user;
  url.password = login.password;
  return url.toString();
}

export class EnvValidationError extends Error {}

/** Validates the raw environment; throws naming every bad variable. */
export function validateEnv(raw: Record<string, unknown>): Env {
  const known = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const vars = plainToInstance(EnvVars, known, { exposeDefaultValues: true });
  const errors = validateSync(vars, { skipMissingProperties: false, whitelist: false });
  const problems = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`);
  const production = vars.NODE_ENV === 'production';
  if (production && !vars.JWT_SECRET) problems.push('JWT_SECRET: required unless NODE_ENV is development or test');
  if (production && (!vars.ADMIN_EMAIL || !vars.ADMIN_PASSWORD)) {
    problems.push('ADMIN_EMAIL/ADMIN_PASSWORD: required unless NODE_ENV is development or test');
  }
  if (production && vars.JWT_SECRET === DEV_JWT_SECRET)
    problems.push('JWT_SECRET: the published development key is refused in production');
  if (production && vars.WEBHOOK_ALLOW_PRIVATE === 'true')
    problems.push('WEBHOOK_ALLOW_PRIVATE: development and test only');
  const vapid = [vars.VAPID_PUBLIC_KEY, vars.VAPID_PRIVATE_KEY, vars.VAPID_SUBJECT];
  if (vapid.some(Boolean) && !vapid.every(Boolean))
    problems.push('VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY/VAPID_SUBJECT: all three or none');
  if (vars.VAPID_PUBLIC_KEY && !Buffer.from(vars.VAPID_PUBLIC_KEY, 'base64url').subarray(0, 1).equals(Buffer.of(4)))
    problems.push('VAPID_PUBLIC_KEY: must be an uncompressed P-256 point (starting 0x04)');
  if (production && !vars.METRICS_TOKEN && vars.METRICS_PORT === undefined) {
    problems.push('METRICS_TOKEN: required in production unless METRICS_PORT serves /metrics on loopback');
  }
  const trustedProxies = vars.TRUSTED_PROXIES.split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  try {
    // The list Express and the socket gateway compile: a name or address proxy-addr does not know fails here, by name.
    proxyAddr.compile(trustedProxies);
  } catch (e) {
    problems.push(`TRUSTED_PROXIES: ${(e as Error).message}`);
  }
  if (production && vars.CLOCK_START) problems.push('CLOCK_START: development and test only');
  if ((vars.CLOCK_START === undefined) !== (vars.CLOCK_RUN_FROM === undefined))
    problems.push('CLOCK_START/CLOCK_RUN_FROM: both or neither');
  if (vars.CLOCK_START !== undefined && !/(Z|[+-]\d\d:?\d\d)$/.test(vars.CLOCK_START))
    problems.push('CLOCK_START: must carry its offset (Z or +08:00)');
  const counterpart = parseCounterpartLinks(vars.COUNTERPART_LINKS, production);
  problems.push(...counterpart.problems);
  const sentinels = parseSentinels(vars.REDIS_SENTINELS);
  if (sentinels === null)
    problems.push('REDIS_SENTINELS: must be comma-separated host:port (an IPv6 host in brackets)');
  if (problems.length) throw new EnvValidationError(`Invalid environment: ${problems.join('; ')}`);
  const webPush =
    vars.VAPID_PUBLIC_KEY && vars.VAPID_PRIVATE_KEY && vars.VAPID_SUBJECT
      ? { publicKey: vars.VAPID_PUBLIC_KEY, privateKey: vars.VAPID_PRIVATE_KEY, subject: vars.VAPID_SUBJECT }
      : null;
  return {
    nodeEnv: vars.NODE_ENV,
    databaseUrl: vars.DATABASE_URL,
    appDatabaseUrl: vars.APP_DATABASE_URL ?? (production ? undefined : asLogin(vars.DATABASE_URL, DEV_APP_LOGIN)),
    redis: redisConnection(vars, sentinels ?? []),
    redisPrefix: vars.REDIS_PREFIX,
    port: vars.PORT,
    httpKeepAliveSeconds: vars.HTTP_KEEP_ALIVE_SECONDS,
    jwtSecret: vars.JWT_SECRET ?? DEV_JWT_SECRET,
    jwtTtlSeconds: vars.JWT_TTL_SECONDS,
    driverJwtTtlSeconds: vars.DRIVER_JWT_TTL_SECONDS,
    liveRecoveryMs: vars.LIVE_RECOVERY_MS,
    adminEmail: vars.ADMIN_EMAIL ?? (production ? undefined : 'admin@kouan.local'),
    adminPassword: vars.ADMIN_PASSWORD ?? (production ? undefined : 'admin-password'),
    dbPoolSize: vars.DB_POOL_SIZE,
    dbIdleSeconds: vars.DB_IDLE_SECONDS,
    databaseReplicaUrls: (vars.DATABASE_REPLICA_URLS ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    databaseReplicaRetrySeconds: vars.DATABASE_REPLICA_RETRY_SECONDS,
    loginThrottleLimit: vars.LOGIN_THROTTLE_LIMIT,
    loginThrottleTtlSeconds: vars.LOGIN_THROTTLE_TTL_SECONDS,
    loginAddressLimit: vars.LOGIN_ADDRESS_LIMIT,
    loginAccountLimit: vars.LOGIN_ACCOUNT_LIMIT,
    driverSessionAddressLimit: vars.DRIVER_SESSION_ADDRESS_LIMIT,
    publicThrottleLimit: vars.PUBLIC_THROTTLE_LIMIT,
    openThrottleLimit: vars.OPEN_THROTTLE_LIMIT,
    deviceThrottleLimit: vars.DEVICE_THROTTLE_LIMIT,
    deviceOfflineSeconds: vars.DEVICE_OFFLINE_SECONDS,
    corsOrigins: (vars.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    publicUrl: vars.PUBLIC_URL ?? (production ? undefined : `http://localhost:${vars.PORT}`),
    logLevel: vars.LOG_LEVEL,
    webhookRetrySeconds: vars.WEBHOOK_RETRY_SECONDS.split(',').map(Number),
    webhookDisableAfterSeconds: vars.WEBHOOK_DISABLE_AFTER_SECONDS,
    webhookTimeoutMs: vars.WEBHOOK_TIMEOUT_MS,
    webhookLeaseSeconds: vars.WEBHOOK_LEASE_SECONDS,
    outboxMaxAttempts: vars.OUTBOX_MAX_ATTEMPTS,
    notifyChannels: vars.NOTIFY_CHANNELS.split(',')
      .map((c) => c.trim())
      .filter((c) => c !== 'webpush' || webPush),
    notifyLeaseSeconds: vars.NOTIFY_LEASE_SECONDS,
    webPush,
    webhookAllowPrivate: vars.WEBHOOK_ALLOW_PRIVATE === 'true',
    trustedProxies,
    metricsToken: vars.METRICS_TOKEN,
    metricsPort: vars.METRICS_PORT,
    sessionMaxSeconds: vars.SESSION_MAX_SECONDS,
    sessionIdleSeconds: vars.SESSION_IDLE_SECONDS,
    counterpartLinks: counterpart.links,
    counterpartSyncSeconds: vars.COUNTERPART_SYNC_SECONDS,
    counterpartTimeoutMs: vars.COUNTERPART_TIMEOUT_MS,
    clock:
      vars.CLOCK_START !== undefined && vars.CLOCK_RUN_FROM !== undefined
        ? { start: Date.parse(vars.CLOCK_START), runFrom: vars.CLOCK_RUN_FROM, speed: vars.CLOCK_SPEED }
        : null,
  };
}

/** The one place that reads process.env. */
export function envFromProcess(overrides: Record<string, string> = {}): Env {
  return validateEnv({ ...process.env, ...overrides });
}

/** `host[:port]` for one sentinel (an IPv6 host in brackets); the port is 26379 when left out. */
const SENTINEL = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/** REDIS_SENTINELS as addresses ([] when unset), or null when an entry is not `host[:port]` with a real port. */
export function parseSentinels(list: string | undefined): Array<{ host: string; port: number }> | null {
  if (!list) return [];
  const hosts: Array<{ host: string; port: number }> = [];
  for (const entry of list.split(',').map((e) => e.trim())) {
    const match = SENTINEL.exec(entry);
    const port = Number(match?.[2] ?? 26379);
    if (!match || port < 1 || port > 65535) return null;
    hosts.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  return hosts;
}

/**
 * How every Redis client connects, as ioredis options (BullMQ takes them as they are): REDIS_URL's server, or,
 * with sentinels, the master they name, found again after each failover. REDIS_URL's credential, database and
 * TLS apply to the master either way; the sentinels have their own.
 */
export interface RedisConnection {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db: number;
  tls?: object;
  sentinels?: Array<{ host: string; port: number }>;
  name?: string;
  sentinelUsername?: string;
  sentinelPassword?: string;
  sentinelTLS?: object;
  enableTLSForSentinelMode?: boolean;
}

function redisConnection(vars: EnvVars, sentinels: Array<{ host: string; port: number }>): RedisConnection {
  const server = redisOptions(vars.REDIS_URL);
  if (!sentinels.length) return server;
  const { username, password, db, tls } = server;
  return {
    username,
    password,
    db,
    tls,
    sentinels,
    name: vars.REDIS_SENTINEL_NAME,
    sentinelUsername: vars.REDIS_SENTINEL_USERNAME,
    sentinelPassword: vars.REDIS_SENTINEL_PASSWORD,
    sentinelTLS: vars.REDIS_SENTINEL_TLS === 'true' ? {} : undefined,
    enableTLSForSentinelMode: Boolean(tls),
  };
}

/** ioredis options from a redis:// or rediss:// URL, for libraries that take options rather than a URL. */
export function redisOptions(redisUrl: string): {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: object;
} {
  const u = new URL(redisUrl);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number(u.pathname.slice(1) || 0),
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}
