/* /d: the driver's phone. Logs in with reference + driver code, then follows the booking live. */
'use strict';
(function () {
  var T = {
    en: {
      title: 'Kouan driver',
      ref: 'Booking reference',
      code: 'Driver code',
      start: 'Open',
      logout: 'Log out',
      pos: 'Position in queue',
      eta: 'Estimated wait',
      min: 'min',
      booked: 'Booked — not checked in',
      checked_in: 'Waiting in the holding area',
      called: 'CALLED',
      completed: 'Done — thank you',
      cancelled: 'Booking cancelled',
      no_show: 'Marked as no-show',
      lane_paused: 'Lane paused — please wait',
      lane_closed: 'Lane closed — please wait',
      goLane: 'Go to lane',
      parking: 'Parking',
      bay: 'Bay',
      overflow: 'Holding areas full — wait outside, your place is kept',
      powered: 'power',
      checkin: "I'm here — check in",
      locating: 'Finding your location…',
      noGeo: 'Location not available. Ask port staff to check you in.',
      outside: 'You are not in the holding area yet.',
      early: 'Too early. Come back at',
      late: 'Too late for this slot. Call your firm.',
      checkedIn: 'Checked in',
      live: 'Live',
      offline: 'Offline',
      ago: 'ago',
      badLogin: 'Wrong reference or code',
      slot: 'Your slot',
      window: 'Check in between',
      holding: 'Holding area',
      map: 'Open in maps',
      plate: 'Truck',
      deadline: 'Be at the lane within',
      deadlineNote: 'or you are put back in line once, then marked no-show.',
      lateNow: 'Time is up — go now',
      lane_export: 'Export lane',
      lane_import: 'Import lane',
      noNet: 'No connection — showing the last known state',
      closedBooking: 'This booking is finished',
      tooMany: 'Too many tries — wait and try again',
      locked: 'Code locked — ask your firm for a new one',
      fees: 'Port fees',
      perTruck: '/truck',
      perTonne: '/t',
    },
    zh: {
      title: '口岸司机',
      ref: '预约号',
      code: '司机码',
      start: '进入',
      logout: '退出',
      pos: '排队位置',
      eta: '预计等待',
      min: '分钟',
      booked: '已预约，未签到',
      checked_in: '在停车区等候',
      called: '已叫号',
      completed: '已完成，谢谢',
      cancelled: '预约已取消',
      no_show: '已记为未到',
      lane_paused: '车道暂停，请等候',
      lane_closed: '车道关闭，请等候',
      goLane: '请前往车道',
      parking: '停车',
      bay: '车位',
      overflow: '停车区已满，请在外等候，排队位置保留',
      powered: '有电源',
      checkin: '我已到达，签到',
      locating: '正在定位…',
      noGeo: '无法定位，请找工作人员签到。',
      outside: '您还未进入停车区。',
      early: '太早了，请于此时间再来：',
      late: '已超过时段，请联系公司。',
      checkedIn: '已签到',
      live: '实时',
      offline: '离线',
      ago: '前',
      badLogin: '预约号或司机码错误',
      slot: '您的时段',
      window: '签到时间',
      holding: '等候区',
      map: '在地图中打开',
      plate: '车牌',
      deadline: '请在此时间内到达车道',
      deadlineNote: '否则将重新排队一次，再次超时记为未到。',
      lateNow: '已超时，请立即前往',
      lane_export: '出境车道',
      lane_import: '入境车道',
      noNet: '无网络，显示最后状态',
      closedBooking: '此预约已结束',
      tooMany: '尝试次数过多，请稍后再试',
      locked: '司机码已锁定，请向公司索取新码',
      fees: '口岸费用',
      perTruck: '/车',
      perTonne: '/吨',
    },
    lo: {
      title: 'ຄົນຂັບ Kouan',
      ref: 'ເລກການຈອງ',
      code: 'ລະຫັດຄົນຂັບ',
      start: 'ເຂົ້າ',
      logout: 'ອອກ',
      pos: 'ລຳດັບຄິວ',
      eta: 'ເວລາລໍຖ້າ',
      min: 'ນາທີ',
      booked: 'ຈອງແລ້ວ — ຍັງບໍ່ເຊັກອິນ',
      checked_in: 'ລໍຖ້າຢູ່ບ່ອນຈອດ',
      called: 'ຖືກເອີ້ນແລ້ວ',
      completed: 'ສຳເລັດ — ຂອບໃຈ',
      cancelled: 'ຍົກເລີກການຈອງແລ້ວ',
      no_show: 'ບັນທຶກວ່າບໍ່ມາ',
      lane_paused: 'ຊ່ອງທາງຢຸດຊົ່ວຄາວ — ກະລຸນາລໍຖ້າ',
      lane_closed: 'ຊ່ອງທາງປິດ — ກະລຸນາລໍຖ້າ',
      goLane: 'ໄປທີ່ຊ່ອງທາງ',
      parking: 'ບ່ອນຈອດ',
      bay: 'ຊ່ອງຈອດ',
      overflow: 'ບ່ອນຈອດເຕັມ — ລໍຖ້າຂ້າງນອກ, ຄິວຂອງທ່ານຍັງຢູ່',
      powered: 'ມີໄຟຟ້າ',
      checkin: 'ຂ້ອຍມາຮອດແລ້ວ — ເຊັກອິນ',
      locating: 'ກຳລັງຊອກຫາທີ່ຕັ້ງ…',
      noGeo: 'ຫາທີ່ຕັ້ງບໍ່ໄດ້. ໃຫ້ພະນັກງານເຊັກອິນໃຫ້.',
      outside: 'ທ່ານຍັງບໍ່ຢູ່ໃນບ່ອນຈອດ.',
      early: 'ໄວເກີນໄປ. ກັບມາເວລາ',
      late: 'ກາຍເວລາແລ້ວ. ໂທຫາບໍລິສັດ.',
      checkedIn: 'ເຊັກອິນແລ້ວ',
      live: 'ອອນລາຍ',
      offline: 'ອອບລາຍ',
      ago: 'ກ່ອນ',
      badLogin: 'ເລກການຈອງ ຫຼື ລະຫັດບໍ່ຖືກ',
      slot: 'ເວລານັດໝາຍ',
      window: 'ເຊັກອິນລະຫວ່າງ',
      holding: 'ບ່ອນຈອດລໍຖ້າ',
      map: 'ເປີດໃນແຜນທີ່',
      plate: 'ທະບຽນລົດ',
      deadline: 'ໄປຮອດຊ່ອງທາງພາຍໃນ',
      deadlineNote: 'ຖ້າບໍ່ດັ່ງນັ້ນ ຈະຖືກຈັດຄິວໃໝ່ໜຶ່ງຄັ້ງ, ຄັ້ງຕໍ່ໄປຖືວ່າບໍ່ມາ.',
      lateNow: 'ໝົດເວລາແລ້ວ — ໄປດຽວນີ້',
      lane_export: 'ຊ່ອງທາງຂາອອກ',
      lane_import: 'ຊ່ອງທາງຂາເຂົ້າ',
      noNet: 'ບໍ່ມີສັນຍານ — ສະແດງສະຖານະລ່າສຸດ',
      closedBooking: 'ການຈອງນີ້ສິ້ນສຸດແລ້ວ',
      tooMany: 'ລອງຫຼາຍເກີນໄປ — ລໍຖ້າແລ້ວລອງໃໝ່',
      locked: 'ລະຫັດຖືກລັອກ — ຂໍລະຫັດໃໝ່ຈາກບໍລິສັດ',
      fees: 'ຄ່າທຳນຽມດ່ານ',
      perTruck: '/ຄັນ',
      perTonne: '/ໂຕນ',
    },
    vi: {
      title: 'Tài xế Kouan',
      ref: 'Mã đặt chỗ',
      code: 'Mã tài xế',
      start: 'Vào',
      logout: 'Đăng xuất',
      pos: 'Vị trí trong hàng',
      eta: 'Chờ dự kiến',
      min: 'phút',
      booked: 'Đã đặt — chưa check-in',
      checked_in: 'Đang chờ ở bãi đỗ',
      called: 'ĐÃ GỌI',
      completed: 'Hoàn tất — cảm ơn',
      cancelled: 'Đã hủy đặt chỗ',
      no_show: 'Bị ghi là không đến',
      lane_paused: 'Làn tạm dừng — vui lòng chờ',
      lane_closed: 'Làn đã đóng — vui lòng chờ',
      goLane: 'Đi đến làn',
      parking: 'Bãi đỗ',
      bay: 'Chỗ',
      overflow: 'Bãi đỗ đầy — chờ bên ngoài, vị trí vẫn được giữ',
      powered: 'có điện',
      checkin: 'Tôi đã đến — check-in',
      locating: 'Đang xác định vị trí…',
      noGeo: 'Không lấy được vị trí. Nhờ nhân viên check-in.',
      outside: 'Bạn chưa ở trong bãi đỗ.',
      early: 'Quá sớm. Quay lại lúc',
      late: 'Quá giờ. Gọi cho công ty.',
      checkedIn: 'Đã check-in',
      live: 'Trực tuyến',
      offline: 'Mất kết nối',
      ago: 'trước',
      badLogin: 'Sai mã đặt chỗ hoặc mã tài xế',
      slot: 'Khung giờ của bạn',
      window: 'Check-in trong khoảng',
      holding: 'Bãi chờ',
      map: 'Mở bản đồ',
      plate: 'Biển số',
      deadline: 'Đến làn trong vòng',
      deadlineNote: 'nếu không, bạn bị xếp lại hàng một lần, lần sau bị ghi không đến.',
      lateNow: 'Hết giờ — đi ngay',
      lane_export: 'Làn xuất',
      lane_import: 'Làn nhập',
      noNet: 'Mất kết nối — đang hiện trạng thái cuối',
      closedBooking: 'Đặt chỗ này đã kết thúc',
      tooMany: 'Thử quá nhiều lần — vui lòng chờ',
      locked: 'Mã bị khóa — xin mã mới từ công ty',
      fees: 'Phí cửa khẩu',
      perTruck: '/xe',
      perTonne: '/tấn',
    },
    my: {
      title: 'Kouan ယာဉ်မောင်း',
      ref: 'ဘွတ်ကင်နံပါတ်',
      code: 'ယာဉ်မောင်းကုဒ်',
      start: 'ဝင်ရန်',
      logout: 'ထွက်ရန်',
      pos: 'တန်းစီအမှတ်',
      eta: 'စောင့်ချိန်',
      min: 'မိနစ်',
      booked: 'ဘွတ်ကင်ပြီး — မစာရင်းသွင်းရသေး',
      checked_in: 'ကားရပ်နားရာတွင် စောင့်ပါ',
      called: 'ခေါ်ပြီ',
      completed: 'ပြီးပါပြီ — ကျေးဇူးတင်ပါသည်',
      cancelled: 'ဘွတ်ကင် ပယ်ဖျက်ပြီး',
      no_show: 'မလာဟု မှတ်ထားသည်',
      lane_paused: 'လမ်းကြောင်း ခေတ္တရပ် — စောင့်ပါ',
      lane_closed: 'လမ်းကြောင်း ပိတ် — စောင့်ပါ',
      goLane: 'လမ်းကြောင်းသို့ သွားပါ',
      parking: 'ကားရပ်ရန်',
      bay: 'နေရာ',
      overflow: 'ကားရပ်နားရာ ပြည့်နေ — အပြင်တွင်စောင့်ပါ၊ တန်းစီနေရာ ရှိနေဆဲ',
      powered: 'လျှပ်စစ်',
      checkin: 'ရောက်ပြီ — စာရင်းသွင်းမည်',
      locating: 'တည်နေရာ ရှာနေသည်…',
      noGeo: 'တည်နေရာ မရပါ။ ဝန်ထမ်းကို စာရင်းသွင်းခိုင်းပါ။',
      outside: 'ကားရပ်နားရာထဲ မရောက်သေးပါ။',
      early: 'စောလွန်းသည်။ ပြန်လာချိန်',
      late: 'နောက်ကျသွားပြီ။ ကုမ္ပဏီကို ဖုန်းဆက်ပါ။',
      checkedIn: 'စာရင်းသွင်းပြီး',
      live: 'တိုက်ရိုက်',
      offline: 'အော့ဖ်လိုင်း',
      ago: 'က',
      badLogin: 'နံပါတ် သို့မဟုတ် ကုဒ် မှားနေသည်',
      slot: 'သင့်အချိန်ပိုင်း',
      window: 'စာရင်းသွင်းချိန်',
      holding: 'စောင့်ဆိုင်းရာနေရာ',
      map: 'မြေပုံတွင်ဖွင့်ရန်',
      plate: 'ယာဉ်နံပါတ်',
      deadline: 'လမ်းကြောင်းသို့ ရောက်ရမည့်အချိန်',
      deadlineNote: 'မဟုတ်ပါက တစ်ကြိမ် ပြန်တန်းစီရမည်၊ ထပ်မံနောက်ကျပါက မလာဟု မှတ်မည်။',
      lateNow: 'အချိန်ပြည့်ပြီ — ယခုသွားပါ',
      lane_export: 'ထွက်ခွာလမ်းကြောင်း',
      lane_import: 'ဝင်ရောက်လမ်းကြောင်း',
      noNet: 'ချိတ်ဆက်မှု မရှိ — နောက်ဆုံးအခြေအနေကို ပြထားသည်',
      closedBooking: 'ဤဘွတ်ကင် ပြီးဆုံးပြီ',
      tooMany: 'ကြိုးစားမှု များလွန်း — ခဏစောင့်ပါ',
      locked: 'ကုဒ် ပိတ်ထားသည် — ကုမ္ပဏီထံ ကုဒ်အသစ်တောင်းပါ',
      fees: 'ဆိပ်ကမ်းအခကြေးငွေ',
      perTruck: '/ကား',
      perTonne: '/တန်',
    },
    th: {
      title: 'คนขับ Kouan',
      ref: 'เลขที่การจอง',
      code: 'รหัสคนขับ',
      start: 'เข้าสู่ระบบ',
      logout: 'ออกจากระบบ',
      pos: 'ลำดับคิว',
      eta: 'เวลารอโดยประมาณ',
      min: 'นาที',
      booked: 'จองแล้ว — ยังไม่เช็คอิน',
      checked_in: 'รอในลานจอด',
      called: 'ถูกเรียกแล้ว',
      completed: 'เสร็จแล้ว — ขอบคุณ',
      cancelled: 'ยกเลิกการจองแล้ว',
      no_show: 'บันทึกว่าไม่มา',
      lane_paused: 'ช่องทางหยุดชั่วคราว — กรุณารอ',
      lane_closed: 'ช่องทางปิด — กรุณารอ',
      goLane: 'ไปที่ช่องทาง',
      parking: 'ที่จอด',
      bay: 'ช่องจอด',
      overflow: 'ลานจอดเต็ม — รอด้านนอก คิวของคุณยังอยู่',
      powered: 'มีไฟฟ้า',
      checkin: 'ฉันมาถึงแล้ว — เช็คอิน',
      locating: 'กำลังหาตำแหน่ง…',
      noGeo: 'หาตำแหน่งไม่ได้ ให้เจ้าหน้าที่เช็คอินให้',
      outside: 'คุณยังไม่อยู่ในลานจอด',
      early: 'เร็วเกินไป กลับมาเวลา',
      late: 'เลยเวลาแล้ว โทรหาบริษัทของคุณ',
      checkedIn: 'เช็คอินแล้ว',
      live: 'สด',
      offline: 'ออฟไลน์',
      ago: 'ที่แล้ว',
      badLogin: 'เลขที่จองหรือรหัสไม่ถูกต้อง',
      slot: 'ช่วงเวลาของคุณ',
      window: 'เช็คอินได้ระหว่าง',
      holding: 'ลานจอดรอ',
      map: 'เปิดในแผนที่',
      plate: 'ทะเบียนรถ',
      deadline: 'ไปถึงช่องทางภายใน',
      deadlineNote: 'มิฉะนั้นจะถูกจัดคิวใหม่หนึ่งครั้ง แล้วบันทึกว่าไม่มา',
      lateNow: 'หมดเวลาแล้ว — ไปเดี๋ยวนี้',
      lane_export: 'ช่องทางขาออก',
      lane_import: 'ช่องทางขาเข้า',
      noNet: 'ไม่มีสัญญาณ — แสดงสถานะล่าสุด',
      closedBooking: 'การจองนี้สิ้นสุดแล้ว',
      tooMany: 'ลองหลายครั้งเกินไป — รอแล้วลองใหม่',
      locked: 'รหัสถูกล็อก — ขอรหัสใหม่จากบริษัท',
      fees: 'ค่าธรรมเนียมด่าน',
      perTruck: '/คัน',
      perTonne: '/ตัน',
    },
  };
  var TOKEN = 'kouan.driver.token';
  var LAST = 'kouan.driver.last';
  var LANG = 'kouan.driver.lang';
  var $ = K.$;

  var lang = K.load(LANG) || pickLang();
  var token = K.load(TOKEN);
  var last = K.load(LAST); // {state, at}
  var socket = null;
  var paintBadge = function () {};
  var wasCalled = false;
  var wakeLock = null;
  var renewTimer = null;

  function pickLang() {
    var langs = (navigator.languages || [navigator.language || 'en']).map(function (l) {
      return String(l).slice(0, 2).toLowerCase();
    });
    for (var i = 0; i < langs.length; i++) if (T[langs[i]]) return langs[i];
    return 'en';
  }
  function t(k) {
    return T[lang][k] || T.en[k] || k;
  }

  function applyLang() {
    document.documentElement.lang = lang;
    $('lang').value = lang;
    $('title').textContent = t('title');
    document.querySelectorAll('[data-t]').forEach(function (n) {
      n.textContent = t(n.getAttribute('data-t'));
    });
    if (last) render(last.state);
    paintBadge();
  }

  /** Lanes are named by code (export-1): said in the driver's language, with their number. */
  function laneName(lane) {
    var m = /^(export|import)-(\d+)$/i.exec((lane && lane.name) || '');
    return m ? t('lane_' + m[1].toLowerCase()) + ' ' + m[2] : lane ? lane.name : '';
  }

  /** @param {BookingUpdate} s */
  function render(s) {
    if (!s) return;
    var trip = last && last.trip;
    var called = s.status === 'called';
    document.body.classList.toggle('called', called);
    K.show('calledBox', called);
    K.show('waitBox', !called);
    if (called) {
      $('calledPlate').textContent = trip ? trip.plate : '';
      $('calledLane').textContent = laneName(s.lane);
      countdown();
      if (!wasCalled) alertCalled();
    } else {
      releaseWake();
    }
    wasCalled = called;
    $('reference-shown').textContent = (s.reference || '') + (trip ? ' · ' + trip.plate : '');
    $('status').textContent = t(s.status);
    var waiting = s.status === 'checked_in' && s.position !== null;
    K.show('posBox', waiting);
    $('position').textContent = waiting ? String(s.position) : '';
    var eta = $('eta');
    eta.className = 'eta';
    if (waiting && s.etaMinutes !== null) eta.textContent = t('eta') + ': ~' + s.etaMinutes + ' ' + t('min');
    else if (waiting && s.reason) {
      eta.textContent = t(s.reason);
      eta.className = 'eta warn';
    } else eta.textContent = '';
    var p = s.parking;
    K.show('parking', waiting && !!p);
    if (waiting && p) {
      K.fill($('parking'), [
        K.el('div', { class: 'muted', text: t('parking') }),
        p.overflow
          ? K.el('div', { text: t('overflow') })
          : K.el('div', {
              class: 'status',
              text:
                (p.areaName || '') +
                (p.bay !== null ? ' · ' + t('bay') + ' ' + p.bay : '') +
                (p.powered ? ' ⚡ ' + t('powered') : ''),
            }),
        p.instructions ? K.el('div', { text: p.instructions }) : null,
      ]);
    }
    renderBooked(s.status === 'booked' ? trip : null);
    // The booking's own instructions only while waiting without a bay (a skipped truck waits by the lane): with a
    // bay the card says it already, and once called, done or gone there is nothing left to do.
    K.message($('instructions'), s.status === 'checked_in' && !p && s.instructions ? s.instructions : '');
    K.show('checkin', s.status === 'booked');
  }

  /** Before check-in: the slot, the check-in window and the way to the holding area. */
  function renderBooked(trip) {
    K.show('bookedBox', !!trip);
    if (!trip) return;
    K.fill(
      $('bookedBox'),
      [
        K.el('div', { class: 'muted', text: t('slot') }),
        K.el('div', {
          class: 'status',
          text:
            trip.slotStartsAt.slice(0, 10) +
            ' ' +
            K.hhmm(trip.slotStartsAt) +
            '–' +
            K.hhmm(trip.slotEndsAt) +
            ' · ' +
            trip.portName,
        }),
        K.el('div', { class: 'muted', text: t('window') }),
        K.el('div', { class: 'window', text: K.hhmm(trip.checkInFrom) + '–' + K.hhmm(trip.checkInUntil) }),
      ]
        .concat(
          trip.holdingAreas.map(function (a) {
            return K.el('div', { class: 'area' }, [
              K.el('div', { class: 'muted', text: t('holding') }),
              K.el('div', { class: 'status', text: a.name }),
              a.directions ? K.el('div', { text: a.directions }) : null,
              K.el('a', {
                class: 'map',
                href: 'geo:' + a.lat + ',' + a.lon + '?q=' + a.lat + ',' + a.lon,
                text: t('map') + ' (' + a.lat.toFixed(4) + ', ' + a.lon.toFixed(4) + ')',
              }),
            ]);
          }),
        )
        .concat(
          trip.fees
            ? [
                K.el('div', { class: 'fees' }, [
                  K.el('div', { class: 'muted', text: t('fees') }),
                  K.el('div', { class: 'status', text: trip.fees.total + ' ' + trip.fees.currency }),
                  K.el('div', {
                    class: 'muted',
                    text: trip.fees.items
                      .map(function (i) {
                        return i.name + ' ' + i.amount + (i.unit === 'per_tonne' ? t('perTonne') : t('perTruck'));
                      })
                      .join(' · '),
                  }),
                ]),
              ]
            : [],
        ),
    );
  }

  /** The time left to reach the lane, every second while called. */
  function countdown() {
    var trip = last && last.trip;
    var box = $('calledDeadline');
    if (!trip || !trip.calledDeadline) {
      box.textContent = '';
      return;
    }
    var left = Math.round((Date.parse(trip.calledDeadline) - Date.now()) / 1000);
    box.className = 'called-deadline' + (left <= 0 ? ' late' : '');
    box.textContent =
      left <= 0 ? t('lateNow') : t('deadline') + ' ' + Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
    $('calledNote').textContent = t('deadlineNote');
  }

  /** Called: vibrate, three beeps, and keep the screen on until it is over. */
  function alertCalled() {
    if (navigator.vibrate) navigator.vibrate([600, 200, 600, 200, 1200]);
    try {
      // Older Safari names it webkitAudioContext.
      var Ctx = window.AudioContext || /** @type {any} */ (window).webkitAudioContext;
      var ctx = new Ctx();
      [0, 0.5, 1].forEach(function (at) {
        var o = ctx.createOscillator();
        o.frequency.value = 880;
        o.connect(ctx.destination);
        o.start(ctx.currentTime + at);
        o.stop(ctx.currentTime + at + 0.3);
      });
    } catch (e) {
      /* no sound on this phone: the screen and the vibration still say it */
    }
    if (navigator.wakeLock && !wakeLock) {
      navigator.wakeLock.request('screen').then(
        function (l) {
          wakeLock = l;
        },
        function () {
          /* refused: the page still works */
        },
      );
    }
  }

  function releaseWake() {
    if (wakeLock) {
      wakeLock.release().catch(function () {});
      wakeLock = null;
    }
  }

  /** A new state; its trip comes from GET /driver/booking, read again when the status changes (a call's deadline). */
  /** @param {BookingUpdate & { trip?: object }} s */
  function remember(s) {
    var changed = !last || !last.state || last.state.status !== s.status;
    var trip = s.trip || (last && last.trip) || null;
    var state = Object.assign({}, s);
    delete state.trip;
    last = { state: state, trip: trip, at: Date.now() };
    K.store(LAST, last);
    render(state);
    paintBadge();
    if (changed && !s.trip) refresh();
  }

  function logout(reason) {
    if (socket) {
      socket.close();
      socket = null;
    }
    clearTimeout(renewTimer);
    releaseWake();
    token = null;
    last = null;
    K.store(TOKEN, null);
    K.store(LAST, null);
    document.body.classList.remove('called');
    K.show('state', false);
    K.show('live', false);
    K.show('login', true);
    K.message($('loginMsg'), reason || '', reason ? 'error' : '');
  }

  async function refresh() {
    try {
      remember(await K.api('GET', '/driver/booking', undefined, token));
    } catch (e) {
      if (e.status === 401) return logout(t('badLogin'));
      // No signal: keep the last known state on screen (dimmed); the badge says how old it is.
      K.message($('msg'), e.status ? e.message : t('noNet'), 'error');
    }
  }

  /**
   * The session lasts the wait (until 2 h after the check-in window closes) and renews itself a quarter of its life
   * before it ends (POST /driver/session/refresh), so a long wait never logs the driver out.
   */
  function planRenewal() {
    clearTimeout(renewTimer);
    var c = K.claims(token);
    if (!c || !c.exp || !c.iat) return;
    var renewAt = (c.exp - (c.exp - c.iat) / 4) * 1000;
    renewTimer = setTimeout(
      async function () {
        try {
          var fresh = await K.api('POST', '/driver/session/refresh', {}, token);
          token = fresh.accessToken;
          K.store(TOKEN, token);
          if (socket) {
            socket.auth = { token: token };
            socket.disconnect().connect();
          }
          planRenewal();
        } catch (e) {
          if (e.status === 410) return logout(t('closedBooking'));
          if (e.status === 401) return logout(t('badLogin'));
          renewTimer = setTimeout(planRenewal, 60000);
        }
      },
      Math.max(0, renewAt - Date.now()),
    );
  }

  function connect() {
    socket = K.live({ token: token }, paintBadge);
    socket.on('booking:update', function (u) {
      K.message($('msg'), '');
      remember(u);
    });
    // The server ended the session (the token expired, or the firm issued a new code) and does not reconnect:
    // the GET answers 401 and the driver is asked to sign in again, instead of watching a dead screen.
    socket.on('session:expired', refresh);
    // The server sends the current state on every connect; the GET covers a missed or refused handshake.
    socket.io.on('reconnect', refresh);
    socket.on('connect_error', function () {
      // A refused handshake (expired token) is not retried by socket.io; ask the API why.
      if (socket && !socket.active) refresh();
    });
    $('live').hidden = false;
    paintBadge();
  }

  function start() {
    K.show('login', false);
    K.show('state', true);
    K.message($('loginMsg'), '');
    if (last) render(last.state);
    connect();
    planRenewal();
    return refresh();
  }

  K.loginForm(
    function () {
      return K.api('POST', '/driver/session', {
        reference: $('reference').value.trim().toUpperCase(),
        driverCode: $('driverCode').value.trim(),
      });
    },
    function (accessToken) {
      token = accessToken;
      K.store(TOKEN, token);
      return start();
    },
    function (e) {
      if (e.status === 401) return t('badLogin');
      if (e.status === 410) return t('closedBooking');
      if (e.status === 429) return t('tooMany');
      if (e.status === 423) return t('locked');
      return e.status ? e.message : t('noNet');
    },
  );

  $('checkin').addEventListener('click', function () {
    var btn = $('checkin');
    if (!navigator.geolocation) return K.message($('msg'), t('noGeo'), 'error');
    btn.disabled = true;
    K.message($('msg'), t('locating'));
    navigator.geolocation.getCurrentPosition(
      async function (pos) {
        try {
          await K.api('POST', '/driver/check-in', { lat: pos.coords.latitude, lon: pos.coords.longitude }, token);
          K.message($('msg'), t('checkedIn'), 'ok');
          await refresh();
        } catch (e) {
          var text = e.message;
          if (e.code === 'outside_geofence') text = t('outside');
          else if (e.code === 'too_early')
            text =
              t('early') +
              ' ' +
              K.hhmm(e.body.comeBackAt) +
              (e.body.comeBackAt ? ' (' + e.body.comeBackAt.slice(0, 10) + ')' : '');
          else if (e.code === 'too_late') text = t('late');
          else if (e.code === 'already_checked_in') text = t('checkedIn');
          else if (e.status === 410) text = t('closedBooking');
          else if (e.status === 401) return logout(t('badLogin'));
          else if (!e.status) text = t('noNet');
          K.message($('msg'), text, 'error');
        } finally {
          btn.disabled = false;
        }
      },
      function () {
        btn.disabled = false;
        K.message($('msg'), t('noGeo'), 'error');
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 },
    );
  });

  $('logout').addEventListener('click', function () {
    logout();
  });
  $('lang').addEventListener('change', function () {
    lang = this.value;
    K.store(LANG, lang);
    applyLang();
  });

  // Not hearing the server: the last known state stays on screen, dimmed, with how old it is.
  paintBadge = K.liveBadge(
    $('live'),
    function () {
      return socket;
    },
    function () {
      return last && last.at;
    },
    function () {
      return { live: t('live'), offline: t('offline'), ago: t('ago') };
    },
    function (fresh) {
      document.body.classList.toggle('stale', !!token && !fresh);
    },
  );
  setInterval(function () {
    if (wasCalled) countdown();
  }, 1000);
  applyLang();
  // A link from the firm (/d?ref=MOHAN-…) fills in the reference: the driver types only the code.
  var ref = new URLSearchParams(location.search).get('ref');
  if (ref) $('reference').value = ref.toUpperCase();
  if (token) start();
  else K.show('login', true);
})();
