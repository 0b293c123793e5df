import { readFileSync } from 'node:fs';
import { IANAZone } from 'luxon';
import type { PortFact } from './ports.repository';

/** A ports file that cannot be seeded; the message names the file and every problem found. */
export class PortListError extends Error {}

const MODES = ['road', 'rail', 'air', 'water'];
const CODE = /^[A-Z0-9-]{2,32}$/;
const COUNTRY = /^[A-Z]{2}$/;
const LANGUAGES = ['zh', 'en', 'lo', 'vi', 'my', 'th'];

type Field = [name: keyof PortFact, max: number, required: boolean];
/** The text fields and the columns' lengths (entities/port.entity.ts). */
const TEXTS: Field[] = [
  ['code', 32, true],
  ['name', 120, true],
  ['county', 120, true],
  ['mode', 8, true],
  ['positioning', 40, true],
  ['neighbour', 2, false],
  ['counterpart', 120, false],
  ['counterpartLocation', 120, false],
  ['level', 16, false],
  ['timeZone', 64, false],
];

/** What is wrong with one port of the list (`at` names it in messages). */
function problemsOf(p: unknown, at: string): string[] {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return [`${at}: must be an object`];
  const port = p as Record<string, unknown>;
  const problems: string[] = [];
  for (const [name, max, required] of TEXTS) {
    const v = port[name];
    if (v === undefined || v === null) {
      if (required) problems.push(`${at}.${name}: required`);
    } else if (typeof v !== 'string' || !v.trim() || v.length > max) {
      problems.push(`${at}.${name}: must be a text of 1-${max} characters`);
    }
  }
  if (typeof port.code === 'string' && !CODE.test(port.code))
    problems.push(`${at}.code: must be 2-32 capital letters, digits or dashes`);
  if (typeof port.mode === 'string' && !MODES.includes(port.mode))
    problems.push(`${at}.mode: must be one of ${MODES.join(', ')}`);
  if (typeof port.neighbour === 'string' && !COUNTRY.test(port.neighbour))
    problems.push(`${at}.neighbour: must be the ISO 3166 alpha-2 code of the country across (e.g. CN)`);
  if (typeof port.timeZone === 'string' && !IANAZone.isValidZone(port.timeZone))
    problems.push(`${at}.timeZone: must be an IANA time zone (e.g. Asia/Vientiane)`);
  if (port.names !== undefined) {
    const names = port.names;
    if (typeof names !== 'object' || names === null || Array.isArray(names)) {
      problems.push(`${at}.names: must be an object of names by language`);
    } else {
      for (const [lang, name] of Object.entries(names)) {
        if (!LANGUAGES.includes(lang))
          problems.push(`${at}.names.${lang}: language must be one of ${LANGUAGES.join(', ')}`);
        else if (typeof name !== 'string' || !name.trim() || name.length > 120)
          problems.push(`${at}.names.${lang}: must be a text of 1-120 characters`);
      }
    }
  }
  return problems;
}

/**
 * The ports of a ports file's content (the shape of data/yunnan-ports.json: `{ports: [...]}`, other keys free), or a
 * PortListError listing every problem: a file is seeded whole or not at all.
 */
export function parsePortList(content: unknown, file: string): PortFact[] {
  const list = (content as { ports?: unknown } | null)?.ports;
  if (!Array.isArray(list) || !list.length)
    throw new PortListError(`${file}: must be an object with a non-empty "ports" array`);
  const problems = list.flatMap((p, i) => problemsOf(p, `ports[${i}]`));
  const codes = list.map((p) => (p as { code?: unknown })?.code).filter((c) => typeof c === 'string');
  for (const code of new Set(codes.filter((c, i) => codes.indexOf(c) !== i)))
    problems.push(`ports: code ${code} appears more than once`);
  if (problems.length) throw new PortListError(`${file}: ${problems.join('; ')}`);
  return list as PortFact[];
}

/** `parsePortList` of a JSON file on disk; a missing or unreadable file, or bad JSON, is a PortListError too. */
export function readPortList(file: string): PortFact[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PortListError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (e) {
    throw new PortListError(`${file}: not JSON (${(e as Error).message})`);
  }
  return parsePortList(content, file);
}
