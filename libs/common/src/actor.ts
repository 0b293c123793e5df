import { AsyncLocalStorage } from 'node:async_hooks';

/** Who a request acts for, as the audit trail records it: a user (or a driver's booking) and its role and scope. */
export interface Actor {
  id: string;
  role: string;
  port?: string;
  firm?: string;
}

/**
 * The actor of the request being served, set once per request (ActorInterceptor). Transactions hand it to
 * Postgres (`kouan.actor`, transaction-local), where the outbox and the audit's pending rows take it as a column
 * default: no statement and no call site passes it along. Work outside a request (the worker) has none.
 */
export const actorContext = new AsyncLocalStorage<Actor>();
