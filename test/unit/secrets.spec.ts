import {
  addressKey,
  canonicalHash,
  driverCodeMatches,
  hashDriverCode,
  newDriverCode,
  referenceSuffix,
  seal,
  unseal,
} from '@kouan/booking';

const SECRET = 'a-server-secret-of-at-least-32-characters';
const OTHER_SECRET = 'another-server-secret-of-32-characters!!';
const REF = 'MOHAN-20261129-7K3F';

describe('driver codes', () => {
  it('are six digits, leading zeros included, and not all the same', () => {
    const codes = Array.from({ length: 500 }, newDriverCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(450);
  });

  it('are stored as a keyed hash that only the right code, booking and key match', () => {
    const hash = hashDriverCode(SECRET, REF, '012345');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('012345');
    expect(hashDriverCode(SECRET, REF, '012345')).toBe(hash);

    expect(driverCodeMatches(SECRET, { id: REF, hash }, '012345')).toBe(true);
    expect(driverCodeMatches(SECRET, { id: REF, hash }, '012346')).toBe(false);
    expect(driverCodeMatches(SECRET, { id: REF, hash }, '12345')).toBe(false);
    expect(driverCodeMatches(SECRET, { id: 'MOHAN-20261129-7K3G', hash }, '012345')).toBe(false);
    expect(driverCodeMatches(OTHER_SECRET, { id: REF, hash }, '012345')).toBe(false);
  });

  it('does not match (or throw on) a damaged stored hash', () => {
    const hash = hashDriverCode(SECRET, REF, '012345');
    expect(driverCodeMatches(SECRET, { id: REF, hash: hash.slice(0, 62) }, '012345')).toBe(false);
    expect(driverCodeMatches(SECRET, { id: REF, hash: '' }, '012345')).toBe(false);
    expect(driverCodeMatches(SECRET, { id: REF, hash: 'zz'.repeat(32) }, '012345')).toBe(false);
  });

  it('never match without a booking (an unknown reference), whatever the code', () => {
    for (const code of ['000000', '012345', '999999']) expect(driverCodeMatches(SECRET, undefined, code)).toBe(false);
  });
});

describe('addressKey', () => {
  it('is one key per IPv4 address, the same written as IPv4-mapped IPv6, and never the address itself', () => {
    const key = addressKey(SECRET, '203.0.113.7');
    expect(key).not.toContain('203.0.113.7');
    expect(addressKey(SECRET, '::ffff:203.0.113.7')).toBe(key);
    expect(addressKey(SECRET, '203.0.113.8')).not.toBe(key);
    expect(addressKey(OTHER_SECRET, '203.0.113.7')).not.toBe(key);
  });

  it('is one key per IPv6 /64, however the address is written', () => {
    const key = addressKey(SECRET, '2001:db8:1:2::1');
    expect(addressKey(SECRET, '2001:0db8:0001:0002:ffff:eeee:dddd:cccc')).toBe(key);
    expect(addressKey(SECRET, '2001:db8:1:3::1')).not.toBe(key);
  });
});

describe('seal and unseal', () => {
  it('round-trip, without the plain text showing', () => {
    for (const plain of ['012345', '', '云A12345 ກຂ', 'x'.repeat(1000)]) {
      const sealed = seal(SECRET, plain);
      expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
      if (plain) expect(sealed).not.toContain(plain);
      expect(unseal(SECRET, sealed)).toBe(plain);
    }
  });

  it('seal the same text differently every time', () => {
    expect(seal(SECRET, '012345')).not.toBe(seal(SECRET, '012345'));
  });

  it('detect tampering with any part of the sealed value', () => {
    const raw = Buffer.from(seal(SECRET, '012345'), 'base64url');
    for (const at of [0, 11, 12, 27, 28, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[at] ^= 0x01;
      expect(() => unseal(SECRET, bad.toString('base64url'))).toThrow();
    }
    expect(() => unseal(SECRET, raw.subarray(0, raw.length - 1).toString('base64url'))).toThrow();
    expect(() => unseal(SECRET, raw.subarray(0, 20).toString('base64url'))).toThrow();
  });

  it('cannot be opened with another key', () => {
    expect(() => unseal(OTHER_SECRET, seal(SECRET, '012345'))).toThrow();
  });
});

describe('canonicalHash', () => {
  const body = {
    slotId: 's1',
    vehicleId: 'v1',
    driverId: 'd1',
    cargo: {
      description: 'Cassava chips',
      hsCode: '071410',
      weightKg: 20000,
      perishable: false,
      tags: [{ a: 1, b: 2 }, 'x'],
    },
  };

  it('is the same for the same body in another key order, at any depth', () => {
    const reordered = {
      cargo: {
        tags: [{ b: 2, a: 1 }, 'x'],
        perishable: false,
        weightKg: 20000,
        hsCode: '071410',
        description: 'Cassava chips',
      },
      driverId: 'd1',
      vehicleId: 'v1',
      slotId: 's1',
    };
    expect(canonicalHash(reordered)).toBe(canonicalHash(body));
    expect(canonicalHash(body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['another value', { ...body, vehicleId: 'v2' }],
    ['another nested value', { ...body, cargo: { ...body.cargo, weightKg: 20001 } }],
    ['a number as a string', { ...body, cargo: { ...body.cargo, weightKg: '20000' } }],
    ['a missing field', { slotId: 's1', vehicleId: 'v1', driverId: 'd1' }],
    ['an extra field', { ...body, note: null }],
    ['another array order', { ...body, cargo: { ...body.cargo, tags: ['x', { a: 1, b: 2 }] } }],
  ])('differs for %s', (_what, other) => {
    expect(canonicalHash(other)).not.toBe(canonicalHash(body));
  });
});

describe('referenceSuffix', () => {
  it('is four characters with nothing a driver could misread', () => {
    const suffixes = Array.from({ length: 500 }, () => referenceSuffix());
    for (const suffix of suffixes) expect(suffix).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}$/);
    // 2,000 random characters from a 32-letter alphabet: all of them turn up, none of I L O U.
    const used = new Set(suffixes.flatMap((r) => [...r]));
    expect([...used].sort().join('')).toBe('0123456789ABCDEFGHJKMNPQRSTVWXYZ');
    expect(new Set(suffixes).size).toBeGreaterThan(490);
  });
});
