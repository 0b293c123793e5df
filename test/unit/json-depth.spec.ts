import fc from 'fast-check';
import { Decoder } from 'socket.io-parser';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '@kouan/common';
import { limitedParser } from '@kouan/realtime';

const arrays = (levels: number, inner = '') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;

describe('nestsDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings (escaped quotes included)', () => {
    expect(nestsDeeperThan(arrays(3), 3)).toBe(false);
    expect(nestsDeeperThan(arrays(4), 3)).toBe(true);
    expect(nestsDeeperThan(`{"a":"[[[[\\"[[[["}`, 1)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(`{"a":[{"b":[]}]}`), 3)).toBe(true);
    expect(nestsDeeperThan(`x"[[[[" ${arrays(2)}`, 1, 1)).toBe(true);
  });

  it('gives the same answer on UTF-8 bytes, valid or not, as on the text a UTF-8 decoder makes of them', () => {
    const jsonish = fc
      .array(
        fc.oneof(
          fc.constantFrom(...'{}[]"\\ ,:a'.split('').map((c) => c.charCodeAt(0))),
          fc.integer({ min: 0x80, max: 0xff }),
        ),
        { maxLength: 80 },
      )
      .map((bytes) => Buffer.from(bytes));
    fc.assert(
      fc.property(jsonish, fc.integer({ min: 0, max: 6 }), (bytes, max) => {
        expect(nestsDeeperThan(bytes, max)).toBe(nestsDeeperThan(bytes.toString('utf8'), max));
      }),
      { seed: 16, numRuns: 2_000 },
    );
  });

  it('does not hold for UTF-16: a CJK character carries a quote byte (why JSON must be UTF-8)', () => {
    const text = `{"note":"丢","x":${arrays(40)}}`;
    expect(nestsDeeperThan(text, MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(Buffer.from(text, 'utf16le'), MAX_JSON_DEPTH)).toBe(false);
  });
});

/** Packets as socket.io-parser gets them: engine.io's message frame less its `4` (`2/live,1[…]` is an event with ack id 1). */
describe('the socket.io decoder', () => {
  const decode = (packet: string) => {
    const decoder = new limitedParser.Decoder();
    const decoded: unknown[] = [];
    decoder.on('decoded', (p: unknown) => decoded.push(p));
    decoder.add(packet);
    return decoded;
  };

  it(`lets an event argument nest ${MAX_JSON_DEPTH} levels (the packet's array is one more)`, () => {
    expect(decode(`2/live,1["subscribe",${arrays(MAX_JSON_DEPTH)}]`)).toHaveLength(1);
    expect(() => decode(`2/live,1["subscribe",${arrays(MAX_JSON_DEPTH + 1)}]`)).toThrow(/nested deeper/);
  });

  it('finds the JSON after the head: a namespace holding a quote, a binary count, an ack id', () => {
    for (const packet of [
      `2/live",7["subscribe",${arrays(40)}]`,
      `2/li[ve,["subscribe",${arrays(40)}]`,
      `51-/live,9["subscribe",${arrays(40, '{"_placeholder":true,"num":0}')}]`,
      `2["subscribe",${arrays(40)}]`,
      `2/live,12 ["subscribe",${arrays(40)}]`,
      `0/live,{"token":${arrays(40)}}`,
    ]) {
      expect(() => decode(packet)).toThrow(/nested deeper/);
      // socket.io-parser itself reads it far enough to parse (or refuse for another reason), never for depth
      expect(() => new Decoder().add(packet)).not.toThrow(/nested deeper/);
    }
  });

  it('decodes ordinary packets as socket.io-parser does', () => {
    for (const packet of [
      '2/live,1["subscribe",{"port":"MOHAN","direction":"export"}]',
      '0/live,{"token":"a.b.c"}',
      '1/live,',
      '3/live,4[{"ok":true}]',
    ]) {
      const plain: unknown[] = [];
      const d = new Decoder();
      d.on('decoded', (p: unknown) => plain.push(p));
      d.add(packet);
      expect(decode(packet)).toEqual(plain);
    }
  });
});
