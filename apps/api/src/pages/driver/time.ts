/**
 * The driver's times: a port's clock named by its zone ("17:00 Beijing time"), the phone's own clock beside it where
 * the phone is in another zone (Lao, Thai and Vietnamese phones are an hour behind Yunnan, Burmese 1½ h), and
 * durations worded as durations ("14 min 53 s"), never as a clock.
 */
import type { Args } from '../shared/i18n';
import { hhmm } from '../shared/time';

/** The page's words (t of driver/main.ts). */
export type Say = (key: string, args?: Args) => string;

const pad = (n: number) => (n < 10 ? '0' : '') + n;

/** HH:MM of `iso` on the phone's own clock face (its zone, whatever the zone of the ISO text). */
function phoneHhmm(iso: string): string {
  const d = new Date(iso);
  return pad(d.getHours()) + ':' + pad(d.getMinutes());
}

/** Whether the phone's clock face differs from the port's at `iso`, which the API writes with the port's offset. */
function otherZone(iso: string): boolean {
  const m = /([+-])(\d\d):(\d\d)$/.exec(iso);
  if (!m) return false;
  const port = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return -new Date(iso).getTimezoneOffset() !== port;
}

/** `time` (a clock or a span of them) at a port in `zone`: Yunnan's ports say Beijing time, as drivers know it. */
function atPort(say: Say, zone: string, time: string): string {
  return zone === 'Asia/Shanghai' ? say('beijingTime', { time }) : time + ' (' + zone + ')';
}

/**
 * From `fromIso` (to `toIso`) at the port: the port's clock with its zone, and the phone's when the phone's zone
 * differs (null when it does not).
 */
export function portClock(
  say: Say,
  zone: string,
  fromIso: string,
  toIso?: string,
): { port: string; phone: string | null } {
  const span = (f: (iso: string) => string) => f(fromIso) + (toIso ? '–' + f(toIso) : '');
  return {
    port: atPort(say, zone, span(hhmm)),
    phone: otherZone(fromIso) ? say('yourTime', { time: span(phoneHhmm) }) : null,
  };
}

/** Both clocks on one line: "15:24 Beijing time · 14:24 your phone's time". */
export function bothClocks(c: { port: string; phone: string | null }): string {
  return c.port + (c.phone ? ' · ' + c.phone : '');
}

/** "14 min 53 s" (from a minute on), "53 s". */
export function duration(say: Say, ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return say('seconds', { n: s });
  return say('minutes', { n: Math.floor(s / 60) }) + ' ' + say('seconds', { n: s % 60 });
}

/** "45 s", "3 min", "2 h": how old something is. */
export function age(say: Say, ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return say('seconds', { n: s });
  if (s < 3600) return say('minutes', { n: Math.floor(s / 60) });
  return say('hours', { n: Math.floor(s / 3600) });
}
