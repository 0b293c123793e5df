import type { Principal } from '@kouan/auth';
import { PushKeyDto, PushSubscriptionDto } from './dto/push.dto';

/**
 * The work behind `/driver/push/key` and `/driver/push-subscription` (docs/architecture.md, "Routes"): this lib
 * owns `/driver`; the subscriptions are the notify lib's table, which provides this class to the API.
 */
export abstract class DriverPushSubscriptions {
  /** The VAPID public key; 404 when Web Push is off (no keys). */
  abstract key(): PushKeyDto;
  /** Stores the driver's subscription for the token's booking, replacing the one it had. */
  abstract subscribe(p: Principal, dto: PushSubscriptionDto): Promise<void>;
  /** Forgets the token's booking's subscription (none is fine). */
  abstract unsubscribe(p: Principal): Promise<void>;
}
