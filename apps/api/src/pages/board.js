/* /board/:port — the public board on a TV in the holding area: who is called now, and the waiting line with
   each row's ETA, both directions, masked plates only. Its words rotate zh → en → the neighbour's language. */
'use strict';
(function () {
  var $ = K.$;
  var MAX_ROWS = 30;
  var ROTATE_MS = 8000;
  var code = decodeURIComponent(location.pathname.split('/')[2] || '').toUpperCase();
  var only = new URLSearchParams(location.search).get('direction');
  var dirs = only === 'export' || only === 'import' ? [only] : ['export', 'import'];
  var T = {
    zh: {
      export: '出境',
      import: '入境',
      calling: '正在叫号',
      lane: '车道',
      open: '开放',
      paused: '暂停',
      closed: '关闭',
      pos: '序号',
      plate: '车牌',
      slot: '时段',
      eta: '预计',
      min: '分钟',
      green: '绿色通道',
      empty: '无车辆等候',
      more: '更多',
      live: '实时',
      offline: '离线',
      ago: '前',
      laneStopped: '车道未开放',
      fees: '收费标准',
      perTruck: '/车',
      perTonne: '/吨',
    },
    en: {
      export: 'Export',
      import: 'Import',
      calling: 'NOW CALLING',
      lane: 'Lane',
      open: 'open',
      paused: 'paused',
      closed: 'closed',
      pos: '#',
      plate: 'Plate',
      slot: 'Slot',
      eta: 'ETA',
      min: 'min',
      green: 'green channel',
      empty: 'No trucks waiting',
      more: 'more',
      live: 'Live',
      offline: 'Offline',
      ago: 'ago',
      laneStopped: 'no lane open',
      fees: 'Fees',
      perTruck: '/truck',
      perTonne: '/t',
    },
    lo: {
      export: 'ຂາອອກ',
      import: 'ຂາເຂົ້າ',
      calling: 'ກຳລັງເອີ້ນ',
      lane: 'ຊ່ອງທາງ',
      open: 'ເປີດ',
      paused: 'ຢຸດຊົ່ວຄາວ',
      closed: 'ປິດ',
      pos: 'ລຳດັບ',
      plate: 'ທະບຽນ',
      slot: 'ເວລາ',
      eta: 'ຄາດວ່າ',
      min: 'ນາທີ',
      green: 'ຊ່ອງທາງສີຂຽວ',
      empty: 'ບໍ່ມີລົດລໍຖ້າ',
      more: 'ອີກ',
      live: 'ອອນລາຍ',
      offline: 'ອອບລາຍ',
      ago: 'ກ່ອນ',
      laneStopped: 'ບໍ່ມີຊ່ອງທາງເປີດ',
      fees: 'ຄ່າທຳນຽມ',
      perTruck: '/ຄັນ',
      perTonne: '/ໂຕນ',
    },
    vi: {
      export: 'Xuất',
      import: 'Nhập',
      calling: 'ĐANG GỌI',
      lane: 'Làn',
      open: 'mở',
      paused: 'tạm dừng',
      closed: 'đóng',
      pos: 'STT',
      plate: 'Biển số',
      slot: 'Khung giờ',
      eta: 'Dự kiến',
      min: 'phút',
      green: 'luồng xanh',
      empty: 'Không có xe chờ',
      more: 'nữa',
      live: 'Trực tuyến',
      offline: 'Mất kết nối',
      ago: 'trước',
      laneStopped: 'không có làn mở',
      fees: 'Biểu phí',
      perTruck: '/xe',
      perTonne: '/tấn',
    },
    my: {
      export: 'ထွက်',
      import: 'ဝင်',
      calling: 'ယခုခေါ်နေသည်',
      lane: 'လမ်းကြောင်း',
      open: 'ဖွင့်',
      paused: 'ခေတ္တရပ်',
      closed: 'ပိတ်',
      pos: 'အမှတ်',
      plate: 'ယာဉ်နံပါတ်',
      slot: 'အချိန်',
      eta: 'ခန့်မှန်း',
      min: 'မိနစ်',
      green: 'အစိမ်းလမ်း',
      empty: 'စောင့်နေသောကား မရှိ',
      more: 'နောက်ထပ်',
      live: 'တိုက်ရိုက်',
      offline: 'အော့ဖ်လိုင်း',
      ago: 'က',
      laneStopped: 'ဖွင့်ထားသောလမ်းကြောင်း မရှိ',
      fees: 'အခကြေးငွေ',
      perTruck: '/ကား',
      perTonne: '/တန်',
    },
  };
  /** The neighbour's language by its country: Laos, Vietnam, Myanmar. */
  var NEIGHBOUR = { LA: 'lo', VN: 'vi', MM: 'my' };
  var langs = ['zh', 'en'];
  var lang = 'zh';
  var zone = 'Asia/Shanghai';
  /** @type {{ name: string, names?: Record<string, string>, counterpart: string | null } | null} */
  var portInfo = null; // the port, once read: its name in each language
  /** @type {Record<string, { version: number, data: any }>} */
  var state = {}; // direction → {version, data}
  var lastAt = 0;
  var socket = null;
  function t(k) {
    return T[lang][k] || T.en[k] || k;
  }
  var paint = K.liveBadge(
    $('live'),
    function () {
      return socket;
    },
    function () {
      return lastAt;
    },
    function () {
      return { live: t('live'), offline: t('offline'), ago: t('ago') };
    },
  );

  function error(text) {
    K.message($('msg'), text, 'error');
  }

  /**
   * Newer versions only (K.follow): the HTTP answer and the socket snapshot race, and a reconnect may replay old
   * state. A change arrives as a delta; one that does not follow what is shown means some were missed: read again.
   */
  /** @param {QueueUpdate | QueueUpdateDelta} u */
  function apply(u) {
    if (!u || u.port !== code) return;
    var kept = K.follow(state, u);
    if (kept === 'gap') return load(u.direction);
    if (!kept) return;
    lastAt = Date.now();
    render(u.direction);
    paint();
  }

  /** The ETA of place `position`, as the API computes it (libs/queue/src/eta.ts): null when no lane is open. */
  function eta(u, position) {
    var timings = u.timings || [];
    var rate = 0;
    timings.forEach(function (l) {
      if (l.status === 'open')
        rate += 1 / Math.max(l.medianMinutes === null ? u.defaultServiceMinutes : l.medianMinutes, 0.5);
    });
    return rate ? Math.round(position / rate) : null;
  }

  /** Lanes are named by code (export-1): said in the board's language of the moment. */
  function laneName(l) {
    var m = /^(export|import)-(\d+)$/i.exec(l ? l.name : '');
    return m ? t(m[1].toLowerCase()) + ' ' + t('lane') + ' ' + m[2] : l ? l.name : '';
  }

  function mmss(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }

  function render(dir) {
    var u = state[dir].data;
    var box = $('dir-' + dir);
    if (!u) return;
    var lanes = {};
    u.lanes.forEach(function (l) {
      lanes[l.id] = l;
    });
    var now = Date.now();
    var calling = u.called.slice().sort(function (a, b) {
      return Date.parse(b.calledAt) - Date.parse(a.calledAt);
    });
    var rows = u.entries.slice(0, MAX_ROWS).map(function (e) {
      var m = eta(u, e.position);
      return K.el('tr', {}, [
        K.el('td', { class: 'pos', text: String(e.position) }),
        K.el('td', { class: 'plate', text: e.plateMasked }),
        K.el('td', { text: K.hhmm(e.slotStartsAt) }),
        K.el('td', { class: 'eta', text: m === null ? '–' : '~' + m + ' ' + t('min') }),
        K.el('td', {}, [
          e.priority ? K.el('span', { class: 'prio', title: t('green'), text: '★ ' + t('green') }) : null,
        ]),
      ]);
    });
    K.fill(box, [
      K.el('h2', { text: t(dir) }),
      K.el(
        'div',
        { class: 'lanes' },
        u.lanes.map(function (l) {
          return K.el('div', { class: 'lane', 'data-lane': l.id }, [
            laneName(l) + ' ',
            K.el('span', { class: 'pill ' + l.status, text: t(l.status) }),
          ]);
        }),
      ),
      calling.length
        ? K.el(
            'div',
            { class: 'calling' },
            [K.el('div', { class: 'calling-title', text: t('calling') })].concat(
              calling.map(function (c) {
                return K.el('div', { class: 'called' }, [
                  K.el('span', { class: 'plate', text: c.plateMasked }),
                  K.el('span', { class: 'to', text: '→ ' + laneName(lanes[c.laneId]) }),
                  K.el('span', { class: 'elapsed', text: mmss(now - Date.parse(c.calledAt)) }),
                ]);
              }),
            ),
          )
        : null,
      u.entries.length
        ? K.el('table', {}, [
            K.el('thead', {}, [
              K.el(
                'tr',
                {},
                [t('pos'), t('plate'), t('slot'), t('eta'), ''].map(function (h) {
                  return K.el('th', { text: h });
                }),
              ),
            ]),
            K.el('tbody', {}, rows),
          ])
        : K.el('div', { class: 'empty', text: t('empty') }),
      u.entries.length > MAX_ROWS
        ? K.el('div', { class: 'more', text: '+' + (u.entries.length - MAX_ROWS) + ' ' + t('more') })
        : null,
      eta(u, 1) === null && u.entries.length ? K.el('div', { class: 'stopped', text: t('laneStopped') }) : null,
    ]);
  }

  /** The port's published fees, in the language of the moment (item names fall back to English). */
  var fees = null;
  function renderFees() {
    K.show('fees', !!fees);
    if (!fees) return;
    $('fees').textContent =
      t('fees') +
      ': ' +
      fees.items
        .map(function (i) {
          return (
            (i.name[lang] || i.name.en) +
            ' ' +
            i.amount +
            ' ' +
            fees.currency +
            (i.unit === 'per_tonne' ? t('perTonne') : t('perTruck'))
          );
        })
        .join(' · ');
  }

  function tick() {
    $('clock').textContent = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date());
    dirs.forEach(function (d) {
      if (state[d] && state[d].data) render(d);
    });
    renderFees();
  }

  function rotate() {
    lang = langs[(langs.indexOf(lang) + 1) % langs.length];
    document.documentElement.lang = lang;
    renderTitle();
    tick();
    paint();
  }

  /** The port's name in the language of the moment where it has one (磨憨公路口岸), else its own. */
  function renderTitle() {
    if (!portInfo) return;
    var name = (portInfo.names && portInfo.names[lang]) || portInfo.name;
    $('title').textContent = name + (portInfo.counterpart ? ' ⇄ ' + portInfo.counterpart : '');
    document.title = name + ' · Kouan';
  }

  async function init() {
    if (!/^[A-Z0-9-]{2,32}$/.test(code)) return error('Unknown port · 未知口岸');
    K.dirSections($('board'), dirs, state);
    try {
      var port = await K.api('GET', '/ports/' + encodeURIComponent(code));
      portInfo = port;
      renderTitle();
      zone = port.timeZone || zone;
      if (NEIGHBOUR[port.neighbour]) langs.push(NEIGHBOUR[port.neighbour]);
    } catch (e) {
      return error(e.message);
    }
    // The elapsed times of the called trucks and the clock move every second; the words rotate.
    setInterval(tick, 1000);
    setInterval(rotate, ROTATE_MS);
    tick();
    socket = K.live(null, paint);
    socket.on('connect', function () {
      // Joining (again, after a reconnect) answers with the current state of each direction.
      dirs.forEach(function (d) {
        socket.emit('subscribe', { port: code, direction: d }, function (ack) {
          if (ack && !ack.ok) error(ack.error);
        });
      });
    });
    socket.on('queue:update', apply);
    socket.on('lane:update', function (l) {
      dirs.forEach(function (d) {
        var u = state[d].data;
        if (!u) return;
        u.lanes.forEach(function (x) {
          if (x.id === l.laneId) {
            x.status = l.status;
            render(d);
          }
        });
      });
    });
    await Promise.all(dirs.map(load));
    // From the history (200, [] when none is published: no 404 in the console): the newest in force today.
    try {
      var today = K.portToday(zone);
      var versions = await K.api('GET', '/ports/' + encodeURIComponent(code) + '/fees/history');
      // As the API picks it: the latest effective day up to today, then the latest version of that day.
      fees =
        versions
          .filter(function (v) {
            return v.effectiveFrom <= today;
          })
          .sort(function (a, b) {
            return b.effectiveFrom.localeCompare(a.effectiveFrom) || b.version - a.version;
          })[0] || null;
      renderFees();
    } catch (e) {
      /* the board works without them */
    }
  }

  async function load(dir) {
    try {
      apply(await K.api('GET', '/ports/' + code + '/queue?direction=' + dir));
    } catch (e) {
      error(e.message);
    }
  }
  init();
})();
