import { Logger } from '@nestjs/common';
import { warnGate } from '@kouan/db';

/**
 * Runs `round` again and again while it says there is more, then every `pollMs`; `wake()` starts a run at once
 * (a second wake during a run makes it go round once more). A failed round is
 * tried again after `retryMs` (logged once per 30 s while it keeps failing). `stop()` waits for the round in flight. For the worker's loops over Postgres
 * (outbox relay, webhook sender, notifications): the table holds the work, the loop only looks.
 */
export class PollingLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private readonly gate = warnGate();

  constructor(
    private readonly name: string,
    private readonly round: () => Promise<boolean>,
    private readonly logger: Logger,
    private readonly pollMs: number,
    private readonly retryMs = 2000,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  wake(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.stopped) return Promise.resolve();
    this.running = (async () => {
      let next = this.pollMs;
      try {
        do {
          this.again = false;
          while (!this.stopped && (await this.round())) {
            /* more is waiting */
          }
        } while (this.again && !this.stopped);
      } catch (e) {
        if (this.gate.due())
          this.logger.warn({ err: { message: (e as Error).message } }, `${this.name} failed; trying again`);
        next = this.retryMs;
      } finally {
        this.running = undefined;
        this.schedule(next);
      }
    })();
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.wake(), ms);
    this.timer.unref();
  }
}
