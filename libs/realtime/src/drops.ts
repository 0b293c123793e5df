import type { Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { warnGate } from '@kouan/db';

/** Live messages that could not reach Redis (it was down): clients catch up from the next change's version. */
export const droppedPublishes = new Counter({
  name: 'kouan_live_publish_dropped_total',
  help: 'Live updates dropped because Redis did not take them',
  labelNames: ['client'],
});

/** Logs a dropped publish at most once per outage-ish window, and counts every one. */
export function dropReporter(client: string, logger: Logger): (err: Error) => void {
  const gate = warnGate();
  return (err) => {
    droppedPublishes.inc({ client });
    if (!gate.due()) return;
    logger.warn({ client, err: { message: err.message } }, 'live update dropped: Redis did not take it');
  };
}
