/**
 * The service worker's global scope, as far as the driver's worker uses it. The pages are type-checked against the
 * DOM (tsconfig.pages.json), which has no worker types; these are the WebWorker library's, cut down. A handler module
 * adds the events it listens to (`push`, `notificationclick`) beside these.
 */
export interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}

export interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(answer: Response | Promise<Response>): void;
}

export interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (ev: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (ev: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  readonly registration: ServiceWorkerRegistration;
}

/** `self` in the worker. */
export const worker = self as unknown as WorkerScope;
