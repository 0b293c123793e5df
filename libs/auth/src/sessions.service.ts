import { Injectable, UnauthorizedException } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { Clock } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import type { SessionResponseDto } from './dto/login.dto';
import type { UserRole } from './entities/user.entity';
import { SessionRevocations } from './session-revocations';
import { EndReason, SessionsRepository } from './sessions.repository';
import { hashToken, SignedTokens } from './signed-tokens';
import { TokenService } from './token.service';

/** The zone `expiresAt` is written in: the ports' (every Yunnan port is on China time), as every time the API answers. */
const ZONE = 'Asia/Shanghai';

export interface SessionUser {
  id: string;
  role: UserRole;
  firmId: string | null;
  portCode: string | null;
}

const ENDED = 'session ended or refresh token not valid; sign in again';

/**
 * Sessions that last a shift (docs/operations.md, "Sessions"): a sign-in starts a refresh family that lives at most
 * SESSION_MAX_SECONDS and dies after SESSION_IDLE_SECONDS unused. Each refresh spends the token for a new one; a
 * spent token coming back means two holders, so the whole family ends. Access tokens stay short and carry the
 * session's id, so ending a session refuses them too (SessionRevocations).
 */
@Injectable()
export class SessionsService {
  readonly signed: SignedTokens;

  constructor(
    private readonly repo: SessionsRepository,
    private readonly tokens: TokenService,
    private readonly revocations: SessionRevocations,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.signed = new SignedTokens(config.env.jwtSecret);
  }

  async start(user: SessionUser): Promise<SessionResponseDto> {
    const { sid, token } = this.signed.refresh();
    await this.repo.insert({
      id: sid,
      userId: user.id,
      tokenHash: hashToken(token),
      now: this.clock.now(),
      maxSeconds: this.config.env.sessionMaxSeconds,
    });
    return this.pair(sid, token, user);
  }

  /** A new pair for a current refresh token; 401 for a spent one (which ends the family), an ended or a forged one. */
  async refresh(refreshToken: string): Promise<SessionResponseDto> {
    const sid = this.signed.refreshSid(refreshToken);
    if (!sid) throw new UnauthorizedException(ENDED);
    const oldHash = hashToken(refreshToken);
    const next = this.signed.refresh(sid);
    const row = await this.repo.rotate(
      sid,
      oldHash,
      hashToken(next.token),
      this.clock.now(),
      this.config.env.sessionIdleSeconds,
    );
    if (row)
      return this.pair(sid, next.token, {
        id: row.user_id,
        role: row.role,
        firmId: row.firm_id,
        portCode: row.port_code,
      });
    // Signed by us for this session yet not its current token: spent before. Whoever holds the newer one may be a thief.
    await this.end(sid, 'reuse', oldHash);
    throw new UnauthorizedException(ENDED);
  }

  /** Ends the session of a refresh token (current or spent); a token Kouan did not sign → 401. */
  async logout(refreshToken: string): Promise<void> {
    const sid = this.signed.refreshSid(refreshToken);
    if (!sid) throw new UnauthorizedException('not a refresh token');
    await this.end(sid, 'logout');
  }

  /** Ends every session of `userId` within the caller's transaction; call `announce` with the result once it commits. */
  endAllOf(em: EntityManager, userId: string, reason: EndReason): Promise<string[]> {
    return this.repo.endAllOf(em, userId, reason, this.clock.now());
  }

  /** Ends every session of every user of a firm within the caller's transaction; `announce` the result once it commits. */
  endAllOfFirm(em: EntityManager, firmId: string): Promise<string[]> {
    return this.repo.endAllOfFirm(em, firmId, 'disabled', this.clock.now());
  }

  /** Sessions ended in a committed transaction: their access tokens are refused and their sockets closed, everywhere. */
  announce(sids: string[]): Promise<void> {
    return this.revocations.announce(sids);
  }

  private async end(sid: string, reason: EndReason, unlessHash?: string): Promise<void> {
    if (await this.repo.end(sid, reason, this.clock.now(), unlessHash)) await this.revocations.announce([sid]);
  }

  private pair(sid: string, refreshToken: string, user: SessionUser): SessionResponseDto {
    const accessToken = this.tokens.sign({
      sub: user.id,
      role: user.role,
      firmId: user.firmId ?? undefined,
      portCode: user.portCode ?? undefined,
      sessionId: sid,
    });
    const exp = this.tokens.verify(accessToken)?.expiresAt ?? this.clock.now().getTime();
    return {
      accessToken,
      refreshToken,
      expiresAt: DateTime.fromMillis(exp, { zone: ZONE }).toISO({ suppressMilliseconds: true })!,
      role: user.role,
    };
  }
}
