/** What a driver is told, in the driver's language (zh en lo vi my th); English when a text is missing. */
const TEXT = {
  waitInBay: {
    zh: '请在{area} {bay}号车位等候，叫号后再前往通道。',
    en: 'Wait in bay {bay} of {area} until you are called.',
    lo: 'ກະລຸນາລໍຖ້າຢູ່ບ່ອນຈອດ {bay} ຂອງ {area} ຈົນກວ່າຈະຖືກເອີ້ນ.',
    vi: 'Vui lòng chờ tại vị trí {bay} của {area} cho đến khi được gọi.',
    my: '{area} ၏ နေရာ {bay} တွင် ခေါ်သည်အထိ စောင့်ပါ။',
    th: 'กรุณารอที่ช่อง {bay} ของ {area} จนกว่าจะถูกเรียก',
  },
  proceedToLane: {
    zh: '请立即驶往{lane}通道。',
    en: 'Proceed to lane {lane} now.',
    lo: 'ກະລຸນາໄປຊ່ອງທາງ {lane} ດຽວນີ້.',
    vi: 'Vui lòng đến làn {lane} ngay bây giờ.',
    my: 'လမ်းကြောင်း {lane} သို့ ယခု သွားပါ။',
    th: 'กรุณาไปที่ช่องตรวจ {lane} ทันที',
  },
  skipped: {
    zh: '您已被移到下一辆车之后，请等候再次叫号。',
    en: 'You were moved back behind the next truck. Wait to be called again.',
    lo: 'ທ່ານຖືກຍ້າຍໄປຢູ່ຫຼັງລົດຄັນຕໍ່ໄປ. ກະລຸນາລໍຖ້າການເອີ້ນອີກຄັ້ງ.',
    vi: 'Bạn đã được chuyển ra sau xe kế tiếp. Vui lòng chờ được gọi lại.',
    my: 'နောက်ကားနောက်သို့ ရွှေ့ထားပါသည်။ ထပ်ခေါ်သည်အထိ စောင့်ပါ။',
    th: 'คุณถูกย้ายไปอยู่หลังรถคันถัดไป กรุณารอเรียกอีกครั้ง',
  },
} as const;

export type MessageKey = keyof typeof TEXT;

export function message(key: MessageKey, language: string, params: Record<string, string | number> = {}): string {
  const texts = TEXT[key] as Record<string, string>;
  const template = texts[language] ?? texts.en;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

const LANGUAGES = ['zh', 'en', 'lo', 'vi', 'my', 'th'] as const;

/** The message in every language, for SQL to pick the driver's (`$n::jsonb ->> d.language`). */
export const messagesByLanguage = (key: MessageKey, params: Record<string, string | number> = {}): Record<string, string> =>
  Object.fromEntries(LANGUAGES.map((l) => [l, message(key, l, params)]));
