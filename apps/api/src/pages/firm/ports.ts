/** The ports as the firm page names them (in the page's language), their days, and the fees a truck owes on a day. */
import type { PortDetailDto, PortSummaryDto } from '../../../../../libs/ports/src/dto/port.dto';
import type { FeesDto } from '../../../../../libs/ports/src/dto/fees.dto';
import { feeTotal } from '../../../../../libs/ports/src/fees';
import { api } from '../shared/api';
import { S } from './dashboard';

let list: PortSummaryDto[] = [];
const details: Record<string, Promise<PortDetailDto>> = {};
const versions: Record<string, Promise<FeesDto[]>> = {};

/** `read`, kept in `cache` under `key` unless it fails (then the next caller reads again). */
function once<T>(cache: Record<string, Promise<T>>, key: string, read: Promise<T>): Promise<T> {
  return read.catch(function (e: unknown) {
    delete cache[key];
    throw e;
  });
}

/** Every port (public), read once: the rows and the form name them. */
export async function loadPorts(): Promise<PortSummaryDto[]> {
  if (!list.length) list = await api('GET', '/ports?limit=100');
  return list;
}

/** A port's name in the page's language where the API has one (zh for the road ports), else its own. */
export function portName(code: string): string {
  const p = list.find((x) => x.code === code);
  return p ? (p.names && p.names[S.lang]) || p.name : code;
}

/** A port's details (time zone, schedule and its horizon), read once. */
export function portDetail(code: string): Promise<PortDetailDto> {
  if (!(code in details)) details[code] = once(details, code, api('GET', '/ports/' + encodeURIComponent(code)));
  return details[code];
}

export interface Due {
  currency: string;
  total: number;
}

/**
 * What a truck of `weightKg` owes at `code` on `day` (the port's date): the version in force that day (published
 * versions, newest first, include those still to come), by the fee rule itself; null while none is in force.
 */
export async function feesOn(code: string, day: string, weightKg: number): Promise<Due | null> {
  if (!(code in versions))
    versions[code] = once(versions, code, api('GET', '/ports/' + encodeURIComponent(code) + '/fees/history'));
  const v = (await versions[code]).find((f) => f.effectiveFrom <= day);
  return v ? { currency: v.currency, total: feeTotal(v.items, weightKg) } : null;
}

export function money(d: Due): string {
  return d.currency + ' ' + d.total.toFixed(2);
}
