/**
 * At most `limit` calls at a time per key in this process; the others wait in memory, in arrival order. For work
 * that queues on a database lock anyway: waiting here, it holds no pool connection the process's other requests
 * need.
 */
export class KeyedLimit {
  private readonly lines = new Map<string, { running: number; waiting: Array<() => void> }>();

  constructor(private readonly limit: number) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let line = this.lines.get(key);
    if (!line) this.lines.set(key, (line = { running: 0, waiting: [] }));
    if (line.running >= this.limit) await new Promise<void>((go) => line.waiting.push(go));
    else line.running++;
    try {
      return await work();
    } finally {
      // The turn passes to the first waiting call as it is (running stays counted), or is given back.
      const next = line.waiting.shift();
      if (next) next();
      else if (--line.running === 0) this.lines.delete(key);
    }
  }
}
