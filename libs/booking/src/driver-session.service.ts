import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { Principal } from '@kouan/auth';
import { TokenService } from '@kouan/auth';
import { AppConfig } from '@kouan/config';
import { DomainError, notFound } from '@kouan/common';
import { isoInZone } from '@kouan/ports';
import { ACTIVE_STATUSES } from './booking-status';
import type { DriverCodeDto, DriverSessionDto, DriverSessionTokenDto } from './dto/booking.dto';
import { DriverSessionRepository, DriverSessionRow } from './driver-session.repository';
import { driverCodeMatches, hashDriverCode, newDriverCode, seal } from './secrets';

const WRONG = 'wrong reference or driver code';
/** A driver keeps the session while waiting past the check-in window (queues can be long). */
const AFTER_WINDOW_MS = 2 * 3600_000;

@Injectable()
export class DriverSessionService {
  constructor(
    private readonly repo: DriverSessionRepository,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  /**
   * A driver token scoped to one booking, for the reference and the code the firm passed on. A reference
   * that used up its wrong codes is refused even with the right code; a wrong code is counted (one
   * conditional UPDATE) before it is answered.
   */
  async open(dto: DriverSessionDto): Promise<DriverSessionTokenDto> {
    const b = await this.repo.byReference(dto.reference.toUpperCase());
    if (!b) throw new UnauthorizedException(WRONG);
    assertCodeUsable(b);
    if (!driverCodeMatches(this.config.env.jwtSecret, b.id, dto.driverCode, b.driver_code_hash)) {
      if (!(await this.repo.countWrongCode(b.id, b.driver_code_hash))) {
        // Not counted: racing guesses reached a limit first (say which), or the code was just reissued.
        const now = await this.repo.byId(b.id);
        if (now) assertCodeUsable(now);
      }
      throw new UnauthorizedException(WRONG);
    }
    return this.session(b);
  }

  /** A new token for the driver's booking, with the expiry worked out again, while the booking is not final. */
  async refresh(p: Principal): Promise<DriverSessionTokenDto> {
    const b = await this.repo.byId(p.bookingId as string);
    if (!b) throw notFound('booking');
    return this.session(b);
  }

  /** The firm's new code for its booking: the old code stops working and the wrong-code counts start again. */
  async reissue(p: Principal, bookingId: string): Promise<DriverCodeDto> {
    const driverCode = newDriverCode();
    const secret = this.config.env.jwtSecret;
    const r = await this.repo.reissue(bookingId, p.firmId as string, hashDriverCode(secret, bookingId, driverCode), seal(secret, driverCode));
    if (!r.reissued) throw r.status ? closed(r.status) : notFound('booking');
    return { driverCode };
  }

  /**
   * The token lasts until 2 h after the check-in window closes, and at least the configured driver TTL,
   * rounded up to the second (a JWT's exp is in seconds, and expiresAt must be exactly it).
   */
  private session(b: DriverSessionRow): DriverSessionTokenDto {
    if (!ACTIVE_STATUSES.includes(b.status)) throw closed(b.status);
    const until = Math.max(Date.now() + this.config.env.driverJwtTtlSeconds * 1000, b.window_closes_at.getTime() + AFTER_WINDOW_MS);
    const expiresAt = new Date(Math.ceil(until / 1000) * 1000);
    const accessToken = this.tokens.sign({ sub: b.id, role: 'driver', firmId: b.firm_id, portCode: b.port_code }, expiresAt);
    return { accessToken, expiresAt: isoInZone(expiresAt, b.time_zone) };
  }
}

function assertCodeUsable(b: DriverSessionRow): void {
  if (b.locked) throw new DomainError('locked', 'too many wrong driver codes: ask your firm for a new code');
  if (b.throttled_until) {
    const retryAt = isoInZone(b.throttled_until, b.time_zone);
    throw new DomainError('too_many_requests', `too many wrong driver codes for this booking; try again after ${retryAt}`, { retryAt });
  }
}

const closed = (status: string) => new DomainError('booking_closed', `this booking is ${status}`, { status });
