/**
 * The driver page's service worker (/driver-sw.js, scope /d): keeps the page's shell (the HTML of /d and the
 * versioned assets it links) so the page opens without signal, where it shows the last state it kept (localStorage)
 * and how old it is. Online, /d is always fetched afresh and the copy renewed with it; the API and the socket are
 * never answered from here.
 */
import { worker, type FetchEvent } from './scope';

// Web Push: the worker's `push` and `notificationclick` listeners, beside the fetch ones below.
import './push';

const SHELL = 'kouan-driver-shell';
const PAGE = '/d';

/** The page and every asset its HTML links (`/assets/…?v=<hash>`): the copy opened offline, replacing the old one. */
async function keep(page: Response): Promise<void> {
  const html = await page.clone().text();
  const urls: string[] = [];
  const link = /(?:src|href)="(\/assets\/[^"]+)"/g;
  for (let m = link.exec(html); m; m = link.exec(html)) urls.push(m[1]);
  const cache = await caches.open(SHELL);
  await Promise.all(
    urls.map(async (url) => (await cache.match(url)) || fetch(url).then((r) => (r.ok ? cache.put(url, r) : undefined))),
  );
  await cache.put(PAGE, page);
  // Assets of an older version of the page go: each version's URLs differ by their hash.
  const wanted = new Set(urls.map((u) => new URL(u, location.origin).href).concat(new URL(PAGE, location.origin).href));
  await Promise.all((await cache.keys()).filter((r) => !wanted.has(r.url)).map((r) => cache.delete(r)));
}

worker.addEventListener('install', (ev) => {
  ev.waitUntil(
    fetch(PAGE)
      .then((page) => (page.ok ? keep(page) : undefined))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (ev) => {
  ev.waitUntil(worker.clients.claim());
});

worker.addEventListener('fetch', (ev: FetchEvent) => {
  const req = ev.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (req.mode === 'navigate' && url.pathname === PAGE) {
    // The page from the network when there is one (and the copy renewed), else the copy.
    ev.respondWith(
      fetch(req).then(
        (page) => {
          if (page.ok) ev.waitUntil(keep(page.clone()));
          return page;
        },
        async () => (await caches.match(PAGE)) || Response.error(),
      ),
    );
  } else if (url.pathname.startsWith('/assets/')) {
    // Versioned assets never change: the copy when there is one, else the network.
    ev.respondWith(caches.match(req).then((kept) => kept || fetch(req)));
  }
});
