import { DateTime } from 'luxon';
import { DEMO_DAY_FILE, DemoDay, readDemoDay } from './demo-day';

/**
 * `npm run camera -- --port MOHAN --device <id> --key <key> [--xml] [--url http://localhost:3000] [--plates A,B]
 * [--every 2s] [--confidence 0.93] [--day .kouan/demo-day.json]`: a gate camera you can run. It plays plate reads to
 * a running Kouan, one every --every, and prints what each did. Without --plates it plays the day `npm run demo`
 * made, as the device's position would see it: at the holding area's entry the trucks still booked for today (in
 * slot order), over a lane the trucks called to a lane, at the yard gate the trucks through the lanes that the yard
 * has not seen yet. With --xml each read goes as a Hikvision ISAPI `EventNotificationAlert` (ANPR) to
 * `/api/v1/gate/isapi?key=…`, as such a camera sends it, instead of JSON to `/api/v1/gate/reads`.
 */

export interface CameraOptions {
  /** The running Kouan, e.g. http://localhost:3000. */
  url: string;
  port: string;
  /** The device's id (which of the demo's cameras this is). */
  device: string;
  key: string;
  /** Send Hikvision ISAPI XML instead of JSON. */
  xml?: boolean;
  /** The plates to read; the demo's day by the device's position when absent. */
  plates?: string[];
  /** Pause between two reads (ms); 2,000 when absent. */
  everyMs?: number;
  /** 0..1; 0.93 when absent. */
  confidence?: number;
  /** The demo's day; `.kouan/demo-day.json` when absent. */
  dayFile?: string;
  say: (line: string) => void;
  /** The camera's clock (the reads' `at`): the system's; a test gives the API's Clock. */
  now?: () => Date;
}

/** One read as sent, with the answer. */
export interface PlayedRead {
  plate: string;
  status: number;
  outcome?: string;
  bookingId?: string;
  reason?: string;
  /** The answer's message when it was not a 202. */
  error?: string;
}

const ISAPI_NS = 'http://www.hikvision.com/ver20/XMLSchema';

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);

/**
 * A plate read as a Hikvision ANPR camera posts it in HTTP listening mode: `EventNotificationAlert` (ISAPI 2.0)
 * with eventType ANPR, the local time with its offset, and ANPR/licensePlate with confidenceLevel 0–100.
 */
export function isapiAlert(read: { plate: string; confidence: number; at: Date; timeZone: string; channel?: number }) {
  const dateTime = DateTime.fromJSDate(read.at)
    .setZone(read.timeZone)
    .toISO({ suppressMilliseconds: true, includeOffset: true });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<EventNotificationAlert version="2.0" xmlns="${ISAPI_NS}">`,
    '<ipAddress>192.0.2.64</ipAddress>',
    '<portNo>80</portNo>',
    '<protocol>HTTP</protocol>',
    '<macAddress>00:00:5e:00:53:40</macAddress>',
    `<channelID>${read.channel ?? 1}</channelID>`,
    `<dateTime>${dateTime}</dateTime>`,
    '<activePostCount>1</activePostCount>',
    '<eventType>ANPR</eventType>',
    '<eventState>active</eventState>',
    '<eventDescription>ANPR</eventDescription>',
    '<channelName>kouan camera</channelName>',
    '<ANPR>',
    '<country>CN</country>',
    `<licensePlate>${escapeXml(read.plate)}</licensePlate>`,
    '<line>1</line>',
    '<direction>forward</direction>',
    `<confidenceLevel>${Math.round(read.confidence * 100)}</confidenceLevel>`,
    '<plateType>unknown</plateType>',
    '<plateColor>blue</plateColor>',
    '<vehicleType>truck</vehicleType>',
    '<detectDir>8</detectDir>',
    '</ANPR>',
    '</EventNotificationAlert>',
    '',
  ].join('\n');
}

/** The plates the demo's day shows a camera at `device`'s position, in the order they come. */
export function platesOfDay(day: DemoDay, device: string): string[] {
  const d = day.devices.find((x) => x.id === device);
  if (!d)
    throw new Error(
      `device ${device} is not one \`npm run demo\` registered at ${day.port}: give the plates with --plates`,
    );
  if (d.position === 'holding_entry')
    return Object.values(day.booked)
      .flat()
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt))
      .map((b) => b.plate);
  // Over a lane: the truck called to this lane arrives there; the others called are seen at the wrong lane.
  if (d.position === 'lane')
    return [...day.called.filter((c) => c.laneId === d.laneId), ...day.called.filter((c) => c.laneId !== d.laneId)].map(
      (c) => c.plate,
    );
  return day.completed.filter((c) => !c.yardArrived).map((c) => c.plate);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Plays the reads; stops at the first answer that no later read could change (a refused key, a missing route). */
export async function runCamera(o: CameraOptions): Promise<PlayedRead[]> {
  const base = o.url.replace(/\/+$/, '');
  const clockNow = o.now ?? (() => new Date());
  const confidence = o.confidence ?? 0.93;
  const every = o.everyMs ?? 2000;
  const portRes = await fetch(`${base}/api/v1/ports/${encodeURIComponent(o.port)}`).catch((e: unknown) => {
    throw new Error(`could not reach Kouan at ${base} (is \`npm start\` running?): ${String(e)}`);
  });
  if (!portRes.ok) throw new Error(`GET /api/v1/ports/${o.port}: ${portRes.status} (is Kouan running at ${base}?)`);
  const timeZone = ((await portRes.json()) as { timeZone: string }).timeZone;
  let plates = o.plates;
  if (!plates) {
    const file = o.dayFile ?? DEMO_DAY_FILE;
    const day = readDemoDay(file);
    if (day.port !== o.port) throw new Error(`the demo day in ${file} is ${day.port}'s, not ${o.port}'s`);
    plates = platesOfDay(day, o.device);
    o.say(`${plates.length} plates from the demo day of ${day.date} (${file})`);
  }
  const where = o.xml ? 'POST /api/v1/gate/isapi (Hikvision ISAPI XML)' : 'POST /api/v1/gate/reads';
  o.say(`camera ${o.device} at ${o.port}: ${plates.length} reads to ${base}, ${where}, one every ${every / 1000} s`);
  const played: PlayedRead[] = [];
  for (const [i, plate] of plates.entries()) {
    if (i > 0 && every > 0) await sleep(every);
    const at = clockNow();
    const res = o.xml
      ? await fetch(`${base}/api/v1/gate/isapi?key=${encodeURIComponent(o.key)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/xml; charset=utf-8' },
          body: isapiAlert({ plate, confidence, at, timeZone }),
        })
      : await fetch(`${base}/api/v1/gate/reads`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Device ${o.key}` },
          body: JSON.stringify({
            plate,
            confidence,
            at: DateTime.fromJSDate(at).setZone(timeZone).toISO({ suppressMilliseconds: true }),
          }),
        });
    const text = await res.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { message: text.slice(0, 200) };
    }
    const time = DateTime.fromJSDate(at).setZone(timeZone).toFormat('HH:mm:ss');
    if (res.status === 202) {
      const read: PlayedRead = {
        plate,
        status: res.status,
        outcome: body.outcome as string,
        ...(body.bookingId ? { bookingId: body.bookingId as string } : {}),
        ...(body.reason ? { reason: body.reason as string } : {}),
      };
      played.push(read);
      o.say(
        `${time}  ${plate.padEnd(12)} ${confidence.toFixed(2)}  → ${read.outcome}` +
          (read.reason ? ` (${read.reason})` : '') +
          (read.bookingId ? `  booking ${read.bookingId}` : ''),
      );
      continue;
    }
    const error = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? text.slice(0, 200));
    played.push({ plate, status: res.status, error });
    o.say(`${time}  ${plate.padEnd(12)} ${confidence.toFixed(2)}  → HTTP ${res.status}: ${error}`);
    if (res.status === 401) throw new Error(`the device key was refused (401): ${error}`);
    if (res.status === 404 && o.xml)
      throw new Error('POST /api/v1/gate/isapi answered 404: this Kouan does not take ISAPI XML yet (drop --xml)');
  }
  return played;
}

// ---------------------------------------------------------------------------------------------- the command line

const USAGE =
  'usage: npm run camera -- --port MOHAN --device <id> --key <key> [--xml] [--url http://localhost:3000] ' +
  '[--plates A,B,C] [--every 2s] [--confidence 0.93] [--day .kouan/demo-day.json]';

/** `2s`, `500ms`, `1m` or a number of seconds, in ms. */
function duration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new Error(`--every ${v}: give a duration like 2s, 500ms or 1m`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
}

export function parseCameraArgs(argv: string[]): Omit<CameraOptions, 'say'> {
  const flags = new Map<string, string>();
  let xml = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--xml') xml = true;
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else if (a.startsWith('--') && a.includes('=')) flags.set(a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
    else if (a.startsWith('--') && i + 1 < argv.length) flags.set(a.slice(2), argv[++i]);
    else throw new Error(`${a}: not understood\n${USAGE}`);
  }
  const known = ['port', 'device', 'key', 'url', 'plates', 'every', 'confidence', 'day'];
  const unknown = [...flags.keys()].find((k) => !known.includes(k));
  if (unknown) throw new Error(`--${unknown}: not an option\n${USAGE}`);
  const need = (k: string) => {
    const v = flags.get(k);
    if (!v) throw new Error(`--${k} is needed\n${USAGE}`);
    return v;
  };
  const confidence = flags.has('confidence') ? Number(flags.get('confidence')) : undefined;
  if (confidence !== undefined && !(confidence >= 0 && confidence <= 1))
    throw new Error(`--confidence ${flags.get('confidence')}: between 0 and 1`);
  const plates = flags
    .get('plates')
    ?.split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return {
    port: need('port').toUpperCase(),
    device: need('device'),
    key: need('key'),
    xml,
    url: flags.get('url') ?? 'http://localhost:3000',
    ...(plates ? { plates } : {}),
    ...(flags.has('every') ? { everyMs: duration(flags.get('every') as string) } : {}),
    ...(confidence !== undefined ? { confidence } : {}),
    ...(flags.has('day') ? { dayFile: flags.get('day') } : {}),
  };
}

if (require.main === module) {
  let options: Omit<CameraOptions, 'say'>;
  try {
    options = parseCameraArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  runCamera({ ...options, say: (line) => process.stdout.write(`${line}\n`) }).then(
    (played) => {
      const failed = played.filter((r) => r.status !== 202).length;
      process.stdout.write(`${played.length} reads, ${failed} not taken\n`);
      if (failed) process.exitCode = 1;
    },
    (e: unknown) => {
      process.stderr.write(`camera: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
