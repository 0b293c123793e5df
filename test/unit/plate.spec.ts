import { maskPlate, normalisePlate } from '@kouan/common';

describe('normalisePlate', () => {
  it.each([
    ['云A·12345', '云A12345'],
    ['云a 12345', '云A12345'],
    ['ab-12 cd', 'AB12CD'],
    ['AB12CD', 'AB12CD'],
    ['  粤Z・1234港 ', '粤Z1234港'],
    ['29C-123.45', '29C12345'], // Vietnam
    ['51f–678.90', '51F67890'], // Vietnam, lower case and an en dash
    ['ກຂ 1234', 'ກຂ1234'], // Laos
    ['ນວ-5678', 'ນວ5678'],
    ['กข 1234', 'กข1234'], // Thailand
    ['1กข-1234 เชียงราย', '1กข1234เชียงราย'], // Thailand, with the province
    ['ပဲခူး ၁က-၁၂၃၄', 'ပဲခူး၁က၁၂၃၄'], // Myanmar, Burmese script and digits
    ['YGN 1A-2345', 'YGN1A2345'], // Myanmar, Latin letters
  ])('%p → %p', (input, plate) => {
    expect(normalisePlate(input)).toBe(plate);
  });

  it('keeps the letters of non-Latin scripts rather than dropping or transliterating them', () => {
    const lao = normalisePlate('ກຂ 1234')!;
    expect([...lao].slice(0, 2)).toEqual(['ກ', 'ຂ']);
    // Thai vowel signs and Burmese marks are part of the plate.
    expect(normalisePlate('เชียงราย 12')).toBe('เชียงราย12');
    expect(normalisePlate('ပဲခူး ၁')).toContain('\u1032');
  });

  it('writes the same plate the same way however its accents were typed', () => {
    const composed = normalisePlate('Đà 12\u00c1');
    const decomposed = normalisePlate('\u0110a\u0300 12A\u0301');
    expect(composed).toBe('ĐÀ12Á');
    expect(decomposed).toBe(composed);
  });

  it('reads full-width and other compatibility forms as the plain character (NFKC)', () => {
    expect(normalisePlate('云K７７７７７')).toBe('云K77777');
    expect(normalisePlate('云Ｋ７７７７７')).toBe('云K77777');
    expect(normalisePlate('ａｂ１２３')).toBe('AB123');
    expect(normalisePlate('云A\u00a012345')).toBe('云A12345'); // a no-break space is decoration too
  });

  it.each([
    ['云KА7777', 'Cyrillic А'],
    ['云Kа7777', 'Cyrillic а, lower case'],
    ['云Κ\u0391\u0037777', 'Greek Κ and Α'],
  ])('folds Greek and Cyrillic look-alikes into Latin: %p (%s)', (input) => {
    expect(normalisePlate(input)).toBe(normalisePlate('云KA7777'));
    expect(normalisePlate(input)).toBe('云KA7777');
  });

  it('folds every listed look-alike, upper and lower case, to its Latin capital', () => {
    const cyrillic = 'АВЕКМНОРСТУХІЈЅ';
    const greek = 'ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ';
    expect(normalisePlate(cyrillic)).toBe('ABEKMHOPCTYXIJS');
    expect(normalisePlate(cyrillic.toLowerCase())).toBe('ABEKMHOPCTYXIJS');
    expect(normalisePlate(greek)).toBe('ABEZHIKMNOPTYX');
    expect(normalisePlate(greek.toLowerCase())).toBe('ABEZHIKMNOPTYX');
    // An accented look-alike folds to the accented Latin letter, composed.
    expect(normalisePlate('ЁЕ12')).toBe('ËE12');
  });

  it.each([
    ['云K1\uFE0F2345', 'variation selector 16 after a digit'],
    ['云K1\uFE002345', 'variation selector 1'],
    ['云K1\u{E0100}2345', 'variation selector 17 (supplementary plane)'],
    ['云K1\u{E01EF}2345', 'variation selector 256'],
    ['云K1\u034F2345', 'combining grapheme joiner'],
    ['云K1\u180B2345', 'Mongolian free variation selector 1'],
    ['云K1\u180D2345', 'Mongolian free variation selector 3'],
    ['云K1\u17B42345', 'Khmer inherent vowel aq'],
    ['云K1\u17B52345', 'Khmer inherent vowel aa'],
    ['云K1\u200D2345', 'zero-width joiner'],
    ['云K1\u200C2345', 'zero-width non-joiner'],
    ['云K1\u200B2345', 'zero-width space'],
    ['云K1\u20602345', 'word joiner'],
    ['云K1\uFEFF2345', 'zero-width no-break space'],
    ['云K1\u00AD2345', 'soft hyphen'],
    ['\u200D云K12345', 'an invisible joiner first'],
    ['云K12345\uFE0F', 'a variation selector last'],
    ['云\u13E612345', 'Cherokee Ꮶ'],
    ['云\uABB612345', 'Cherokee small ꮶ'],
    ['云\u2C9412345', 'Coptic Ⲕ'],
    ['云\u2C9512345', 'Coptic small ⲕ'],
    ['云\uA4D712345', 'Lisu ꓗ'],
    ['云\u16D512345', 'Runic ᛕ'],
    ['云Κ12345', 'Greek Κ'],
    ['云К12345', 'Cyrillic К'],
    ['云𝐊12345', 'mathematical bold K (NFKC)'],
    ['云Ｋ１２３４５', 'full-width (NFKC)'],
    ['云\u13E6\uFE0F1\u034F2\u180B3\u17B44\u{E0100}5', 'all at once'],
  ])('%p is the plain plate 云K12345 (%s)', (input) => {
    expect(normalisePlate(input)).toBe('云K12345');
  });

  it.each([
    ['\u13AA\u13F4\u13DF\u13A0\u13AC\u13C0\u13BB\u13AB\u13E6\u13DE', 'ABCDEGHJKL', 'Cherokee'],
    ['\u13B7\u13E2\u13A1\u13DA\u13A2\u13D9\u13B3\u13BD\u13C3', 'MPRSTVWYZ', 'Cherokee'],
    ['\u13C2\u13A5', 'HI', 'Cherokee drawn like small letters, as their capitals'],
    ['\u2CA4\u2C8E\u2C92\u2C94\u2CD0\u2C98\u2C9A\u2C9E\u2CA2\u2CA6\u2CAC\u2CA8', 'CHIKLMNOPTXY', 'Coptic'],
    ['\u0405\u0408\u04C0\u0406\u04AE\u051C', 'SJIIYW', 'Cyrillic beyond Russian'],
    ['ЗӠ', '33', 'letters drawn like digits'],
  ])('folds %p to Latin capitals %p (%s)', (input, plate) => {
    expect(normalisePlate(input)).toBe(plate);
  });

  it.each([
    ['กข ๐๑๒', 'กข๐๑๒', 'Thai digit zero stays a Thai zero'],
    ['ກຂ ໐໑໒', 'ກຂ໐໑໒', 'Lao digit zero stays'],
    ['ບ 1234', 'ບ1234', 'Lao ບ stays Lao (the skeleton maps it to Thai บ)'],
    ['ဝ ၀၁', 'ဝ၀၁', 'Burmese letter wa and digit zero stay (the skeleton maps both to o)'],
    ['ঢাকা ৪৭০', 'ঢাকা৪৭০', 'Bengali four, seven and zero stay digits (the skeleton maps them to 8, 9 and O)'],
    ['ا ١', 'ا١', 'Arabic alef and one stay (the skeleton maps both to l)'],
    ['云〇12', '云〇12', 'the ideographic zero stays'],
    ['AB0I1', 'AB0I1', 'Latin 0 and O, 1 and I stay apart'],
  ])('keeps the characters of a plate script: %p → %p (%s)', (input, plate) => {
    expect(normalisePlate(input)).toBe(plate);
  });

  it('leaves a normalised plate as it is (the stored form is a fixed point)', () => {
    for (const input of [
      '云K1\uFE0F2345',
      '云\u13E612345',
      'ЁЕ12',
      'Đà 12\u00c1',
      '\u13C2\u13A5',
      'ЗӠ',
      'ပဲခူး ၁က-၁၂၃၄',
      'ກຂ ໐໑໒',
      '1กข-1234 เชียงราย',
      'ঢাকা ৪৭০',
    ]) {
      const plate = normalisePlate(input) as string;
      expect(normalisePlate(plate)).toBe(plate);
    }
  });

  it('keeps Cyrillic and Greek letters that look like no Latin letter', () => {
    expect(normalisePlate('ЖД 123')).toBe('ЖД123');
    expect(normalisePlate('ΔΣ 123')).toBe('ΔΣ123');
  });

  it('accepts marks after a letter or a digit, as Thai, Lao and Burmese plates need', () => {
    expect(normalisePlate('กั 12')).toBe('กั12');
    expect(normalisePlate('ເລີ 12')).toBe('ເລີ12');
    expect(normalisePlate('ပဲ ၁')).toBe('ပဲ၁');
  });

  it('takes 2 to 15 characters once the decoration is gone', () => {
    expect(normalisePlate('AB')).toBe('AB');
    expect(normalisePlate('A'.repeat(15))).toBe('A'.repeat(15));
    expect(normalisePlate(`${'A'.repeat(8)}-${'1'.repeat(7)}`)).toBe(`${'A'.repeat(8)}${'1'.repeat(7)}`);
    expect(normalisePlate('A'.repeat(16))).toBeNull();
    expect(normalisePlate('云A123456789012345')).toBeNull();
  });

  it.each([
    ["'; drop table", 'SQL'],
    ["AB12'--", 'a quote'],
    ['<script>', 'markup'],
    ['AB/1234', 'a slash'],
    ['AB_1234', 'an underscore'],
    ['', 'nothing'],
    ['   ', 'only spaces'],
    ['- · -', 'only decoration'],
    ['A', 'one character'],
    ['A ·', 'one character and decoration'],
    ['A'.repeat(16), '16 characters'],
    ['云A🚚123', 'an emoji'],
    ['🚚🚚', 'only emoji'],
    ['AB\u0000123', 'a control character'],
    ['\u0301\u0301', 'only combining marks'],
    ['\u0e31\u0e34\u0e35', 'only Thai marks'],
    ['\u0301AB12', 'a mark before any letter'],
    ['AB -\u0301 12', 'a mark after decoration'],
  ])('rejects %p (%s)', (input) => {
    expect(normalisePlate(input)).toBeNull();
  });
});

describe('maskPlate', () => {
  it('shows province, city and the last two characters only', () => {
    expect(maskPlate('云A12345')).toBe('云A·***45');
    expect(maskPlate('ກຂ1234')).toBe('ກຂ·***34');
    expect(maskPlate('29C12345')).toBe('29·***45');
  });

  it('never reveals the middle of a plate, whatever its length', () => {
    const chars = 'ABCDEFGHJKMNPQR'; // all different, so a leaked character is a leaked position
    for (let n = 2; n <= 15; n++) {
      const plate = chars.slice(0, n);
      const masked = maskPlate(plate);
      const shown = [...masked].filter((c) => chars.includes(c));
      expect(shown.length).toBeLessThanOrEqual(Math.min(4, n - 1));
      for (const c of plate.slice(2, -2)) expect(masked).not.toContain(c);
      expect(masked).toContain('***');
      // The length of the plate does not show either.
      expect(masked.replace(/[A-Z]/g, '')).toBe('·***');
    }
  });

  it('does not split a character made of two UTF-16 units', () => {
    expect(maskPlate('𠀀A12345')).toBe('𠀀A·***45');
  });
});
