import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * What `npm run demo` leaves for `npm run camera`: the day's trucks by where they stand (still booked, called to a
 * lane, through the lanes) and the cameras it registered, so a camera can play the reads that day would see.
 * No keys: they are printed once, as the API shows them, and the camera is given its own with --key.
 */
export interface DemoDay {
  port: string;
  /** The port's day (YYYY-MM-DD, its time zone). */
  date: string;
  timeZone: string;
  /** The trucks still booked for today, per direction, in slot order. */
  booked: Record<string, Array<{ plate: string; bookingId: string; startsAt: string }>>;
  /** The trucks called to a lane and not yet through. */
  called: Array<{ plate: string; bookingId: string; direction: string; laneId: string }>;
  /** The trucks through the lanes today; `yardArrived` once the yard has seen them. */
  completed: Array<{ plate: string; bookingId: string; direction: string; yardArrived: boolean }>;
  devices: Array<{ id: string; name: string; position: string; laneId: string | null; areaId: string | null }>;
}

/** The repository's root: the first folder up from here with a package.json (from src/ or from dist/). */
function root(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Where the demo writes its day and the camera reads it: under the repository's gitignored `.kouan/`. */
export const DEMO_DAY_FILE = join(root(), '.kouan', 'demo-day.json');

export function writeDemoDay(file: string, day: DemoDay): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(day, null, 2)}\n`);
}

export function readDemoDay(file: string): DemoDay {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no demo day at ${file}: run \`npm run demo\` first, or give the plates with --plates A,B,C`);
  }
  return JSON.parse(text) as DemoDay;
}
