import { EntityManager } from 'typeorm';
import { one } from '@kouan/common';

/**
 * Locks one port-direction queue for the rest of the transaction and moves its version on. Every queue
 * change starts here, so changes to one queue are serialised (in every process) and clients can order
 * updates by version.
 */
export async function lockQueue(em: EntityManager, port: string, direction: string): Promise<{ version: number; since: number }> {
  const row = await one<{ version: string; regular_since_priority: number }>(
    em,
    `INSERT INTO queue_state AS q (port_code, direction, version) VALUES ($1, $2, 1)
     ON CONFLICT (port_code, direction) DO UPDATE SET version = q.version + 1
     RETURNING q.version, q.regular_since_priority`,
    [port, direction],
  );
  return { version: Number(row?.version), since: row?.regular_since_priority ?? 0 };
}
