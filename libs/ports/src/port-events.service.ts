import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '@kouan/common';
import type { NewPortEvent } from './port-events';
import { PortEventsRepository } from './port-events.repository';

/**
 * How any lib announces a change to a port: the event goes into the port's outbox (port_events) in the caller's
 * transaction, and the worker's relay hands it to the port-event consumers once that has committed. Nothing is
 * published directly after a commit: a crash between the two would lose it.
 */
@Injectable()
export class PortEvents {
  constructor(
    private readonly repo: PortEventsRepository,
    private readonly clock: Clock,
  ) {}

  /** At the operation's instant `at` (its Clock's), else now by the Clock. */
  append(em: EntityManager, event: NewPortEvent, at: Date = this.clock.now()): Promise<void> {
    return this.repo.append(em, event, at);
  }
}

/** The port's outbox alone, for the API's libs and the worker (which does not need the rest of the ports lib). */
@Module({ providers: [PortEvents, PortEventsRepository], exports: [PortEvents, PortEventsRepository] })
export class PortEventsModule {}
