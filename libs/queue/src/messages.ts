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
    zh: '请立即驶往{lane}。',
    en: 'Proceed to {lane} now.',
    lo: 'ກະລຸນາໄປ {lane} ດຽວນີ້.',
    vi: 'Vui lòng đến {lane} ngay bây giờ.',
    my: '{lane} သို့ ယခု သွားပါ။',
    th: 'กรุณาไปที่ {lane} ทันที',
  },
  skipped: {
    zh: '您已被移到下一辆车之后，请等候再次叫号。',
    en: 'You were moved back behind the next truck. Wait to be called again.',
    lo: 'ທ່ານຖືກຍ້າຍໄປຢູ່ຫຼັງລົດຄັນຕໍ່ໄປ. ກະລຸນາລໍຖ້າການເອີ້ນອີກຄັ້ງ.',
    vi: 'Bạn đã được chuyển ra sau xe kế tiếp. Vui lòng chờ được gọi lại.',
    my: 'နောက်ကားနောက်သို့ ရွှေ့ထားပါသည်။ ထပ်ခေါ်သည်အထိ စောင့်ပါ။',
    th: 'คุณถูกย้ายไปอยู่หลังรถคันถัดไป กรุณารอเรียกอีกครั้ง',
  },
  calledTimeout: {
    zh: '您被叫号后未按时到达通道，已被重新排到队首车辆之后。请在附近等候再次叫号；再次超时将记为未到。',
    en: 'You did not reach the lane in time after your call, so you were put back in the line behind the truck now first. Wait nearby to be called again; missing the next call marks the booking as a no-show.',
    lo: 'ທ່ານບໍ່ໄດ້ມາຮອດຊ່ອງທາງທັນເວລາຫຼັງຈາກຖືກເອີ້ນ, ທ່ານຈຶ່ງຖືກຈັດກັບເຂົ້າແຖວຢູ່ຫຼັງລົດຄັນທຳອິດ. ກະລຸນາລໍຖ້າຢູ່ໃກ້ໆເພື່ອຖືກເອີ້ນອີກຄັ້ງ; ຖ້າພາດອີກຈະຖືວ່າບໍ່ມາ.',
    vi: 'Bạn không đến làn kịp sau khi được gọi nên đã được xếp lại vào hàng, sau xe đang đứng đầu. Vui lòng chờ gần đó để được gọi lại; lỡ lần gọi tiếp theo sẽ bị tính là vắng mặt.',
    my: 'ခေါ်ပြီးနောက် လမ်းကြောင်းသို့ အချိန်မီ မရောက်သဖြင့် ရှေ့ဆုံးကားနောက်သို့ တန်းစီပြန်ထားပါသည်။ ထပ်ခေါ်သည်အထိ အနီးတွင် စောင့်ပါ။ နောက်တစ်ကြိမ် လွတ်သွားပါက မလာရောက်ဟု မှတ်ပါမည်။',
    th: 'คุณไปถึงช่องตรวจไม่ทันหลังถูกเรียก จึงถูกจัดกลับเข้าคิวต่อจากรถคันแรก กรุณารออยู่ใกล้ ๆ เพื่อถูกเรียกอีกครั้ง หากพลาดอีกครั้งจะถือว่าไม่มา',
  },
} as const;

export type MessageKey = keyof typeof TEXT;

export function message(key: MessageKey, language: string, params: Record<string, string | number> = {}): string {
  const texts = TEXT[key] as Record<string, string>;
  const template = texts[language] ?? texts.en;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

const LANGUAGES = ['zh', 'en', 'lo', 'vi', 'my', 'th'] as const;

type Params = Record<string, string | number>;

/**
 * The message in every language, for SQL to pick the driver's (`$n::jsonb ->> d.language`); `params` may depend on
 * the language (a lane's name, `laneLabel`).
 */
export const messagesByLanguage = (
  key: MessageKey,
  params: Params | ((language: string) => Params) = {},
): Record<string, string> =>
  Object.fromEntries(LANGUAGES.map((l) => [l, message(key, l, typeof params === 'function' ? params(l) : params)]));

/** The words for a lane of each direction, as the driver page shows them. */
const LANE_WORDS: Record<string, { export: string; import: string }> = {
  zh: { export: '出境车道', import: '入境车道' },
  en: { export: 'Export lane', import: 'Import lane' },
  lo: { export: 'ຊ່ອງທາງຂາອອກ', import: 'ຊ່ອງທາງຂາເຂົ້າ' },
  vi: { export: 'Làn xuất', import: 'Làn nhập' },
  my: { export: 'ထွက်ခွာလမ်းကြောင်း', import: 'ဝင်ရောက်လမ်းကြောင်း' },
  th: { export: 'ช่องทางขาออก', import: 'ช่องทางขาเข้า' },
};

/** A lane's name in the driver's language: `export-1` → "ຊ່ອງທາງຂາອອກ 1"; a name of another form as it is. */
export function laneLabel(name: string, language: string): string {
  const m = /^(export|import)-(\d+)$/i.exec(name);
  if (!m) return name;
  const words = LANE_WORDS[language] ?? LANE_WORDS.en;
  return `${words[m[1].toLowerCase() as 'export' | 'import']} ${m[2]}`;
}
