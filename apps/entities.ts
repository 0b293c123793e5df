import { AUDIT_ENTITIES } from '@kouan/audit';
import { AUTH_ENTITIES } from '@kouan/auth';
import { BOOKING_ENTITIES } from '@kouan/booking';
import { FIRMS_ENTITIES } from '@kouan/firms';
import { GATE_ENTITIES } from '@kouan/gate';
import { LINK_ENTITIES } from '@kouan/link';
import { NOTIFY_ENTITIES } from '@kouan/notify';
import { PARKING_ENTITIES } from '@kouan/parking';
import { PORTS_ENTITIES } from '@kouan/ports';
import { QUEUE_ENTITIES } from '@kouan/queue';
import { WEBHOOKS_ENTITIES } from '@kouan/webhooks';

/**
 * Every lib's tables, combined by the apps (the API, the worker, the CLI and its TypeORM DataSource): each lib lists
 * its own (`<LIB>_ENTITIES`, beside its module), and libs/db, below them all, names none. A lib with tables that is
 * missing here fails the drift check (`npm run migration:check`: a migrated table without an entity).
 */
export const ENTITIES = [
  ...AUDIT_ENTITIES,
  ...AUTH_ENTITIES,
  ...BOOKING_ENTITIES,
  ...FIRMS_ENTITIES,
  ...GATE_ENTITIES,
  ...LINK_ENTITIES,
  ...NOTIFY_ENTITIES,
  ...PARKING_ENTITIES,
  ...PORTS_ENTITIES,
  ...QUEUE_ENTITIES,
  ...WEBHOOKS_ENTITIES,
];
