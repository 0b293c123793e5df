import { plainToInstance, Transform } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** Every variable the processes read. Validated once at boot; nothing else reads process.env. */
class EnvVars {
  @IsOptional() @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsOptional() @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/kouan';

  @IsOptional() @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key (BullMQ, throttling, socket.io), so tests and tenants never collide. */
  @IsOptional() @Matches(/^[a-zA-Z0-9:_-]{1,40}$/, { message: 'must be 1-40 letters, digits, : _ or -' })
  REDIS_PREFIX = 'kouan';

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsOptional() @IsString() @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(60) @Max(86400)
  JWT_TTL_SECONDS = 900;

  @IsOptional() @Transform(toInt) @IsInt() @Min(60) @Max(86400)
  DRIVER_JWT_TTL_SECONDS = 3600;

  @IsOptional() @IsEmail()
  ADMIN_EMAIL?: string;

  @IsOptional() @IsString() @MinLength(10, { message: 'must be at least 10 characters' })
  ADMIN_PASSWORD?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200)
  DB_POOL_SIZE = 20;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10000)
  LOGIN_THROTTLE_LIMIT = 10;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(86400)
  LOGIN_THROTTLE_TTL_SECONDS = 60;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

export interface Env {
  nodeEnv: 'development' | 'test' | 'production';
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  port: number;
  jwtSecret: string;
  jwtTtlSeconds: number;
  driverJwtTtlSeconds: number;
  adminEmail?: string;
  adminPassword?: string;
  dbPoolSize: number;
  loginThrottleLimit: number;
  loginThrottleTtlSeconds: number;
  logLevel: string;
}

/** Only for development and tests: production must bring its own secret. */
const DEV_JWT_SECRET = 'kouan-development-secret-not-for-production-use';

export class EnvValidationError extends Error {}

/** Validates the raw environment; throws naming every bad variable. */
export function validateEnv(raw: Record<string, unknown>): Env {
  const known = Object.fromEntries(
    Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''),
  );
  const vars = plainToInstance(EnvVars, known, { exposeDefaultValues: true });
  const errors = validateSync(vars, { skipMissingProperties: false, whitelist: false });
  const problems = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`);
  const production = vars.NODE_ENV === 'production';
  if (production && !vars.JWT_SECRET) problems.push('JWT_SECRET: required when NODE_ENV=production');
  if (production && (!vars.ADMIN_EMAIL || !vars.ADMIN_PASSWORD)) {
    problems.push('ADMIN_EMAIL/ADMIN_PASSWORD: required when NODE_ENV=production');
  }
  if (problems.length) throw new EnvValidationError(`Invalid environment: ${problems.join('; ')}`);
  return {
    nodeEnv: vars.NODE_ENV,
    databaseUrl: vars.DATABASE_URL,
    redisUrl: vars.REDIS_URL,
    redisPrefix: vars.REDIS_PREFIX,
    port: vars.PORT,
    jwtSecret: vars.JWT_SECRET ?? DEV_JWT_SECRET,
    jwtTtlSeconds: vars.JWT_TTL_SECONDS,
    driverJwtTtlSeconds: vars.DRIVER_JWT_TTL_SECONDS,
    adminEmail: vars.ADMIN_EMAIL ?? (production ? undefined : 'admin@kouan.local'),
    adminPassword: vars.ADMIN_PASSWORD ?? (production ? undefined : 'admin-password'),
    dbPoolSize: vars.DB_POOL_SIZE,
    loginThrottleLimit: vars.LOGIN_THROTTLE_LIMIT,
    loginThrottleTtlSeconds: vars.LOGIN_THROTTLE_TTL_SECONDS,
    logLevel: vars.LOG_LEVEL,
  };
}

/** The one place that reads process.env. */
export function envFromProcess(overrides: Record<string, string> = {}): Env {
  return validateEnv({ ...process.env, ...overrides });
}

/** ioredis options from a redis:// or rediss:// URL, for libraries that take options rather than a URL. */
export function redisOptions(redisUrl: string): { host: string; port: number; username?: string; password?: string; db: number; tls?: object } {
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
