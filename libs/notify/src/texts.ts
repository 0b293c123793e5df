/** What drivers are told outside the queue's own messages, in each of their languages (else English). */
const REMINDER: Record<string, string> = {
  zh: '提醒：您在{port}的入境时段{time}开始（还有{left}）。请按时到达等候区。',
  en: 'Reminder: your slot at {port} starts at {time} (in {left}). Please be at the holding area on time.',
  lo: 'ແຈ້ງເຕືອນ: ເວລານັດໝາຍຂອງທ່ານທີ່ {port} ເລີ່ມເວລາ {time} (ອີກ {left}). ກະລຸນາມາຮອດບ່ອນຈອດລໍຖ້າໃຫ້ທັນເວລາ.',
  vi: 'Nhắc nhở: khung giờ của bạn tại {port} bắt đầu lúc {time} (còn {left}). Vui lòng đến bãi chờ đúng giờ.',
  my: 'သတိပေးချက် - {port} တွင် သင့်အချိန်ပိုင်းသည် {time} တွင် စတင်မည် ({left} အလို)။ စောင့်ဆိုင်းရာနေရာသို့ အချိန်မီ ရောက်ပါ။',
  th: 'แจ้งเตือน: ช่วงเวลาของคุณที่ {port} เริ่มเวลา {time} (อีก {left}) กรุณามาถึงลานจอดรอให้ทันเวลา',
};

const LEFT: Record<string, { '2h': string; '30m': string }> = {
  zh: { '2h': '2小时', '30m': '30分钟' },
  en: { '2h': '2 h', '30m': '30 min' },
  lo: { '2h': '2 ຊົ່ວໂມງ', '30m': '30 ນາທີ' },
  vi: { '2h': '2 giờ', '30m': '30 phút' },
  my: { '2h': '၂ နာရီ', '30m': 'မိနစ် ၃၀' },
  th: { '2h': '2 ชั่วโมง', '30m': '30 นาที' },
};

export function reminderText(language: string, port: string, time: string, before: '2h' | '30m'): string {
  const template = REMINDER[language] ?? REMINDER.en;
  const left = (LEFT[language] ?? LEFT.en)[before];
  return template.replace('{port}', port).replace('{time}', time).replace('{left}', left);
}

/** A new driver code sent by the firm: the reference, the code, and the link that signs in with both. */
const DRIVER_CODE: Record<string, string> = {
  zh: '{port}预约 {ref} 的司机码：{code}。{link}',
  en: 'Kouan booking {ref} at {port}: your driver code is {code}. {link}',
  lo: 'ການຈອງ {ref} ທີ່ {port}: ລະຫັດຄົນຂັບຂອງທ່ານແມ່ນ {code}. {link}',
  vi: 'Đặt chỗ {ref} tại {port}: mã tài xế của bạn là {code}. {link}',
  my: '{port} ရှိ ဘိုကင် {ref} - သင့်ယာဉ်မောင်းကုဒ်မှာ {code} ဖြစ်သည်။ {link}',
  th: 'การจอง {ref} ที่ {port}: รหัสคนขับของคุณคือ {code} {link}',
};

/**
 * The text of a driver code in the driver's language (else English). The link carries the reference and the code in
 * its fragment, which the browser never sends: opening it signs in, and no server log holds the code.
 */
export function driverCodeText(
  language: string,
  port: string,
  reference: string,
  code: string,
  origin: string | undefined,
): string {
  const link = origin ? `${origin}/d#r=${encodeURIComponent(reference)}&c=${code}` : '';
  return (DRIVER_CODE[language] ?? DRIVER_CODE.en)
    .replace('{port}', port)
    .replace('{ref}', reference)
    .replace('{code}', code)
    .replace('{link}', link)
    .trim();
}

/** A booking the port moved or cancelled because the far side of the border takes fewer trucks (issue 20). */
const COUNTERPART_MOVED: Record<string, string> = {
  zh: '对方口岸接收量减少，您在{port}的预约{ref}已改至{date} {time}。',
  en: 'The far side of the border takes fewer trucks: booking {ref} at {port} was moved to {date} {time}.',
  lo: 'ຝັ່ງກົງກັນຂ້າມຮັບລົດໜ້ອຍລົງ: ການຈອງ {ref} ທີ່ {port} ຖືກຍ້າຍໄປເປັນ {date} {time}.',
  vi: 'Phía bên kia biên giới nhận ít xe hơn: đặt chỗ {ref} tại {port} đã được dời sang {date} {time}.',
  my: 'နယ်စပ်တစ်ဖက်က ကားနည်းနည်းသာ လက်ခံသည် - {port} ရှိ ဘိုကင် {ref} ကို {date} {time} သို့ ရွှေ့ထားသည်။',
  th: 'ฝั่งตรงข้ามรับรถน้อยลง: การจอง {ref} ที่ {port} ถูกย้ายไปเป็น {date} {time}',
};

const COUNTERPART_CANCELLED: Record<string, string> = {
  zh: '对方口岸接收量减少且无可用时段，您在{port}的预约{ref}已被口岸取消（不计违约）。',
  en: 'The far side of the border takes fewer trucks and no later slot is free: the port cancelled booking {ref} at {port} (no strike).',
  lo: 'ຝັ່ງກົງກັນຂ້າມຮັບລົດໜ້ອຍລົງ ແລະ ບໍ່ມີເວລາຫວ່າງ: ດ່ານໄດ້ຍົກເລີກການຈອງ {ref} ທີ່ {port} (ບໍ່ນັບເປັນການລະເມີດ).',
  vi: 'Phía bên kia biên giới nhận ít xe hơn và không còn khung giờ trống: cửa khẩu đã hủy đặt chỗ {ref} tại {port} (không tính vi phạm).',
  my: 'နယ်စပ်တစ်ဖက်က ကားနည်းနည်းသာ လက်ခံပြီး အချိန်ပိုင်းလွတ် မရှိပါ - {port} ရှိ ဘိုကင် {ref} ကို ဂိတ်က ပယ်ဖျက်လိုက်သည် (အပြစ်မှတ် မရှိ)။',
  th: 'ฝั่งตรงข้ามรับรถน้อยลงและไม่มีช่วงเวลาว่าง: ด่านยกเลิกการจอง {ref} ที่ {port} แล้ว (ไม่นับเป็นการผิดนัด)',
};

/** The text of a counterpart's move (`date`, `time`: the new slot's, at the port) or cancellation, in the driver's language. */
export function counterpartText(
  language: string,
  kind: 'moved' | 'cancelled',
  port: string,
  reference: string,
  date: string,
  time: string,
): string {
  const texts = kind === 'moved' ? COUNTERPART_MOVED : COUNTERPART_CANCELLED;
  return (texts[language] ?? texts.en)
    .replace('{port}', port)
    .replace('{ref}', reference)
    .replace('{date}', date)
    .replace('{time}', time);
}
