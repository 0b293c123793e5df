import { createSecretKey } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { AppConfig } from '@kouan/config';
import { REDIS } from '@kouan/db';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { ActorInterceptor } from './actor.interceptor';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { RegulatorsController } from './regulators.controller';
import { User } from './entities/user.entity';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { SessionRevocations } from './session-revocations';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { FAIL_CLOSED, KouanThrottlerGuard, throttlers } from './throttling';
import { SessionChecks } from './session-checks';
import { TokenService } from './token.service';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { Session } from './entities/session.entity';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const AUTH_ENTITIES = [User, Session];

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature(AUTH_ENTITIES),
    JwtModule.registerAsync({
      inject: [AppConfig],
      // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it as a PEM
      // public key on every verify, which cost a quarter of the API's CPU per request (docs/performance.md).
      // Same key bytes, so tokens signed either way verify either way.
      useFactory: (config: AppConfig) => ({
        secret: createSecretKey(Buffer.from(config.env.jwtSecret, 'utf8')),
        signOptions: { algorithm: 'HS256' },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: throttlers(config.env),
        storage: new RedisThrottlerStorage(redis, config.env.redisPrefix, FAIL_CLOSED),
      }),
    }),
  ],
  controllers: [AuthController, AccountsController, RegulatorsController],
  // Guards run in this order: token and role (401, 403), then rate limits (429).
  providers: [
    AuthService,
    TokenService,
    UsersService,
    UsersRepository,
    AccountsService,
    AccountsRepository,
    SessionsService,
    SessionsRepository,
    SessionRevocations,
    SessionChecks,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: KouanThrottlerGuard },
    { provide: APP_INTERCEPTOR, useClass: ActorInterceptor },
  ],
  exports: [TokenService, UsersService, AccountsService, SessionChecks, SessionRevocations, ThrottlerModule],
})
export class AuthModule {}
