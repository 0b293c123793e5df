import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { declaredBookingEventConsumers } from '@kouan/booking';
import { declaredJobHandlers } from '@kouan/jobs';

/**
 * Refuses to boot the worker when a class declared an event consumer (@ConsumesBookingEvents) or a job handler
 * (@JobHandlerFor) is not among its providers: it would never run, and nothing would notice. The decorators record
 * each class as it is declared; this compares them with what discovery finds, before any loop starts (module init
 * comes before every application bootstrap). Also refuses two consumers of one name (their failures would be
 * counted together).
 */
@Injectable()
export class WorkerWiring implements OnModuleInit {
  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const provided = new Set(this.discovery.getProviders().map((w) => w.metatype));
    const consumers = declaredBookingEventConsumers();
    const problems = [
      ...consumers
        .filter((d) => !provided.has(d.target))
        .map((d) => `event consumer '${d.name}' (${d.target.name}) is declared but not provided`),
      ...declaredJobHandlers()
        .filter((d) => !provided.has(d.target))
        .map((d) => `handler of job ${d.job} (${d.target.name}) is declared but not provided`),
      ...[...new Set(consumers.map((d) => d.name))]
        .map((name) => consumers.filter((d) => d.name === name))
        .filter((same) => same.length > 1)
        .map(
          (same) => `event consumer '${same[0].name}' is declared by ${same.map((d) => d.target.name).join(' and ')}`,
        ),
    ];
    if (problems.length)
      throw new Error(`worker wiring: ${problems.join('; ')} (the worker imports each lib's worker module)`);
  }
}
