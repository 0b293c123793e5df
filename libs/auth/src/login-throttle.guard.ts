import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * Counts attempts per account (email, or booking reference for drivers) rather than per address, so a guess
 * spread over many addresses is slowed just the same; requests naming no account are counted per address.
 */
@Injectable()
export class LoginThrottleGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const body = (req.body ?? {}) as { email?: unknown; reference?: unknown };
    if (typeof body.email === 'string') return `email:${body.email.trim().toLowerCase()}`;
    if (typeof body.reference === 'string') return `ref:${body.reference.trim().toUpperCase()}`;
    return `ip:${String(req.ip)}`;
  }
}
