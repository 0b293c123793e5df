import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { JOB_HANDLER, JobHandler, JobName } from '@kouan/jobs';

/** Finds every @JobHandlerFor provider; refuses to boot if a job has no handler or two. */
@Injectable()
export class JobDispatcher implements OnApplicationBootstrap {
  private readonly handlers = new Map<JobName, JobHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const found = new Map<JobName, JobHandler[]>();
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const name = this.reflector.get<JobName | undefined>(JOB_HANDLER, wrapper.metatype);
      if (name) found.set(name, [...(found.get(name) ?? []), wrapper.instance as JobHandler]);
    }
    const problems = Object.values(JobName).flatMap((name) => {
      const n = found.get(name)?.length ?? 0;
      return n === 1 ? [] : [`${name} has ${n} handlers`];
    });
    if (problems.length) throw new Error(`job handlers: ${problems.join('; ')}`);
    for (const [name, [handler]] of found) this.handlers.set(name, handler);
  }

  run(name: string, data: unknown): Promise<unknown> {
    const handler = this.handlers.get(name as JobName);
    if (!handler) throw new Error(`no handler for job ${name}`);
    return handler.handle(data);
  }
}
