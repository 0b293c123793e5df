import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { declaredBookingEventConsumers } from '@kouan/booking';
import { declaredJobHandlers } from '@kouan/jobs';
import { declaredPortEventConsumers } from '@kouan/ports';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Declared = { name: string; target: Function };

/** What is wrong with one outbox's consumers: declared and not provided, or two of one name. */
const consumerProblems = (what: string, consumers: readonly Declared[], provided: Set<unknown>): string[] => [
  ...consumers
    .filter((d) => !provided.has(d.target))
    .map((d) => `${what} '${d.name}' (${d.target.name}) is declared but not provided`),
  ...[...new Set(consumers.map((d) => d.name))]
    .map((name) => consumers.filter((d) => d.name === name))
    .filter((same) => same.length > 1)
    .map((same) => `${what} '${same[0].name}' is declared by ${same.map((d) => d.target.name).join(' and ')}`),
];

/**
 * Refuses to boot the worker when a class declared an event consumer (@ConsumesBookingEvents, @ConsumesPortEvents)
 * or a job handler (@JobHandlerFor) is not among its providers: it would never run, and nothing would notice. The
 * decorators record each class as it is declared; this compares them with what discovery finds, before any loop
 * starts (module init comes before every application bootstrap). Also refuses two consumers of one name (their failures would be
 * counted together; names are per outbox).
 */
@Injectable()
export class WorkerWiring implements OnModuleInit {
  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const provided = new Set(this.discovery.getProviders().map((w) => w.metatype));
    const problems = [
      ...consumerProblems('event consumer', declaredBookingEventConsumers(), provided),
      ...consumerProblems('port-event consumer', declaredPortEventConsumers(), provided),
      ...declaredJobHandlers()
        .filter((d) => !provided.has(d.target))
        .map((d) => `handler of job ${d.job} (${d.target.name}) is declared but not provided`),
    ];
    if (problems.length)
      throw new Error(`worker wiring: ${problems.join('; ')} (the worker imports each lib's worker module)`);
  }
}
