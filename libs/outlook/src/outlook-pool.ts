import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { buildSync as BuildSync } from 'esbuild';
import type { OutlookJob, OutlookResult } from './outlook-model';

interface Reply {
  id: number;
  threadId: number;
  result?: OutlookResult;
  error?: string;
}

/**
 * The worker thread's script. Built (dist), tsc has compiled outlook.worker.ts beside this file, with the `@kouan/*`
 * paths rewritten. From the sources (the tests: jest compiles TypeScript through swc in its own process, which a
 * worker thread does not share) there is no such file: esbuild bundles the entry and what it imports into one
 * script, as the API bundles its pages when run from the sources (apps/api/src/pages.bundle.ts).
 */
function spawn(): Worker {
  const compiled = join(__dirname, 'outlook.worker.js');
  if (existsSync(compiled)) return new Worker(compiled);
  // esbuild is a build tool (a devDependency): only a run from the sources loads it.
  const { buildSync } = createRequire(__filename)('esbuild') as { buildSync: typeof BuildSync };
  const out = buildSync({
    entryPoints: [join(__dirname, 'outlook.worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    tsconfig: join(__dirname, '..', '..', '..', 'tsconfig.json'),
    write: false,
    logLevel: 'silent',
  });
  return new Worker(out.outputFiles[0].text, { eval: true });
}

/**
 * One worker thread (the machine's other core serves the API), started on first use and again after a crash; jobs
 * wait their turn in it. Ended with the module, so a closing API does not hang on it.
 */
@Injectable()
export class OutlookPool implements OnModuleDestroy {
  private readonly logger = new Logger(OutlookPool.name);
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  /** The job's result, and the thread that computed it (never the caller's). */
  async run(job: OutlookJob): Promise<{ result: OutlookResult; threadId: number }> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    // Held (ref) while a job runs, so a process waiting only for it does not exit; idle, it keeps nothing alive.
    worker.ref();
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, job });
    }).finally(() => {
      if (!this.pending.size) worker.unref();
    });
    if (reply.error !== undefined || !reply.result) throw new Error(`outlook worker: ${reply.error}`);
    return { result: reply.result, threadId: reply.threadId };
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = spawn();
    worker.unref();
    worker.on('message', (reply: Reply) => {
      this.pending.get(reply.id)?.resolve(reply);
      this.pending.delete(reply.id);
    });
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', (e) => {
      this.logger.error(`outlook worker failed: ${e.message}`);
      fail(e);
    });
    worker.on('exit', (code) => fail(new Error(`outlook worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}
