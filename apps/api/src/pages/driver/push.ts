/**
 * "Tell me when I'm called, even with the page closed": the phone's browser subscribes to Web Push through the
 * driver page's service worker (/driver-sw.js), and the API keeps the subscription for the booking
 * (PUT /driver/push-subscription); the worker then pushes calls and reminders to it (docs/notifications.md). Hidden
 * where the browser cannot (no service worker or PushManager: many Chinese phones, iOS outside the home screen) or
 * the server has no VAPID keys (GET /driver/push/key answers a null key): the text message still reaches the driver.
 */
import { api, ApiError } from '../shared/api';
import { $, message } from '../shared/dom';

let wired = false;

/** The key as `pushManager.subscribe` takes it: the raw P-256 point. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Shows the toggle once the driver is signed in; `token` is read at each call (the session renews itself). */
export function pushStep(token: () => string | null, t: (k: string) => string): void {
  if (wired || !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return;
  wired = true;
  const btn = $('push') as HTMLButtonElement;
  const paint = (on: boolean) => {
    btn.setAttribute('aria-pressed', String(on));
    btn.setAttribute('data-t', on ? 'pushOn' : 'pushOff');
    btn.textContent = t(on ? 'pushOn' : 'pushOff');
  };
  const say = (key: string) => message($('msg'), t(key), 'error');

  void (async () => {
    let publicKey: string | null;
    try {
      publicKey = ((await api('GET', '/driver/push/key', undefined, token())) as { publicKey: string | null })
        .publicKey;
    } catch {
      return; // No signal: the toggle stays hidden.
    }
    if (!publicKey) return; // Web Push is off on this server: the text message still reaches the driver.
    const reg = await navigator.serviceWorker.ready;
    const current = await reg.pushManager.getSubscription();
    paint(!!current && Notification.permission === 'granted');
    btn.hidden = false;

    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const existing = await reg.pushManager.getSubscription();
        if (btn.getAttribute('aria-pressed') === 'true') {
          if (existing) await existing.unsubscribe();
          await api('DELETE', '/driver/push-subscription', undefined, token());
          return paint(false);
        }
        if ((await Notification.requestPermission()) !== 'granted') return say('pushDenied');
        const sub =
          existing ||
          (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
        await api('PUT', '/driver/push-subscription', sub.toJSON(), token());
        paint(true);
      } catch (err) {
        say(err instanceof ApiError && !err.status ? 'noNet' : 'pushFailed');
      } finally {
        btn.disabled = false;
      }
    });
  })();
}
