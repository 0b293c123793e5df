/**
 * The driver page as an installable web app: its manifest in the driver's language (the name under the home-screen
 * icon), and the service worker (/driver-sw.js, from apps/api/src/pages/driver-sw/) that keeps the page for opening
 * without signal; the page keeps the last known state itself (localStorage) and says how old it is.
 */
export function installable(lang: string): void {
  const link = document.querySelector('link[rel=manifest]');
  if (link) link.setAttribute('href', '/assets/driver.' + lang + '.webmanifest');
}

export function keepOffline(): void {
  if (!('serviceWorker' in navigator)) return;
  // After the page has loaded: the worker's first fill of its cache does not compete with the page's own requests.
  const register = () => {
    navigator.serviceWorker.register('/driver-sw.js', { scope: '/d' }).catch(() => {
      /* no worker (private mode, an old phone): the page works online as before */
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
}
