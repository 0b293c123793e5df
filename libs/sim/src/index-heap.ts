/**
 * A binary min-heap of integer ids under an order the owner gives (`before`), for the event agendas and the
 * line's heaps of the simulator: ids keep the entries in the owner's arrays, so a push or pop moves numbers only.
 */
export class IndexHeap {
  constructor(
    private readonly before: (a: number, b: number) => boolean,
    private readonly items: number[] = [],
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** The first id, without taking it (undefined when empty). */
  peek(): number | undefined {
    return this.items[0];
  }

  /** The same heap over another order (a copy of its ids). */
  copy(before: (a: number, b: number) => boolean): IndexHeap {
    return new IndexHeap(before, this.items.slice());
  }

  push(id: number): void {
    const h = this.items;
    h.push(id);
    for (let c = h.length - 1; c > 0;) {
      const up = (c - 1) >> 1;
      if (!this.before(h[c], h[up])) break;
      [h[up], h[c]] = [h[c], h[up]];
      c = up;
    }
  }

  /** Takes the first id; the heap must not be empty. */
  pop(): number {
    const h = this.items;
    const top = h[0];
    const last = h.pop() as number;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l], h[m])) m = l;
        if (r < h.length && this.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
