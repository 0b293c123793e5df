/**
 * The live-queue protocol, once: which queue versions a follower keeps, and how a delta moves a whole view on. Used
 * by the API's kept queues (libs/queue/src/queue-follower.ts), the pages (imported by `follow` in
 * apps/api/src/pages/shared/live.ts and bundled by esbuild into each page's script) and the tests' client
 * (test/support/live-client.ts), so the three cannot drift apart. Pure: no Nest, no Node, no DOM.
 *
 * The version rule. A queue's version moves by one per committed change; a delta is the change from `version - 1`.
 * A whole view (or snapshot) is kept unless what is kept is newer: one of the SAME version is kept too, because the
 * server sends a whole view at an unchanged version only when it has read the queue afresh (a later slot started, a
 * gap, Redis came back), and the order can change by the clock alone (the later slot's trucks join the started ones
 * by check-in), so the fresh read's order is the one the next deltas' positions are numbered in.
 */

/** A waiting-line entry: its 1-based place. */
export interface LineEntry {
  position: number;
}

/** A whole view of a queue's waiting line at one version (queue:update with `entries`, a GET answer). */
export interface WholeLine {
  version: number;
  entries: LineEntry[];
}

/** One change of a waiting line (queue:update with `removed` and `inserted`, see QueueUpdateDelta). */
export interface LineDelta {
  version: number;
  removed: number[];
  inserted: LineEntry[];
}

/** Where a delta stands against the version kept: the next one (`apply`), already in it (`old`), or some are missing (`gap`). */
export type DeltaFit = 'apply' | 'old' | 'gap';

/** True if a whole view or snapshot at `version` replaces what is kept at `keptVersion` (null: nothing kept yet). */
export function wholeKept(keptVersion: number | null, version: number): boolean {
  return keptVersion === null || version >= keptVersion;
}

/** How a delta at `version` stands against what is kept at `keptVersion` (null: nothing kept, so nothing to apply it on). */
export function deltaFit(keptVersion: number | null, version: number): DeltaFit {
  if (keptVersion === null) return 'gap';
  if (version <= keptVersion) return 'old';
  return version === keptVersion + 1 ? 'apply' : 'gap';
}

export function isWhole(u: WholeLine | LineDelta): u is WholeLine {
  return Array.isArray((u as WholeLine).entries);
}

/**
 * `delta` applied on `kept` (the version before it): the entries at the `removed` positions (numbered as in `kept`)
 * leave, each of `inserted` goes in at its `position`, in order, and every entry is numbered again by its place. The
 * delta's other fields (lanes, called, pace) are whole and replace the kept ones.
 */
export function applyDelta<W extends WholeLine>(kept: W, delta: LineDelta): W {
  const { removed, inserted, ...rest } = delta;
  const entries = kept.entries.filter((e) => removed.indexOf(e.position) < 0);
  for (const e of inserted) entries.splice(e.position - 1, 0, e);
  return { ...kept, ...rest, entries: entries.map((e, i) => ({ ...e, position: i + 1 })) } as W;
}

/**
 * What a queue:update makes of the view kept (`kept`, null or undefined before any): the view to keep now, `'old'`
 * when it brings nothing newer (drop it), or `'gap'` when it is a delta that does not follow what is kept (read the
 * whole queue again).
 */
export function follow<W extends WholeLine>(kept: W | null | undefined, u: W | LineDelta): W | 'old' | 'gap' {
  const keptVersion = kept ? kept.version : null;
  if (isWhole(u)) return wholeKept(keptVersion, u.version) ? (u as W) : 'old';
  const fit = deltaFit(keptVersion, u.version);
  return fit === 'apply' ? applyDelta(kept as W, u) : fit;
}
