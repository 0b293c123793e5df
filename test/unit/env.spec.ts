import webPush from 'web-push';
import { EnvValidationError, parseSentinels, redisOptions, validateEnv } from '@kouan/config';

const SECRET = 'x'.repeat(32);
const DEV = { NODE_ENV: 'development' };
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: SECRET,
  ADMIN_EMAIL: 'ops@kouan.example',
  ADMIN_PASSWORD: 'a-long-password',
  METRICS_TOKEN: 'm'.repeat(16),
};

/** The message of the error validateEnv throws for `raw` (fails the test if it does not throw). */
function problem(raw: Record<string, unknown>): string {
  try {
    validateEnv(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvValidationError);
    return (e as Error).message;
  }
  throw new Error(`validateEnv accepted ${JSON.stringify(raw)}`);
}

describe('validateEnv', () => {
  it('fills in the documented defaults (development)', () => {
    const env = validateEnv(DEV);
    expect(env).toEqual({
      nodeEnv: 'development',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/kouan',
      appDatabaseUrl: 'postgres://kouan_api:kouan-development-db-password@127.0.0.1:5432/kouan',
      redis: { host: '127.0.0.1', port: 6379, username: undefined, password: undefined, db: 0, tls: undefined },
      redisPrefix: 'kouan',
      port: 3000,
      httpKeepAliveSeconds: 65,
      jwtSecret: expect.any(String),
      jwtTtlSeconds: 900,
      driverJwtTtlSeconds: 3600,
      liveRecoveryMs: 120000,
      adminEmail: 'admin@kouan.local',
      adminPassword: 'admin-password',
      dbPoolSize: 20,
      dbIdleSeconds: 600,
      databaseReplicaUrls: [],
      databaseReplicaRetrySeconds: 10,
      deviceOfflineSeconds: 300,
      deviceThrottleLimit: 6000,
      loginThrottleLimit: 10,
      loginThrottleTtlSeconds: 60,
      loginAddressLimit: 30,
      loginAccountLimit: 50,
      driverSessionAddressLimit: 1000,
      publicThrottleLimit: 600,
      openThrottleLimit: 60,
      publicUrl: 'http://localhost:3000',
      corsOrigins: [],
      logLevel: 'info',
      webhookRetrySeconds: [60, 300, 900, 1800, 3600, 7200, 10800],
      webhookDisableAfterSeconds: 86400,
      webhookTimeoutMs: 10000,
      webhookLeaseSeconds: 30,
      outboxMaxAttempts: 5,
      notifyChannels: ['socket', 'sms'],
      notifyLeaseSeconds: 60,
      webPush: null,
      webhookAllowPrivate: false,
      trustedProxies: ['loopback'],
      metricsToken: undefined,
      metricsPort: undefined,
      sessionMaxSeconds: 43200,
      sessionIdleSeconds: 7200,
      counterpartLinks: [],
      counterpartSyncSeconds: 60,
      counterpartTimeoutMs: 10000,
      clock: null,
    });
    expect(env.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('reads the counterpart links: our port, their port by its URL, their account', () => {
    const env = validateEnv({
      ...DEV,
      COUNTERPART_LINKS:
        ' boten=https://kouan.mohan.example/api/v1/ports/MOHAN,link@mohan.example:p%3Bss:w ; ' +
        'LANTUI=http://10.0.0.5:3000/kouan/api/v1/ports/MENGKANG/,link@mengkang.example:secret-password',
      COUNTERPART_SYNC_SECONDS: '5',
    });
    expect(env.counterpartLinks).toEqual([
      {
        port: 'BOTEN',
        apiUrl: 'https://kouan.mohan.example/api/v1',
        theirPort: 'MOHAN',
        email: 'link@mohan.example',
        password: 'p;ss:w',
      },
      {
        port: 'LANTUI',
        apiUrl: 'http://10.0.0.5:3000/kouan/api/v1',
        theirPort: 'MENGKANG',
        email: 'link@mengkang.example',
        password: 'secret-password',
      },
    ]);
    expect(env.counterpartSyncSeconds).toBe(5);
  });

  it('refuses a bad counterpart link by position and port, never echoing its credential', () => {
    const bad = [
      'https://kouan.mohan.example/api/v1/ports/MOHAN,link@mohan.example:hunter2-secret',
      'BOTEN=https://kouan.mohan.example/ports/MOHAN,link@mohan.example:hunter2-secret',
      'BOTEN=https://kouan.mohan.example/api/v1/ports/MOHAN',
      'BOTEN=https://kouan.mohan.example/api/v1/ports/MOHAN,hunter2-secret',
      'BOTEN=https://kouan.mohan.example/api/v1/ports/MOHAN,link@mohan.example:%E0hunter2-secret',
      'BOTEN=https://a.example/api/v1/ports/MOHAN,a@b.example:hunter2-secret;BOTEN=https://c.example/api/v1/ports/X1,a@b.example:hunter2-secret',
    ];
    const messages = bad.map((COUNTERPART_LINKS) => problem({ ...DEV, COUNTERPART_LINKS }));
    expect(messages[0]).toContain('COUNTERPART_LINKS: link 1: must start with our port code and =');
    expect(messages[1]).toContain(
      "link 1 (BOTEN): their port's URL must be http(s)://<host>/api/v1/ports/<THEIR CODE>",
    );
    expect(messages[2]).toContain("link 1 (BOTEN): needs the far side's counterpart account as <email>:<password>");
    expect(messages[3]).toContain("link 1 (BOTEN): needs the far side's counterpart account");
    expect(messages[4]).toContain('link 1 (BOTEN): the credential has a bad percent-encoding');
    expect(messages[5]).toContain('link 2 (BOTEN): our port is linked twice');
    for (const message of messages) expect(message).not.toContain('hunter2');
    expect(
      problem({ ...PRODUCTION, COUNTERPART_LINKS: 'BOTEN=http://mohan.example/api/v1/ports/MOHAN,a@b.example:pw' }),
    ).toContain('link 1 (BOTEN): their URL must be https in production');
  });

  it('retries a webhook at least 8 times over at least 6 hours by default (contract), and reads a schedule', () => {
    const { webhookRetrySeconds } = validateEnv(DEV);
    expect(webhookRetrySeconds.length + 1).toBeGreaterThanOrEqual(8);
    expect(webhookRetrySeconds.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(6 * 3600);
    expect(validateEnv({ ...DEV, WEBHOOK_RETRY_SECONDS: '0.5, 2,10' }).webhookRetrySeconds).toEqual([0.5, 2, 10]);
    expect(() => validateEnv({ ...DEV, WEBHOOK_RETRY_SECONDS: '1,,2' })).toThrow(/WEBHOOK_RETRY_SECONDS/);
  });

  it('reads the relay dead-letter limit and the webhook and notification leases, refusing values out of range by name', () => {
    expect(
      validateEnv({ ...DEV, OUTBOX_MAX_ATTEMPTS: '3', WEBHOOK_LEASE_SECONDS: '5', NOTIFY_LEASE_SECONDS: '2' }),
    ).toMatchObject({
      outboxMaxAttempts: 3,
      webhookLeaseSeconds: 5,
      notifyLeaseSeconds: 2,
    });
    expect(() => validateEnv({ ...DEV, OUTBOX_MAX_ATTEMPTS: '0' })).toThrow(/OUTBOX_MAX_ATTEMPTS/);
    expect(() => validateEnv({ ...DEV, WEBHOOK_LEASE_SECONDS: 'soon' })).toThrow(/WEBHOOK_LEASE_SECONDS/);
    expect(() => validateEnv({ ...DEV, NOTIFY_LEASE_SECONDS: '0' })).toThrow(/NOTIFY_LEASE_SECONDS/);
  });

  it('treats an empty variable as unset', () => {
    expect(validateEnv({ ...DEV, PORT: '', DATABASE_URL: '', JWT_SECRET: '' })).toMatchObject({
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/kouan',
    });
  });

  it('takes the values it is given, numbers as numbers', () => {
    const env = validateEnv({
      NODE_ENV: 'test',
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5433/x',
      REDIS_URL: 'rediss://cache:6380',
      REDIS_PREFIX: 'kouan-test:a_1',
      JWT_SECRET: SECRET,
      DB_POOL_SIZE: '5',
      LOG_LEVEL: 'silent',
    });
    expect(env).toMatchObject({
      nodeEnv: 'test',
      port: 8080,
      databaseUrl: 'postgresql://u:p@db:5433/x',
      redis: { host: 'cache', port: 6380, db: 0, tls: {} },
      redisPrefix: 'kouan-test:a_1',
      jwtSecret: SECRET,
      dbPoolSize: 5,
      dbIdleSeconds: 600,
      logLevel: 'silent',
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'postgres://'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_PREFIX', 'has space'],
    ['REDIS_SENTINELS', 'sentinel-a:26379,'],
    ['REDIS_SENTINELS', 'sentinel-a:70000'],
    ['REDIS_SENTINELS', 'redis://sentinel-a:26379'],
    ['REDIS_SENTINELS', '::1:26379'],
    ['REDIS_SENTINEL_NAME', 'two words'],
    ['REDIS_SENTINEL_TLS', 'yes'],
    ['JWT_SECRET', 'too-short'],
    ['DEVICE_OFFLINE_SECONDS', '10'],
    ['DEVICE_THROTTLE_LIMIT', '0'],
    ['OPEN_THROTTLE_LIMIT', '0'],
    ['JWT_TTL_SECONDS', '5'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'loud'],
    ['ADMIN_EMAIL', 'not-an-email'],
    ['DB_POOL_SIZE', '0'],
    ['CORS_ORIGINS', 'kouan.example'],
  ])('refuses %s=%p, naming the variable', (name, value) => {
    const message = problem({ ...PRODUCTION, [name]: value });
    expect(message).toMatch(new RegExp(`\\b${name}\\b`));
    // Only the bad variable is blamed.
    for (const other of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'NODE_ENV', 'ADMIN_EMAIL']) {
      if (other !== name) expect(message).not.toMatch(new RegExp(`\\b${other}\\b`));
    }
  });

  it('takes HTTP_KEEP_ALIVE_SECONDS from 1 to 600 seconds', () => {
    expect(validateEnv({ ...DEV, HTTP_KEEP_ALIVE_SECONDS: '120' }).httpKeepAliveSeconds).toBe(120);
    for (const bad of ['0', '601', 'soon'])
      expect(problem({ ...DEV, HTTP_KEEP_ALIVE_SECONDS: bad })).toContain('HTTP_KEEP_ALIVE_SECONDS');
  });

  it('takes DB_IDLE_SECONDS from 1 s to a day', () => {
    expect(validateEnv({ ...DEV, DB_IDLE_SECONDS: '30' }).dbIdleSeconds).toBe(30);
    for (const bad of ['0', '86401', 'forever'])
      expect(problem({ ...DEV, DB_IDLE_SECONDS: bad })).toContain('DB_IDLE_SECONDS');
  });

  it('names every bad variable at once', () => {
    const message = problem({ ...DEV, PORT: 'abc', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short' });
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('JWT_SECRET');
  });

  it('demands a secret and an admin in production, and without NODE_ENV it is production', () => {
    for (const raw of [{ NODE_ENV: 'production' }, {}]) {
      const message = problem(raw);
      expect(message).toContain('JWT_SECRET');
      expect(message).toContain('ADMIN_EMAIL');
      expect(message).toContain('ADMIN_PASSWORD');
    }

    const noSecret = problem({ ...PRODUCTION, JWT_SECRET: undefined });
    expect(noSecret).toContain('JWT_SECRET');
    expect(noSecret).not.toContain('ADMIN_');

    const noAdmin = problem({ ...PRODUCTION, ADMIN_PASSWORD: '' });
    expect(noAdmin).toContain('ADMIN_PASSWORD');
    expect(noAdmin).not.toContain('JWT_SECRET');
  });

  it('refuses in production the published development key, private webhook targets and open metrics', () => {
    const devKey = validateEnv(DEV).jwtSecret;
    expect(problem({ ...PRODUCTION, JWT_SECRET: devKey })).toContain('JWT_SECRET');
    expect(problem({ ...PRODUCTION, JWT_SECRET: 'x'.repeat(31) })).toContain('JWT_SECRET');
    expect(problem({ ...PRODUCTION, WEBHOOK_ALLOW_PRIVATE: 'true' })).toContain('WEBHOOK_ALLOW_PRIVATE');
    expect(problem({ ...PRODUCTION, METRICS_TOKEN: undefined })).toContain('METRICS_TOKEN');
    expect(validateEnv({ ...PRODUCTION, METRICS_TOKEN: undefined, METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(validateEnv({ ...DEV, WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookAllowPrivate).toBe(true);
  });

  it('reads a simulated clock (tests and the soak only): start, when it runs and how fast; never in production', () => {
    const clock = { CLOCK_START: '2026-12-07T06:00:00+08:00', CLOCK_RUN_FROM: '1796500000000', CLOCK_SPEED: '60' };
    expect(validateEnv({ ...DEV, ...clock }).clock).toEqual({
      start: Date.parse('2026-12-06T22:00:00Z'),
      runFrom: 1796500000000,
      speed: 60,
    });
    expect(validateEnv({ ...DEV, ...clock, CLOCK_SPEED: undefined }).clock?.speed).toBe(1);
    expect(problem({ ...DEV, ...clock, CLOCK_RUN_FROM: undefined })).toContain('CLOCK_START/CLOCK_RUN_FROM');
    expect(problem({ ...DEV, ...clock, CLOCK_START: '2026-12-07T06:00:00' })).toContain('CLOCK_START');
    expect(problem({ ...DEV, ...clock, CLOCK_SPEED: '0' })).toContain('CLOCK_SPEED');
    expect(problem({ ...PRODUCTION, ...clock })).toContain('CLOCK_START: development and test only');
  });

  it('turns Web Push on with the three VAPID settings only, and refuses half a set or a malformed key', () => {
    const keys = webPush.generateVAPIDKeys();
    const vapid = { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey };
    const on = validateEnv({ ...DEV, ...vapid, VAPID_SUBJECT: 'mailto:ops@kouan.example' });
    expect(on.webPush).toEqual({ ...keys, subject: 'mailto:ops@kouan.example' });
    expect(on.notifyChannels).toEqual(['socket', 'sms', 'webpush']);
    // Listed (the default) but without keys: off, not a failed boot.
    expect(validateEnv({ ...DEV, NOTIFY_CHANNELS: 'sms,webpush' }).notifyChannels).toEqual(['sms']);
    expect(problem({ ...DEV, ...vapid })).toContain('all three or none');
    expect(problem({ ...DEV, ...vapid, VAPID_SUBJECT: 'http://kouan.example' })).toContain('VAPID_SUBJECT');
    expect(problem({ ...DEV, ...vapid, VAPID_SUBJECT: 'mailto:a@b', VAPID_PRIVATE_KEY: 'short' })).toContain(
      'VAPID_PRIVATE_KEY',
    );
    const compressed = Buffer.from(keys.publicKey, 'base64url');
    compressed[0] = 2;
    expect(
      problem({ ...DEV, ...vapid, VAPID_SUBJECT: 'mailto:a@b', VAPID_PUBLIC_KEY: compressed.toString('base64url') }),
    ).toContain('VAPID_PUBLIC_KEY');
    expect(problem({ ...DEV, NOTIFY_CHANNELS: 'sms,pigeon' })).toContain('NOTIFY_CHANNELS');
  });

  it('reads TRUSTED_PROXIES as a list of addresses and CIDRs', () => {
    expect(validateEnv({ ...DEV, TRUSTED_PROXIES: '10.0.0.5, 192.168.0.0/16,loopback' }).trustedProxies).toEqual([
      '10.0.0.5',
      '192.168.0.0/16',
      'loopback',
    ]);
    expect(problem({ ...DEV, TRUSTED_PROXIES: '10.0.0.5; rm' })).toContain('TRUSTED_PROXIES');
    expect(problem({ ...DEV, TRUSTED_PROXIES: 'loopback, localnet' })).toContain('TRUSTED_PROXIES');
    expect(problem({ ...DEV, TRUSTED_PROXIES: '10.0.0.0/33' })).toContain('TRUSTED_PROXIES');
  });

  it('reads DATABASE_REPLICA_URLS as a list of postgres URLs, and the rest a replica takes after failing', () => {
    const env = validateEnv({
      ...DEV,
      DATABASE_REPLICA_URLS: 'postgres://kouan_api:pw@replica1:5432/kouan, postgresql://kouan_api:pw@replica2/kouan',
      DATABASE_REPLICA_RETRY_SECONDS: '3',
    });
    expect(env.databaseReplicaUrls).toEqual([
      'postgres://kouan_api:pw@replica1:5432/kouan',
      'postgresql://kouan_api:pw@replica2/kouan',
    ]);
    expect(env.databaseReplicaRetrySeconds).toBe(3);
    expect(problem({ ...DEV, DATABASE_REPLICA_URLS: 'postgres://a/kouan,redis://b' })).toContain(
      'DATABASE_REPLICA_URLS',
    );
    expect(problem({ ...DEV, DATABASE_REPLICA_RETRY_SECONDS: '0' })).toContain('DATABASE_REPLICA_RETRY_SECONDS');
  });

  it('uses no built-in secret or admin in production', () => {
    const env = validateEnv(PRODUCTION);
    expect(env).toMatchObject({
      nodeEnv: 'production',
      jwtSecret: SECRET,
      adminEmail: 'ops@kouan.example',
      adminPassword: 'a-long-password',
    });
    expect(validateEnv(DEV).jwtSecret).not.toBe(SECRET);
    expect(
      validateEnv({
        JWT_SECRET: SECRET,
        ADMIN_EMAIL: 'ops@kouan.example',
        ADMIN_PASSWORD: 'a-long-password',
        METRICS_PORT: '9464',
      }).nodeEnv,
    ).toBe('production');
  });

  it("runs the app as kouan_api on the owner's database in development; in production only as APP_DATABASE_URL says", () => {
    expect(validateEnv({ ...DEV, DATABASE_URL: 'postgres://owner:secret@db.example:6543/ports' }).appDatabaseUrl).toBe(
      'postgres://kouan_api:kouan-development-db-password@db.example:6543/ports',
    );
    expect(validateEnv(PRODUCTION).appDatabaseUrl).toBeUndefined();
    expect(validateEnv({ ...PRODUCTION, APP_DATABASE_URL: 'postgres://app:pw@db/kouan' }).appDatabaseUrl).toBe(
      'postgres://app:pw@db/kouan',
    );
    expect(problem({ ...DEV, APP_DATABASE_URL: 'postgres://db.example/kouan' })).toContain('APP_DATABASE_URL');
  });

  it('reads CORS_ORIGINS as a list of origins', () => {
    expect(validateEnv({ ...DEV, CORS_ORIGINS: 'https://a.example, http://b.example:8080/' }).corsOrigins).toEqual([
      'https://a.example',
      'http://b.example:8080',
    ]);
  });

  it('gives development and test a secret and admin of their own', () => {
    for (const NODE_ENV of ['development', 'test']) {
      expect(validateEnv({ NODE_ENV })).toMatchObject({
        adminEmail: 'admin@kouan.local',
        adminPassword: 'admin-password',
      });
    }
  });
});

describe('Redis through Sentinel', () => {
  it('asks the sentinels for the named master, with the credential, database and TLS of REDIS_URL for the master', () => {
    const env = validateEnv({
      ...DEV,
      REDIS_URL: 'rediss://app:p%40ss@ignored:6379/3',
      REDIS_SENTINELS: 'sentinel-a:26380, 10.0.0.7 ,[fd00::7]:26381',
      REDIS_SENTINEL_NAME: 'kouan-mohan',
      REDIS_SENTINEL_USERNAME: 'watch',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      REDIS_SENTINEL_TLS: 'true',
    });
    expect(env.redis).toEqual({
      username: 'app',
      password: 'p@ss',
      db: 3,
      tls: {},
      sentinels: [
        { host: 'sentinel-a', port: 26380 },
        { host: '10.0.0.7', port: 26379 },
        { host: 'fd00::7', port: 26381 },
      ],
      name: 'kouan-mohan',
      sentinelUsername: 'watch',
      sentinelPassword: 'sentinel-secret',
      sentinelTLS: {},
      enableTLSForSentinelMode: true,
    });
  });

  it('defaults the master name, and leaves TLS off both ways for redis:// and no REDIS_SENTINEL_TLS', () => {
    expect(validateEnv({ ...DEV, REDIS_SENTINELS: '127.0.0.1:26379' }).redis).toEqual({
      username: undefined,
      password: undefined,
      db: 0,
      tls: undefined,
      sentinels: [{ host: '127.0.0.1', port: 26379 }],
      name: 'mymaster',
      sentinelUsername: undefined,
      sentinelPassword: undefined,
      sentinelTLS: undefined,
      enableTLSForSentinelMode: false,
    });
  });

  it('reads the address list as given, and refuses an entry that is not host[:port]', () => {
    expect(parseSentinels(undefined)).toEqual([]);
    expect(parseSentinels('a.example:1,b.example')).toEqual([
      { host: 'a.example', port: 1 },
      { host: 'b.example', port: 26379 },
    ]);
    for (const bad of ['a:0', 'a:65536', 'a b:1', 'a:1,,b:2', '[::1', 'host:port'])
      expect(parseSentinels(bad)).toBeNull();
  });
});

describe('redisOptions', () => {
  it('reads password, host, port and db from a redis:// URL', () => {
    expect(redisOptions('redis://:pw@host:6380/2')).toEqual({
      host: 'host',
      port: 6380,
      username: undefined,
      password: 'pw',
      db: 2,
      tls: undefined,
    });
  });

  it('defaults the port and db and decodes a user and password', () => {
    expect(redisOptions('redis://127.0.0.1')).toMatchObject({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      password: undefined,
    });
    expect(redisOptions('redis://app%3Aw:p%40ss%2Fword@cache.internal:7000')).toMatchObject({
      username: 'app:w',
      password: 'p@ss/word',
      host: 'cache.internal',
      port: 7000,
      db: 0,
    });
  });

  it('turns on TLS for rediss:// and unwraps an IPv6 host', () => {
    expect(redisOptions('rediss://cache:6380/1')).toMatchObject({ tls: {}, port: 6380, db: 1 });
    expect(redisOptions('redis://[::1]:6379')).toMatchObject({ host: '::1', port: 6379 });
  });
});
