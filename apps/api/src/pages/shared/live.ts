/** The pages' live connection: socket.io to /live, the live badge, and queues followed by the one live protocol. */
import type { Socket } from 'socket.io-client';
import { follow as followLine } from '../../../../../libs/realtime/src/live-protocol';
import type { QueueUpdate, QueueUpdateDelta, ServerToClientEvents } from '../../../../../libs/realtime/src/live-events';
import { el, fill } from './dom';
import type { Session } from './session';
import { ago } from './time';

/** What the pages send on /live (apps/api/src/live.gateway.ts): join a port's board, acknowledged. */
export interface ClientToServerEvents {
  subscribe: (to: { port: string; direction: string }, ack?: (answer: { ok: boolean; error?: string }) => void) => void;
}

/** The socket of the /live namespace, typed by the events the server emits and the one it hears. */
export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** socket.io's browser client, the server's own (/assets/socket.io.min.js, loaded before the page's script). */
declare const io: (
  path: string,
  opts?: { auth?: { token?: string | null } | ((cb: (data: { token?: string | null }) => void) => void) },
) => LiveSocket;

/** No heartbeat (the server sends one every 1.5 s) for this long: the page says it is offline (within 5 s of a cut). */
const STALE_MS = 4000;

/** When each socket last heard the server (a heartbeat or any event). */
const lastBeat = new WeakMap<LiveSocket, number>();

/** Connected and heard from within STALE_MS: a dead network often leaves the socket "connected" for a minute. */
export function fresh(socket: LiveSocket | null | undefined): boolean {
  return !!(socket && socket.connected && Date.now() - (lastBeat.get(socket) || 0) < STALE_MS);
}

export interface BadgeWords {
  live: string;
  offline: string;
  ago: string;
}

/**
 * The live badge: "Live" while fresh, else "Offline · 3 min ago" (the age of `lastAt()`, in the page's language of the
 * moment, its `lang` attribute). Repainted twice a second;
 * `onChange(fresh)` lets a page dim what it shows while it cannot know it is current.
 */
export function liveBadge(
  node: HTMLElement,
  getSocket: () => LiveSocket | null | undefined,
  lastAt: () => number | null | undefined,
  words: BadgeWords | (() => BadgeWords),
  onChange?: (fresh: boolean) => void,
): () => void {
  function paint(): void {
    const on = fresh(getSocket());
    const w = typeof words === 'function' ? words() : words;
    node.className = 'badge ' + (on ? 'on' : 'off');
    const at = lastAt();
    const lang = document.documentElement.lang || 'en';
    node.textContent = on ? '● ' + w.live : '○ ' + w.offline + (at ? ' · ' + ago(Date.now() - at, lang, w.ago) : '');
    if (onChange) onChange(on);
  }
  setInterval(paint, 500);
  paint();
  return paint;
}

type Handshake = { token?: string | null };

/**
 * socket.io to /live; `paint` is told of every connection change. It reconnects by itself. `auth` is the handshake's
 * ({token}), or a function giving it at each connection (a token that is renewed).
 */
export function live(
  auth: Handshake | ((cb: (data: Handshake) => void) => void) | null,
  paint: () => void,
): LiveSocket {
  const socket = io('/live', auth ? { auth } : {});
  const beat = () => {
    lastBeat.set(socket, Date.now());
  };
  socket.on('connect', () => {
    beat();
    paint();
  });
  socket.on('disconnect', paint);
  socket.io.on('ping', beat);
  socket.onAny(beat);
  socket.io.on('reconnect_attempt', paint);
  return socket;
}

/**
 * `back(recovered)` after each automatic reconnection, once the namespace has answered: `recovered` when the server
 * restored the socket's session (cut off for less than 2 min: its rooms are back and it replayed what the page
 * missed, so there is nothing to read again), false when the page must read its state again.
 */
export function onReconnect(socket: LiveSocket, back: (recovered: boolean) => void): void {
  let reconnecting = false;
  socket.io.on('reconnect', () => {
    reconnecting = true;
  });
  socket.on('connect', () => {
    if (!reconnecting) return;
    reconnecting = false;
    back(socket.recovered);
  });
}

/**
 * socket.io to /live as `sess`'s user: each connection sends the current token; a refused handshake or the
 * server's disconnect renews the token and connects again, and `ended()` is called when the session has ended.
 */
export function sessionLive(sess: Session, paint: () => void, ended: () => void): LiveSocket {
  const socket = live((cb) => {
    cb({ token: sess.token() });
  }, paint);
  sess.attach(socket as Socket);
  function again(): void {
    sess.refresh().then(
      (ok) => {
        if (ok) socket.connect();
        else ended();
      },
      () => {
        setTimeout(() => {
          socket.connect();
        }, 5000);
      },
    );
  }
  socket.on('connect_error', () => {
    if (!socket.active) again();
  });
  // The server ends a socket only with its session or its token (after `session:expired`): renew, or sign in again.
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') again();
  });
  return socket;
}

/** A queue as a page keeps it, by direction: the whole view at its version (null before the first). */
export interface Kept<V extends QueueUpdate = QueueUpdate> {
  version: number;
  data: V | null;
}

/**
 * Takes a queue:update (or a GET answer) into `state` (direction → {version, data}) if it is for a direction there,
 * by the live protocol (libs/realtime/src/live-protocol.ts): a whole view unless an older one (the HTTP answer and the
 * socket snapshot race, a reconnect may replay old state; one of the same version is the queue read afresh, whose
 * order a later slot's start moved); a delta only on top of the version just before it. True if kept; 'gap' when a
 * delta does not follow what is kept (read the whole queue again); false for an old one.
 */
export function follow<V extends QueueUpdate>(
  state: Record<string, Kept<V>>,
  u: V | QueueUpdateDelta | null | undefined,
): boolean | 'gap' {
  const s = u && state[u.direction];
  if (!u || !s) return false;
  const next = followLine<V>(s.data, u);
  if (next === 'gap') return 'gap';
  if (next === 'old') return false;
  state[u.direction] = { version: next.version, data: next };
  return true;
}

/** One empty <section class="dir" id="dir-…"> a direction in `parent`; `state` starts over with nothing kept. */
export function dirSections<V extends QueueUpdate>(
  parent: HTMLElement,
  dirs: string[],
  state: Record<string, Kept<V>>,
): void {
  fill(
    parent,
    dirs.map((d) => {
      state[d] = { version: -1, data: null };
      return el('section', { class: 'dir', id: 'dir-' + d });
    }),
  );
}
