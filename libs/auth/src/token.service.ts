import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@kouan/config';
import type { Role } from './entities/user.entity';
import type { Principal } from './principal';

interface Claims {
  sub: string;
  role: Role;
  firm?: string;
  port?: string;
  /** Principal.codeVersion (drivers). */
  cv?: number;
  exp?: number;
}

/** Signs and checks access tokens; HTTP guards and the socket.io handshake both use it. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  /** With `expiresAt`, the token expires then (rounded up to the second) rather than after the role's TTL. */
  sign(p: Principal, expiresAt?: Date): string {
    const claims: Claims = { sub: p.sub, role: p.role, firm: p.firmId, port: p.portCode, cv: p.codeVersion };
    if (expiresAt) return this.jwt.sign({ ...claims, exp: Math.ceil(expiresAt.getTime() / 1000) });
    const ttl = p.role === 'driver' ? this.config.env.driverJwtTtlSeconds : this.config.env.jwtTtlSeconds;
    return this.jwt.sign(claims, { expiresIn: ttl });
  }

  /**
   * The principal of a valid token, or null for a missing, forged, expired or malformed one. A token without
   * `exp` is refused: every token Kouan signs expires, so one that does not was not made here.
   */
  verify(token: string | undefined): Principal | null {
    if (!token) return null;
    try {
      const c = this.jwt.verify<Claims>(token, { algorithms: ['HS256'] });
      if (typeof c.sub !== 'string' || typeof c.role !== 'string' || typeof c.exp !== 'number') return null;
      return {
        sub: c.sub,
        role: c.role,
        firmId: c.firm,
        portCode: c.port,
        bookingId: c.role === 'driver' ? c.sub : undefined,
        expiresAt: c.exp * 1000,
        codeVersion: typeof c.cv === 'number' ? c.cv : undefined,
      };
    } catch {
      return null;
    }
  }
}
