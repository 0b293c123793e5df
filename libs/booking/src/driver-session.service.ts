import { Injectable, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@kouan/audit';
import type { Principal } from '@kouan/auth';
import { SessionChecks, TokenService } from '@kouan/auth';
import { AppConfig } from '@kouan/config';
import { Clock, DomainError, inTransaction, notFound } from '@kouan/common';
import { isoInZone } from '@kouan/calendar';
import { LivePublisher } from '@kouan/realtime';
import { ACTIVE_STATUSES } from './booking-status';
import type { DriverCodeDto, DriverSessionDto, DriverSessionTokenDto } from './dto/booking.dto';
import { DriverSessionRepository, DriverSessionRow, GuessState } from './driver-session.repository';
import { addressKey, DRIVER_CODE_LOCK_AFTER, driverCodeMatches, hashDriverCode, newDriverCode, seal } from './secrets';

const WRONG = 'wrong reference or driver code';
/** A driver keeps the session while waiting past the check-in window (queues can be long). */
const AFTER_WINDOW_MS = 2 * 3600_000;

/** How one attempt was judged, under the reference's lock: a booking to open a session for, or why not. */
type Verdict = { booking: DriverSessionRow } | { refused: Error };

@Injectable()
export class DriverSessionService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: DriverSessionRepository,
    private readonly tokens: TokenService,
    private readonly sessions: SessionChecks,
    private readonly audit: AuditService,
    private readonly live: LivePublisher,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Driver tokens of an earlier code are refused everywhere a token is checked (HTTP guard, socket handshake). */
  onModuleInit(): void {
    this.sessions.register('driver', (p) => this.isCurrent(p));
  }

  /**
   * A driver token scoped to one booking, for the reference and the code the firm passed on. Each attempt is
   * judged while the reference's count is locked, so however many race, each sees the counts the ones before
   * it left: a reference with DRIVER_CODE_LOCK_AFTER wrong codes in all is locked (423), an address with
   * DRIVER_CODE_PER_HOUR wrong codes for it this hour is refused (429), both also with the right code; else a
   * wrong code is counted and refused (401). A guesser who goes on after that is refused on a first read,
   * without queueing for the lock. Unknown references go through the same statements and the same hash work,
   * and are counted alike, so the answers (and their timing) do not tell whether a reference exists.
   */
  async open(dto: DriverSessionDto, address: string): Promise<DriverSessionTokenDto> {
    const reference = dto.reference.toUpperCase();
    const secret = this.config.env.jwtSecret;
    const from = addressKey(secret, address);
    const early = refusal(await this.repo.state(this.ds, reference, from, this.clock.now()));
    if (early) throw early;
    const verdict = await inTransaction(this.ds, async (em): Promise<Verdict> => {
      await this.repo.lockGuesses(em, reference);
      const at = this.clock.now();
      const refused = refusal(await this.repo.state(em, reference, from, at));
      if (refused) return { refused };
      const b = await this.repo.byReference(em, reference);
      if (driverCodeMatches(secret, b && { id: b.id, hash: b.driver_code_hash }, dto.driverCode))
        return { booking: b as DriverSessionRow };
      await this.repo.countWrongCode(em, reference, from, at);
      return { refused: new UnauthorizedException(WRONG) };
    });
    if ('refused' in verdict) throw verdict.refused;
    return this.session(verdict.booking);
  }

  /**
   * A new token for the driver's booking, with the expiry worked out again, while the booking is not final and
   * its code is the one the token was signed under (a reissue between the guard's check and here ends it too).
   */
  async refresh(p: Principal): Promise<DriverSessionTokenDto> {
    const b = await this.repo.byId(p.bookingId as string);
    if (!b) throw notFound('booking');
    if (b.driver_code_version !== (p.codeVersion ?? 0))
      throw new UnauthorizedException('missing, invalid or expired access token');
    return this.session(b);
  }

  /**
   * The firm's new code for its booking: the old code stops working, the wrong-code counts start again, every
   * session opened with the old code ends (its tokens are refused from the next request; its sockets, on every
   * API process, get `session:expired` and are disconnected), and the audit trail records it (never the code).
   * `also` runs in the same transaction with the new code (texting it): when it throws, the old code stays.
   */
  async reissue<T = void>(
    p: Principal,
    bookingId: string,
    also?: (em: EntityManager, driverCode: string, at: Date) => Promise<T>,
  ): Promise<DriverCodeDto & { also?: T }> {
    const driverCode = newDriverCode();
    const secret = this.config.env.jwtSecret;
    const firmId = p.firmId as string;
    const r = await inTransaction(this.ds, async (em) => {
      const at = this.clock.now();
      const done = await this.repo.reissue(
        em,
        bookingId,
        firmId,
        hashDriverCode(secret, bookingId, driverCode),
        seal(secret, driverCode),
        at,
      );
      if (!done) return undefined;
      await this.audit.record(em, {
        type: 'driver_code.reissued',
        portCode: done.port_code,
        bookingId,
        data: { codeVersion: done.driver_code_version },
      });
      // After the reissue's UPDATE, which holds the booking's row: racing sends for one booking go one at a time.
      return { done, also: also ? await also(em, driverCode, at) : undefined };
    });
    if (!r) {
      const status = await this.repo.statusOf(bookingId, firmId);
      throw status ? closed(status) : notFound('booking');
    }
    this.live.driverSessionsEnded({ bookingId, codeVersion: r.done.driver_code_version });
    return also ? { driverCode, also: r.also } : { driverCode };
  }

  /**
   * One primary-key read per driver request and socket handshake (not cached: a reissue must end the old
   * sessions on every process at once, and with the cost of a lookup the booking row is the one truth).
   */
  private async isCurrent(p: Principal): Promise<boolean> {
    const version = await this.repo.codeVersion(p.sub);
    return version !== undefined && version === (p.codeVersion ?? 0);
  }

  /**
   * The token lasts until 2 h after the check-in window closes, and at least the configured driver TTL,
   * rounded up to the second (a JWT's exp is in seconds, and expiresAt must be exactly it).
   */
  private session(b: DriverSessionRow): DriverSessionTokenDto {
    if (!ACTIVE_STATUSES.includes(b.status)) throw closed(b.status);
    const until = Math.max(
      this.clock.now().getTime() + this.config.env.driverJwtTtlSeconds * 1000,
      b.window_closes_at.getTime() + AFTER_WINDOW_MS,
    );
    const expiresAt = new Date(Math.ceil(until / 1000) * 1000);
    const accessToken = this.tokens.sign(
      { sub: b.id, role: 'driver', firmId: b.firm_id, portCode: b.port_code, codeVersion: b.driver_code_version },
      expiresAt,
    );
    return { accessToken, expiresAt: isoInZone(expiresAt, b.time_zone) };
  }
}

/** Why the counts refuse any code, right or wrong, for this reference from this address (undefined: they do not). */
function refusal(s: GuessState): DomainError | undefined {
  if (s.failures >= DRIVER_CODE_LOCK_AFTER)
    return new DomainError('locked', 'too many wrong driver codes: ask your firm for a new code');
  if (!s.throttled_until) return undefined;
  const retryAt = isoInZone(s.throttled_until, s.time_zone);
  return new DomainError(
    'too_many_requests',
    `too many wrong driver codes for this booking; try again after ${retryAt}`,
    { retryAt },
  );
}

const closed = (status: string) => new DomainError('booking_closed', `this booking is ${status}`, { status });
