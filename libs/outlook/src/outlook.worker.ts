import { parentPort, threadId } from 'node:worker_threads';
import { computeOutlook, OutlookJob } from './outlook-model';

/**
 * The outlook's worker thread (outlook-pool.ts): runs the model off the API's event loop, one job at a time. Loaded
 * as compiled JavaScript in dist, and bundled from this file by esbuild when the API runs from its sources.
 */
parentPort?.on('message', (message: { id: number; job: OutlookJob }) => {
  try {
    parentPort?.postMessage({ id: message.id, threadId, result: computeOutlook(message.job) });
  } catch (e) {
    parentPort?.postMessage({ id: message.id, threadId, error: e instanceof Error ? e.message : String(e) });
  }
});
