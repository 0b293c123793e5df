import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { BookingEventConsumer, ConsumesBookingEvents } from '@kouan/booking';
import { type JobHandler, JobHandlerFor } from '@kouan/jobs';
import { JobName } from '@kouan/jobs';
import { JobDispatcher } from '../../apps/worker/src/job-dispatcher';
import { WorkerWiring } from '../../apps/worker/src/worker-wiring';

/**
 * The worker's wiring found by discovery: the decorators record each consumer and job handler as it is declared,
 * and a worker that does not provide one of them refuses to boot, naming it; every job has exactly one handler.
 * (The classes below are declared in this file only: a worker booted here would refuse them, so none is.)
 */
type Class = new (...args: never[]) => unknown;
const boot = (providers: Class[]) => {
  @Module({ imports: [DiscoveryModule], providers })
  class Host {}
  return NestFactory.createApplicationContext(Host, { logger: false, abortOnError: false });
};

describe('WorkerWiring', () => {
  @Injectable()
  @ConsumesBookingEvents('stray')
  class StrayConsumer implements BookingEventConsumer {
    relayed(): void {}
  }

  @Injectable()
  @ConsumesBookingEvents('twin')
  class TwinConsumer implements BookingEventConsumer {
    relayed(): void {}
  }

  @Injectable()
  @ConsumesBookingEvents('twin')
  class OtherTwinConsumer implements BookingEventConsumer {
    relayed(): void {}
  }

  it('refuses to boot when a declared event consumer is not provided, naming it', async () => {
    await expect(boot([WorkerWiring, TwinConsumer, OtherTwinConsumer])).rejects.toThrow(
      /event consumer 'stray' \(StrayConsumer\) is declared but not provided/,
    );
  });

  it('refuses to boot when a declared job handler is not provided, naming it and its job', async () => {
    await expect(boot([WorkerWiring, StrayConsumer])).rejects.toThrow(
      /handler of job purge-idempotency-keys \(PurgeStub\) is declared but not provided/,
    );
  });

  it('refuses two consumers of one name', async () => {
    await expect(boot([WorkerWiring, StrayConsumer])).rejects.toThrow(
      /event consumer 'twin' is declared by TwinConsumer and OtherTwinConsumer/,
    );
  });

  it('says nothing of the consumers that are provided', async () => {
    // The job handlers above are still missing: the boot fails, for them only.
    const failed = await boot([WorkerWiring, StrayConsumer, TwinConsumer, OtherTwinConsumer]).catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/PurgeStub/);
    expect((failed as Error).message).not.toMatch(/StrayConsumer|\(TwinConsumer\)|\(OtherTwinConsumer\)/);
  });
});

describe('JobDispatcher', () => {
  @Injectable()
  @JobHandlerFor(JobName.PurgeIdempotencyKeys)
  class PurgeStub implements JobHandler {
    readonly seen: unknown[] = [];
    async handle(data: unknown) {
      this.seen.push(data);
      return 7;
    }
  }

  @Injectable()
  @JobHandlerFor(JobName.PurgeIdempotencyKeys)
  class SecondPurgeStub implements JobHandler {
    async handle() {
      return 0;
    }
  }

  @Injectable()
  @JobHandlerFor(JobName.ExpireOverdue)
  class ExpireStub implements JobHandler {
    async handle() {
      return 0;
    }
  }

  @Injectable()
  @JobHandlerFor(JobName.RemindDrivers)
  class RemindStub implements JobHandler {
    async handle() {
      return 0;
    }
  }

  @Injectable()
  @JobHandlerFor(JobName.PurgePortEvents)
  class PurgePortEventsStub implements JobHandler {
    async handle() {
      return 0;
    }
  }

  @Injectable()
  @JobHandlerFor(JobName.MarkDevicesOffline)
  class MarkDevicesOfflineStub implements JobHandler {
    async handle() {
      return 0;
    }
  }

  @Injectable()
  @JobHandlerFor(JobName.PurgeGateReads)
  class PurgeGateReadsStub implements JobHandler {
    async handle() {
      return 0;
    }
  }

  @Injectable()
  @JobHandlerFor(JobName.SyncCounterpartLink)
  class SyncCounterpartLinkStub implements JobHandler {
    async handle() {
      return 0;
    }
  }

  /** Every job's handler but the idempotency-key purge's. */
  const OTHERS = [
    ExpireStub,
    RemindStub,
    PurgePortEventsStub,
    MarkDevicesOfflineStub,
    PurgeGateReadsStub,
    SyncCounterpartLinkStub,
  ];

  @Injectable()
  class NotAHandler {}

  const bootDispatcher = (providers: Class[]) => {
    @Module({ imports: [DiscoveryModule], providers: [JobDispatcher, ...providers] })
    class Host {}
    return NestFactory.createApplicationContext(Host, { logger: false, abortOnError: false });
  };

  it('refuses to boot when a job has no handler, naming the job', async () => {
    await expect(bootDispatcher([NotAHandler])).rejects.toThrow(/purge-idempotency-keys has 0 handlers/);
  });

  it('refuses to boot when a job has two handlers, naming the job', async () => {
    await expect(bootDispatcher([PurgeStub, SecondPurgeStub, ...OTHERS])).rejects.toThrow(
      /purge-idempotency-keys has 2 handlers/,
    );
  });

  it('boots with exactly one handler per job and hands each job to it', async () => {
    const app = await bootDispatcher([PurgeStub, ...OTHERS, NotAHandler]);
    try {
      const dispatcher = app.get(JobDispatcher);
      await expect(dispatcher.run(JobName.PurgeIdempotencyKeys, { keepHours: 30 })).resolves.toBe(7);
      expect(app.get(PurgeStub).seen).toEqual([{ keepHours: 30 }]);
      expect(() => dispatcher.run('no-such-job', {})).toThrow(/no-such-job/);
    } finally {
      await app.close();
    }
  });
});
