/**
 * The lane console's shared state and services: its words, the signed-in session, what it shows (`S`), the live
 * badge, the message line, the API calls, and its events (`on`, `emit`). The other modules of the console draw and act
 * on these and import nothing of the console's but this and each other, one way; what they tell the page goes through
 * the events, which main.ts wires.
 */
import type { StaffQueueUpdate, YardUpdate } from '../../../../../libs/realtime/src/live-events';
import type { ForecastDto } from '../../../../../libs/insights/src/dto/forecast.dto';
import type { OutlookDto } from '../../../../../libs/outlook/src/dto/outlook.dto';
import { $ } from '../shared/dom';
import { load } from '../shared/storage';
import type { Answer } from '../shared/api';
import { caller } from '../shared/caller';
import { events } from '../shared/events';
import { session, type Claims } from '../shared/session';
import { browserLang, format, messages, type Args, type Words } from '../shared/i18n';
import { liveBadge, type Kept, type LiveSocket } from '../shared/live';
import { laneLabel, type NamedLane } from '../shared/lane';
import en from '../i18n/staff/en.json';
import zh from '../i18n/staff/zh.json';
import console_en from '../i18n/console/en.json';
import console_zh from '../i18n/console/zh.json';

export const SESSION = 'kouan.staff.session';
export const PORT = 'kouan.staff.port';
export const LANG = 'kouan.staff.lang';
export const DIR = 'kouan.staff.dir';
export const DIRS = ['export', 'import'];

export const T: Record<string, Words> = {
  en: { ...console_en, ...en },
  zh: { ...console_zh, ...zh },
};

/** A truck on a lane, as the staff view has it (whole plate, driver, firm, cargo). */
export type CalledTruck = StaffQueueUpdate['called'][number];
/** A waiting truck, as the staff view has it. */
export type WaitingTruck = StaffQueueUpdate['entries'][number];

/** What the console shows and for whom; one object, so each module reads and sets the same. */
export const S = {
  lang: (T[load(LANG)] ? load(LANG) : browserLang(T)) as string,
  /** The token's claims. */
  me: null as Claims | null,
  /** The key of what the sign-in form says, worded again after a change of language. */
  loginNote: null as string | null,
  port: null as string | null,
  portInfo: { calledTimeoutMinutes: null as number | null, timeZone: 'Asia/Shanghai' },
  /** The port's holding areas by id (GET /ports/:code): their names in each language. */
  areas: {} as Record<string, { name: string; names?: Record<string, string> }>,
  /** The port's lanes by id (GET /ports/:code), to name the lane a gate camera watches. */
  lanes: {} as Record<string, NamedLane>,
  /** The direction on screen. */
  shown: (DIRS.indexOf(load(DIR)) >= 0 ? load(DIR) : 'export') as string,
  /** Direction → the staff view kept, by the live protocol. */
  state: {} as Record<string, Kept<StaffQueueUpdate>>,
  lastAt: 0,
  socket: null as LiveSocket | null,
  /** Selector to focus once the view is drawn again. */
  focusAfter: null as string | null,
  /** Tomorrow's forecast of the port shown. */
  forecast: null as ForecastDto | null,
  /** The rest of today in the direction shown (its queue version: asked again when the line moves on). */
  outlook: null as OutlookDto | null,
  /** Direction → the yard's view: trucks its lanes let go that the yard has not confirmed yet. */
  yard: {} as Record<string, YardUpdate | undefined>,
};

/** The console's own words in the chosen language, with {name} filled from `args` (format). */
export function t(key: string, args?: Args): string {
  return format(T[S.lang][key] || T.en[key] || key, args);
}

/** A lane in the console's language ("Export lane 1", "出境 1号车道"), or its display name there. */
export function lane(l: NamedLane | null | undefined): string {
  return laneLabel(l, S.lang, t);
}

/** A word of `T` as an argument of another (see t). */
export function word(key: string, args?: Args): () => string {
  return function () {
    return t(key, args);
  };
}

/** What the console's modules tell the page; main.ts says what follows each. */
interface ConsoleEvents {
  /** The session has really ended (its refresh was refused): sign in again. */
  ended: [];
  /** An action was sent or refused: read both directions again. */
  acted: [];
  /** What a direction shows has changed outside its queue (a question, an undo, the yard): draw it again. */
  redraw: [dir: string];
}

export const { on, emit } = events<ConsoleEvents>();

export const sess = session(SESSION);

export const paint = liveBadge(
  $('live'),
  () => S.socket,
  () => S.lastAt,
  () => ({ live: t('live'), offline: t('offline'), ago: t('ago') }),
);

export const msg = messages($('msg'), t);
export const note = msg.note;

/** Runs an API call; a 401 renews the session or ends it, any other error is said (the API's words, ours when it was never reached). */
export const call = caller(sess, () => emit('ended'), msg.fail);

/**
 * A console action: `button` disabled meanwhile, `done(answer)` on success, `failed(error)` otherwise (said already),
 * then both directions read again.
 */
export async function act(
  button: HTMLButtonElement | null,
  method: string,
  path: string,
  body?: unknown,
  done?: (answer: Answer) => void,
  failed?: (e: Answer) => void,
): Promise<void> {
  if (button) button.disabled = true;
  try {
    const res = await call(method, path, body);
    if (done) done(res);
  } catch (e) {
    /* shown */ if (failed) failed(e);
  } finally {
    if (button) button.disabled = false;
    // The socket brings the change too; reading it back keeps the console right when the socket is down.
    emit('acted');
  }
}
