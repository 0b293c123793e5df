import ipaddr from 'ipaddr.js';
import { lookup } from 'node:dns/promises';
import { isIP, LookupFunction } from 'node:net';

/** A host name's addresses (the system's resolver by default; the tests give their own). */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** What a receiver may be: `allowPrivate` (WEBHOOK_ALLOW_PRIVATE, development and test) lifts the address rule. */
export interface ReceiverGuard {
  allowPrivate: boolean;
  resolve: Resolver;
}

/** The address a receiver's name was checked at: the connection goes there and nowhere else. */
export interface VettedAddress {
  address: string;
  family: 4 | 6;
}

/** The receiver is or resolves to an address webhooks must not reach (or does not resolve at all). */
export class ReceiverNotAllowed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReceiverNotAllowed';
  }
}

/** Of IPv6 only 2000::/3 is global unicast: `::a.b.c.d` (IPv4-compatible) and the rest of ::/8 are not. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Whether `ip` is an address on the public internet. ipaddr.js names every special range (loopback, private,
 * link-local, CGNAT, multicast, unspecified, broadcast, reserved, NAT64, 6to4, Teredo…); anything it does not call
 * `unicast` is refused. An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
 */
export function isPublicAddress(ip: string): boolean {
  if (!isIP(ip)) return false;
  const addr = ipaddr.process(ip);
  if (addr.range() !== 'unicast') return false;
  return addr.kind() === 'ipv4' || (addr as ipaddr.IPv6).match(GLOBAL_UNICAST_V6);
}

/**
 * True when the URL's host is an IPv4 address written other than as four plain decimal numbers (`2130706433`,
 * `0x7f.1`, `0177.0.0.1`): the URL parser reads these as an address, other software may read them otherwise.
 */
export function ipv4WrittenOddly(raw: string, url: URL): boolean {
  if (isIP(url.hostname) !== 4) return false;
  const authority = /^[a-z][a-z\d+.-]*:[/\\]*([^/\\?#]*)/i.exec(raw.trim())?.[1] ?? '';
  const written = authority
    .slice(authority.lastIndexOf('@') + 1)
    .replace(/:\d*$/, '')
    .toLowerCase();
  return written !== url.hostname;
}

/**
 * Checks a receiver's host and returns the address to connect to. An address literal is judged as it is; a name is
 * resolved and every address it has must be public (a name with one inside is refused). Called at registration and
 * before each delivery; the delivery then connects to the returned address only (`pinnedLookup`), so a name that
 * resolves elsewhere between the check and the connection changes nothing.
 */
export async function vetReceiver(url: URL, guard: ReceiverGuard): Promise<VettedAddress> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  if (family) {
    if (!guard.allowPrivate && !isPublicAddress(host)) throw new ReceiverNotAllowed(`${host} is not a public address`);
    return { address: host, family: family as 4 | 6 };
  }
  let found: string[];
  try {
    found = await guard.resolve(host);
  } catch {
    found = [];
  }
  if (!found.length) throw new ReceiverNotAllowed(`${host} does not resolve`);
  if (!guard.allowPrivate && !found.every(isPublicAddress))
    throw new ReceiverNotAllowed(`${host} resolves to an address that is not public`);
  return { address: found[0], family: isIP(found[0]) as 4 | 6 };
}

/**
 * A `lookup` for net/tls.connect that answers with the vetted address whatever name it is asked: the socket connects
 * where the check looked, while the URL's name still goes into Host, SNI and the certificate check.
 */
export function pinnedLookup(to: VettedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: to.address, family: to.family }]);
    else callback(null, to.address, to.family);
  };
}
