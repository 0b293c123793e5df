import { laneLabel, message, messagesByLanguage } from '@kouan/queue';

describe('driver messages', () => {
  it("name a lane in the driver's language, as the driver page does", () => {
    expect(laneLabel('export-1', 'zh')).toBe('出境车道 1');
    expect(laneLabel('import-2', 'lo')).toBe('ຊ່ອງທາງຂາເຂົ້າ 2');
    expect(laneLabel('EXPORT-3', 'vi')).toBe('Làn xuất 3');
    // An unknown language reads English; a name of another form is kept as the port wrote it.
    expect(laneLabel('export-1', 'km')).toBe('Export lane 1');
    expect(laneLabel('Gate B', 'th')).toBe('Gate B');
  });

  it('call a truck to its lane in every language, each with its own words for the lane', () => {
    const texts = messagesByLanguage('proceedToLane', (language) => ({ lane: laneLabel('export-1', language) }));
    expect(texts).toEqual({
      zh: '请立即驶往出境车道 1。',
      en: 'Proceed to Export lane 1 now.',
      lo: 'ກະລຸນາໄປ ຊ່ອງທາງຂາອອກ 1 ດຽວນີ້.',
      vi: 'Vui lòng đến Làn xuất 1 ngay bây giờ.',
      my: 'ထွက်ခွာလမ်းကြောင်း 1 သို့ ယခု သွားပါ။',
      th: 'กรุณาไปที่ ช่องทางขาออก 1 ทันที',
    });
    expect(Object.values(texts).join(' ')).not.toContain('export-1');
    expect(message('waitInBay', 'km', { bay: 4, area: 'Boten' })).toBe('Wait in bay 4 of Boten until you are called.');
  });
});
