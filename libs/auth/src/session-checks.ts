import { Injectable } from '@nestjs/common';
import type { Role } from './entities/user.entity';
import type { Principal } from './principal';

/** Whether the session a verified token belongs to still stands (false: it was ended before the token expired). */
export type SessionCheck = (p: Principal) => Promise<boolean>;

/**
 * The hook through which the lib that can end a role's sessions says which tokens it has ended; the HTTP guard
 * and the socket handshake ask it after the signature and expiry are good. The booking lib registers the
 * drivers' check (a new driver code ends the old code's sessions), so auth needs no import of it. A role with
 * no check registered is judged by its token alone.
 */
@Injectable()
export class SessionChecks {
  private readonly checks = new Map<Role, SessionCheck>();

  register(role: Role, check: SessionCheck): void {
    if (this.checks.has(role)) throw new Error(`a session check for ${role} is already registered`);
    this.checks.set(role, check);
  }

  current(p: Principal): Promise<boolean> {
    return this.checks.get(p.role)?.(p) ?? Promise.resolve(true);
  }
}
