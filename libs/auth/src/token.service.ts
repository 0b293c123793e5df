import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Clock } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import type { Role } from './entities/user.entity';
import type { Principal } from './principal';
import { SessionRevocations } from './session-revocations';

interface Claims {
  sub: string;
  role: Role;
  firm?: string;
  port?: string;
  /** Principal.codeVersion (drivers). */
  cv?: number;
  sid?: string;
  iat?: number;
  exp?: number;
}

/**
 * Signs and checks access tokens; HTTP guards and the socket.io handshake both use it. Tokens are judged at the
 * injected Clock's time, so a test moves a token past its expiry without waiting; a token of an ended session
 * (its `sid` among SessionRevocations) is refused like an expired one.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly revocations: SessionRevocations,
  ) {}

  /** With `expiresAt`, the token expires then (rounded up to the second) rather than after the role's TTL. */
  sign(p: Principal, expiresAt?: Date): string {
    const claims: Claims = {
      sub: p.sub,
      role: p.role,
      firm: p.firmId,
      port: p.portCode,
      sid: p.sessionId,
      cv: p.codeVersion,
    };
    // `iat` from the Clock too: left to the JWT library it is the system's, and the driver's page plans its renewal
    // from `iat` to `exp` (a life measured across two clocks).
    const iat = this.nowSeconds();
    if (expiresAt) return this.jwt.sign({ ...claims, iat, exp: Math.ceil(expiresAt.getTime() / 1000) });
    const ttl = p.role === 'driver' ? this.config.env.driverJwtTtlSeconds : this.config.env.jwtTtlSeconds;
    return this.jwt.sign({ ...claims, iat }, { expiresIn: ttl });
  }

  /**
   * The principal of a valid token, or null for a missing, forged, expired or malformed one, or one of an ended
   * session. A token without `exp` is refused: every token Kouan signs expires, so one that does not was not made here.
   */
  verify(token: string | undefined): Principal | null {
    if (!token) return null;
    try {
      const c = this.jwt.verify<Claims>(token, { algorithms: ['HS256'], clockTimestamp: this.nowSeconds() });
      if (typeof c.sub !== 'string' || typeof c.role !== 'string' || typeof c.exp !== 'number') return null;
      if (c.sid !== undefined && (typeof c.sid !== 'string' || this.revocations.isEnded(c.sid))) return null;
      return {
        sub: c.sub,
        role: c.role,
        firmId: c.firm,
        portCode: c.port,
        bookingId: c.role === 'driver' ? c.sub : undefined,
        sessionId: c.sid,
        expiresAt: c.exp * 1000,
        codeVersion: typeof c.cv === 'number' ? c.cv : undefined,
      };
    } catch {
      return null;
    }
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}
