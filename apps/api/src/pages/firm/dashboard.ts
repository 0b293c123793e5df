/**
 * The firm dashboard's shared state and services: its words, the signed-in session, the live badge, the message
 * line, the API calls and its events (`on`, `emit`). bookings.ts, fleet.ts, webhooks.ts and new-booking.ts draw and
 * act on these and never import main.ts: what they tell the page goes through the events, which main.ts wires.
 */
import { $, message } from '../shared/dom';
import { load } from '../shared/storage';
import type { ApiError } from '../shared/api';
import { caller } from '../shared/caller';
import { events } from '../shared/events';
import { session } from '../shared/session';
import type { Words } from '../shared/i18n';
import { liveBadge, type LiveSocket } from '../shared/live';
import en from '../i18n/firm/en.json';
import zh from '../i18n/firm/zh.json';
import console_en from '../i18n/console/en.json';
import console_zh from '../i18n/console/zh.json';

export const T: Record<string, Words> = {
  en: { ...console_en, ...en },
  zh: { ...console_zh, ...zh },
};
export const LANG = 'kouan.firm.lang';
export const SESSION = 'kouan.firm.session';
/** The port the firm booked at last: the form picks it again, and "today" is that port's day. */
export const PORT_KEY = 'kouan.firm.port';

/** What the dashboard shows; one object, so each module reads and sets the same. */
export const S = {
  lang: (load(LANG) || (/^zh/i.test(navigator.language || '') ? 'zh' : 'en')) as string,
  /** The key of what the sign-in form says, worded again after a change of language. */
  loginNote: null as string | null,
  socket: null as LiveSocket | null,
  lastAt: 0,
  /** The officer picked the day: the port's "today" no longer replaces it. */
  dateTouched: false,
  /** The new-booking form has its ports, vehicles and drivers (read again after one is added). */
  formLoaded: false,
  /** The dispatcher's day: today's and tomorrow's trucks instead of the picked day's. */
  dayView: false,
  /** The time zone of the port the firm books at (GET /ports/:code): its "today". */
  zone: null as string | null,
};

export function t(k: string): string {
  return T[S.lang][k] || T.en[k] || k;
}

/** What the dashboard's modules tell the page; main.ts says what follows each. */
interface DashboardEvents {
  /** The session has really ended (its refresh was refused): sign in again. */
  ended: [];
  /** What a booking row shows changed (a code given, a panel opened): draw the list again. */
  redraw: [];
}

export const { on, emit } = events<DashboardEvents>();

export const sess = session(SESSION);

export const paint = liveBadge(
  $('live'),
  () => S.socket,
  () => S.lastAt,
  () => ({ live: t('live'), offline: t('offline'), ago: t('ago') }),
);

export function say(text: string, kind?: string): void {
  message($('msg'), text, kind);
}

export const call = caller(
  sess,
  () => emit('ended'),
  function (e: ApiError) {
    say(e.message, 'error');
  },
);
