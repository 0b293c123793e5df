import { KeyedLimit } from '@kouan/common';

/** A promise whose settling the test decides. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

describe('KeyedLimit', () => {
  it('runs at most `limit` calls of a key at once, the rest in arrival order, and other keys beside them', async () => {
    const limit = new KeyedLimit(2);
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const call = (key: string, name: string) =>
      limit.run(key, async () => {
        started.push(name);
        const g = gate();
        gates.set(name, g);
        await g.opened;
        return name;
      });
    const settle = () => new Promise((r) => setImmediate(r));
    const calls = [call('A', 'a1'), call('A', 'a2'), call('A', 'a3'), call('A', 'a4'), call('B', 'b1')];
    await settle();
    expect(started).toEqual(['a1', 'a2', 'b1']);
    gates.get('a2')?.open();
    await settle();
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
    gates.get('a1')?.open();
    await settle();
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3', 'a4']);
    for (const name of ['a3', 'a4', 'b1']) gates.get(name)?.open();
    expect(await Promise.all(calls)).toEqual(['a1', 'a2', 'a3', 'a4', 'b1']);
  });

  it('passes the turn on when a call fails', async () => {
    const limit = new KeyedLimit(1);
    const failing = limit.run('A', () => Promise.reject(new Error('refused')));
    const next = limit.run('A', () => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('next');
    // Nothing left running: a new call starts at once.
    await expect(limit.run('A', () => Promise.resolve('again'))).resolves.toBe('again');
  });
});
