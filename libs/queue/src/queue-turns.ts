import { Injectable } from '@nestjs/common';
import { AppConfig } from '@kouan/config';
import { KeyedLimit } from '@kouan/common';

/**
 * Check-ins (staff's, a phone's, a gate camera's) of one port take turns in this process before they take a pool
 * connection: at most a quarter of the pool at once per port. They queue on the port's locks in the database
 * anyway (the queue's and the holding areas'), and each waiting there held a connection: at 100 camera reads a
 * second every connection of both APIs waited on one lock, and reads that take no lock (an unknown plate, a
 * low-confidence read) waited seconds for a connection (bench:gate, docs/performance.md).
 */
@Injectable()
export class QueueTurns {
  private readonly limit: KeyedLimit;

  constructor(config: AppConfig) {
    this.limit = new KeyedLimit(Math.max(1, Math.floor(config.env.dbPoolSize / 4)));
  }

  /** `work` (a whole transaction that may check a truck in at `port`) in its turn. */
  atPort<T>(port: string, work: () => Promise<T>): Promise<T> {
    return this.limit.run(port, work);
  }
}
