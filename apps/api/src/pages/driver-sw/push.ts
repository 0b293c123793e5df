/**
 * The driver's service worker and Web Push: shows what the worker pushed (libs/notify `PushMessage`: the call to a
 * lane, a reminder; the text already in the driver's language) while the page is closed, and opens /d on a tap.
 */
import type { PushMessage } from '../../../../../libs/notify/src/push-message';
import { worker, type ExtendableEvent } from './scope';

interface PushEvent extends ExtendableEvent {
  readonly data: { json(): unknown } | null;
}

interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification;
}

interface PushScope {
  addEventListener(type: 'push', listener: (ev: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (ev: NotificationEvent) => void): void;
  readonly clients: {
    matchAll(o: { type: 'window' }): Promise<Array<{ url: string; focus(): Promise<unknown> }>>;
    openWindow(url: string): Promise<unknown>;
  };
}

const scope = worker as unknown as PushScope;

scope.addEventListener('push', (ev) => {
  const m = (ev.data ? ev.data.json() : null) as PushMessage | null;
  if (!m) return;
  ev.waitUntil(
    worker.registration.showNotification(m.port || 'Kouan', {
      body: m.text,
      tag: 'kouan-' + m.reference,
      // A call must be seen: it stays until the driver acts, and vibrates again if it replaces a reminder.
      requireInteraction: m.type === 'called',
      renotify: true,
      icon: '/assets/driver-icon.svg',
    } as NotificationOptions),
  );
});

scope.addEventListener('notificationclick', (ev) => {
  ev.notification.close();
  ev.waitUntil(
    scope.clients.matchAll({ type: 'window' }).then((open) => {
      const page = open.find((c) => new URL(c.url).pathname === '/d');
      return page ? page.focus() : scope.clients.openWindow('/d');
    }),
  );
});
