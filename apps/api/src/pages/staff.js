/*
 * /staff — the lane console: open, pause and close lanes, call the next truck, record outcomes, check in plates.
 * In Chinese and English. No-show and closing a lane wait UNDO_MS after they are confirmed before they are sent:
 * the server has no undo (no move back from no_show), so until then nothing has happened anywhere.
 */
'use strict';
(function () {
  var $ = K.$;
  var SESSION = 'kouan.staff.session';
  var PORT = 'kouan.staff.port';
  var LANG = 'kouan.staff.lang';
  var DIR = 'kouan.staff.dir';
  var DIRS = ['export', 'import'];
  var UNDO_MS = 10000;

  var T = {
    en: {
      title: 'Kouan lane console',
      titlePort: 'Lane console · {port}',
      email: 'Email',
      password: 'Password',
      login: 'Log in',
      logout: 'Log out',
      port: 'Port',
      checkInLabel: 'Check in by plate',
      checkIn: 'Check in',
      langName: 'English',
      langLabel: 'Language',
      live: 'Live',
      offline: 'Offline',
      ago: 'ago',
      export: 'Export',
      import: 'Import',
      tab: '{dir} · {w} waiting · {c} called',
      callNext: 'Call next',
      open: 'Open',
      pause: 'Pause',
      close: 'Close',
      st_open: 'open',
      st_paused: 'paused',
      st_closed: 'closed',
      st_completed: 'completed',
      st_checked_in: 'back in line',
      st_no_show: 'no-show',
      called: 'Called ({n})',
      waiting: 'Waiting ({n})',
      noneWaiting: 'No trucks waiting.',
      toYard: 'To the yard ({n})',
      leftLane: 'left {lane} at {at} · {m} since the call',
      stats: 'Waiting {w} · Called {c} · Mean wait {m}',
      min: '{n} min',
      complete: 'Complete',
      skip: 'Skip',
      noShow: 'No-show',
      cancel: 'Cancel',
      askNoShow: 'Mark {plate} as no-show?',
      yesNoShow: 'Yes, no-show',
      noShowIn: 'No-show in {s} s',
      askClose: 'Close lane {lane}?',
      yesClose: 'Yes, close',
      closeIn: 'Closing in {s} s',
      undo: 'Undo ({s} s)',
      undone: 'Undone: nothing was sent.',
      gone: '{plate} is no longer called: the no-show was not sent.',
      calledFor: 'called {t}',
      deadline: 'deadline {at} · {t} left',
      overdue: 'deadline {at} · over by {t}',
      thPos: '#',
      thPlate: 'Plate',
      thSlot: 'Slot',
      thWaited: 'Waited',
      thDriver: 'Driver',
      thFirm: 'Firm · cargo',
      thGreen: 'Green channel',
      driver: 'Driver',
      firm: 'Firm',
      cargo: 'Cargo',
      green: '★ Green: perishable cargo',
      greenLater: 'Green once its slot starts (perishable cargo)',
      perishableOnly: "Perishable, not green (the slot's green share was full, or it was skipped)",
      msgCalled: 'Called {plate} ({ref}) → {lane}',
      msgOutcome: '{plate}: {status}',
      msgLane: '{lane}: {status}',
      msgCheckedIn: '{plate} checked in: position {n}{where}',
      overflow: ', overflow (wait outside)',
      bay: ', {area} bay {bay}',
      whichBooking: 'Which booking is this truck? Check the papers, then pick:',
      staffOnly: 'This console is for port staff. Firms use /firm.',
      noOpenLane: 'No open {dir} lane.',
      sessionEnded: 'Your session has ended. Please sign in again.',
      sessionEndedKept: 'Your session has ended. Sign in again and what you just did will be sent.',
      keptSent: 'Sent after signing in again: {n} action(s).',
      wrongLogin: 'Wrong email or password.',
      tooManyLogins: 'Too many sign-in attempts. Wait a few minutes and try again.',
      noNetwork: 'No network connection',
      noServer: 'Cannot reach the server',
      keysTitle: 'Keyboard shortcuts',
      keyN: 'call the next truck on the first open lane of the direction shown',
      keySlash: 'go to the plate box',
      keyDir: 'show export, import',
      keyU: 'undo the last no-show or lane close still waiting to be sent',
      keyEsc: 'cancel a question',
      keyL: '中文 / English',
      keysNote: 'Shortcuts do nothing while you type in a box.',
      forecastTitle: "Tomorrow's forecast · {date}",
      forecastNone: 'No trucks booked or expected tomorrow.',
      thHour: 'Hour',
      thDir: 'Direction',
      thBooked: 'Booked',
      thExpected: 'Expected arrivals',
      thLanes: 'Lanes needed / lanes',
      thNote: 'Note',
      shortMark: '⚠ Short of lanes',
      lanesOf: '{n} / {of}',
      basisMeasured: 'Show-up {r} % and arrival times measured on {n} bookings, {from} to {to}.',
      basisDefault: 'Too little history ({n} bookings): default show-up {r} % and arrival times.',
    },
    zh: {
      title: '口岸车道控制台',
      titlePort: '车道控制台 · {port}',
      email: '邮箱',
      password: '密码',
      login: '登录',
      logout: '退出',
      port: '口岸',
      checkInLabel: '按车牌签到',
      checkIn: '签到',
      langName: '中文',
      langLabel: '语言',
      live: '实时',
      offline: '离线',
      ago: '前',
      export: '出境',
      import: '入境',
      tab: '{dir} · 等待 {w} · 已叫 {c}',
      callNext: '叫下一辆',
      open: '开放',
      pause: '暂停',
      close: '关闭',
      st_open: '开放',
      st_paused: '暂停',
      st_closed: '关闭',
      st_completed: '已完成',
      st_checked_in: '已重新排队',
      st_no_show: '未到',
      called: '已叫号（{n}）',
      waiting: '等待中（{n}）',
      noneWaiting: '没有等待的车辆。',
      toYard: '前往货场（{n}）',
      leftLane: '{at} 驶离 {lane} · 叫号后 {m}',
      stats: '等待 {w} · 已叫 {c} · 平均等待 {m}',
      min: '{n} 分钟',
      complete: '完成',
      skip: '跳过',
      noShow: '未到',
      cancel: '取消',
      askNoShow: '将 {plate} 标为未到？',
      yesNoShow: '确认未到',
      noShowIn: '{s} 秒后标为未到',
      askClose: '关闭车道 {lane}？',
      yesClose: '确认关闭',
      closeIn: '{s} 秒后关闭',
      undo: '撤销（{s} 秒）',
      undone: '已撤销：没有发送。',
      gone: '{plate} 已不在叫号中：未到没有发送。',
      calledFor: '已叫 {t}',
      deadline: '时限 {at} · 剩 {t}',
      overdue: '时限 {at} · 已超 {t}',
      thPos: '#',
      thPlate: '车牌',
      thSlot: '时段',
      thWaited: '已等',
      thDriver: '司机',
      thFirm: '企业 · 货物',
      thGreen: '绿色通道',
      driver: '司机',
      firm: '企业',
      cargo: '货物',
      green: '★ 绿色通道：鲜活易腐货物',
      greenLater: '时段开始后走绿色通道（鲜活易腐货物）',
      perishableOnly: '鲜活易腐，未走绿色通道（该时段绿色通道名额已满，或被跳过）',
      msgCalled: '已叫 {plate}（{ref}）→ {lane}',
      msgOutcome: '{plate}：{status}',
      msgLane: '{lane}：{status}',
      msgCheckedIn: '{plate} 已签到：第 {n} 位{where}',
      overflow: '，停车区已满（在外等候）',
      bay: '，{area} {bay} 号车位',
      whichBooking: '这辆车是哪个预约？请核对单证后选择：',
      staffOnly: '此控制台仅供口岸工作人员使用。企业请用 /firm。',
      noOpenLane: '没有开放的{dir}车道。',
      sessionEnded: '登录已失效，请重新登录。',
      sessionEndedKept: '登录已失效。重新登录后，将发送您刚才的操作。',
      keptSent: '重新登录后已发送 {n} 项操作。',
      wrongLogin: '邮箱或密码错误。',
      tooManyLogins: '登录尝试次数过多，请几分钟后再试。',
      noNetwork: '没有网络连接',
      noServer: '无法连接服务器',
      keysTitle: '键盘快捷键',
      keyN: '在当前方向第一条开放车道叫下一辆',
      keySlash: '跳到车牌输入框',
      keyDir: '显示出境、入境',
      keyU: '撤销最近一次尚未发送的未到或关闭车道',
      keyEsc: '取消确认',
      keyL: '中文 / English',
      keysNote: '在输入框中打字时快捷键不起作用。',
      forecastTitle: '明日预测 · {date}',
      forecastNone: '明日没有预约或预计到达的车辆。',
      thHour: '时段',
      thDir: '方向',
      thBooked: '已预约',
      thExpected: '预计到达',
      thLanes: '所需车道 / 车道',
      thNote: '提示',
      shortMark: '⚠ 车道不足',
      lanesOf: '{n} / {of}',
      basisMeasured: '到达率 {r}% 和到达时间按 {from} 至 {to} 的 {n} 个预约测得。',
      basisDefault: '历史数据不足（{n} 个预约）：使用默认到达率 {r}% 和到达时间。',
    },
  };

  var lang = T[K.load(LANG)] ? K.load(LANG) : K.browserLang(T);

  /** The console's own words in the chosen language, with {name} filled from `args` (K.format). */
  function t(key, args) {
    return K.format(T[lang][key] || T.en[key] || key, args);
  }
  /** A word of `T` as an argument of another (see t). */
  function word(key, args) {
    return function () {
      return t(key, args);
    };
  }

  var sess = K.session(SESSION);
  var me = null; // token claims
  var loginNote = null; // the key of what the sign-in form says, worded again after a change of language
  var port = null;
  var portInfo = { calledTimeoutMinutes: null, timeZone: 'Asia/Shanghai' };
  var shown = DIRS.indexOf(K.load(DIR)) >= 0 ? K.load(DIR) : 'export';
  /** @type {Record<string, { version: number, data: any }>} */
  var state = {}; // direction → {version, data}
  var lastAt = 0;
  var socket = null;
  var asking = {}; // key → true: an inline question is open ("noshow:<bookingId>", "close:<laneId>")
  var pending = {}; // key → {at, timer, dir, plate}: confirmed, sent when UNDO_MS pass without an undo
  var focusAfter = null; // selector to focus once the view is drawn again
  /** @type {Forecast | null} */
  var forecast = null; // tomorrow's forecast of the port shown
  /** @type {Record<string, YardUpdate>} */
  var yard = {}; // direction → the yard's view: trucks its lanes let go that the yard has not confirmed yet
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

  var msg = K.messages($('msg'), t);
  var note = msg.note;

  /** The sign-in form instead of the console, saying `key` (a word of T) if given. */
  function showLogin(key) {
    if (socket) {
      socket.close();
      socket = null;
    }
    me = null;
    loginNote = key || null;
    K.show('console', false);
    K.show('logout', false);
    K.show('live', false);
    K.show('login', true);
    K.message($('loginMsg'), key ? t(key) : '', 'error');
  }

  /** Log out: the server ends the session; confirmed no-shows and closes still waiting for their undo are dropped. */
  function logout(key) {
    dropPending();
    sess.end();
    showLogin(key);
  }

  /**
   * The session has really ended (its refresh was refused): sign in again. A change the officer made is kept and sent
   * once they have (K.caller), and what still waits for its undo is sent then too.
   */
  function ended() {
    showLogin(call.pending() ? 'sessionEndedKept' : 'sessionEnded');
  }

  /** Runs an API call; a 401 renews the session or ends it, any other error is said (the API's words, ours when it was never reached). */
  var call = K.caller(sess, ended, msg.fail);

  /** A whole view, or a change on top of the version shown (K.follow); a change that does not follow: read again. */
  function apply(u) {
    if (!u || u.port !== port) return;
    var kept = K.follow(state, u);
    if (kept === 'gap') return reload(u.direction);
    if (!kept) return;
    lastAt = Date.now();
    render(u.direction);
    paint();
  }

  async function reload(dir) {
    try {
      apply(await call('GET', '/ports/' + port + '/queue/staff?direction=' + dir));
    } catch (e) {
      /* shown */
    }
  }

  /** The yard's view of a direction (GET /ports/:code/yard, then each yard:update): who is between lane and yard. */
  function applyYard(v) {
    if (!v || v.port !== port) return;
    var seen = yard[v.direction];
    if (seen && Date.parse(seen.at) > Date.parse(v.at)) return; // an older read overtaken by a newer one
    yard[v.direction] = v;
    render(v.direction);
  }

  async function loadYard(dir) {
    try {
      applyYard(await call('GET', '/ports/' + port + '/yard?direction=' + dir));
    } catch (e) {
      /* shown */
    }
  }

  /** The called timeout and time zone of the port: the deadline of a called truck. */
  async function loadPort(code) {
    try {
      var p = await call('GET', '/ports/' + code);
      if (code !== port) return;
      portInfo = {
        calledTimeoutMinutes: p.schedule ? p.schedule.calledTimeoutMinutes : null,
        timeZone: p.timeZone || 'Asia/Shanghai',
      };
      DIRS.forEach(render);
    } catch (e) {
      return; /* shown */
    }
    loadForecast(code);
  }

  /** Tomorrow at the port: the hours with trucks booked or expected, per direction (GET /ports/:code/forecast). */
  async function loadForecast(code) {
    try {
      var f = await call('GET', '/ports/' + code + '/forecast?date=' + K.portTomorrow(portInfo.timeZone));
      if (code !== port) return;
      forecast = f;
      renderForecast();
    } catch (e) {
      /* shown */
    }
  }

  function renderForecast() {
    var f = forecast && forecast.port === port ? forecast : null;
    $('forecastTitle').textContent = t('forecastTitle', { date: f ? f.date : '…' });
    if (!f) return K.fill($('forecastBody'), []);
    var rows = f.hours.filter(function (h) {
      return h.booked > 0 || h.expectedArrivals > 0;
    });
    var heads = ['thHour', 'thDir', 'thBooked', 'thExpected', 'thLanes', 'thNote'];
    var b = f.basis;
    var basis = t(b.measured ? 'basisMeasured' : 'basisDefault', {
      r: Math.round(b.showUpRate * 1000) / 10,
      n: b.decided,
      from: b.fromDate,
      to: b.toDate,
    });
    K.fill($('forecastBody'), [
      rows.length
        ? K.el('table', { class: 'forecast' }, [
            K.el('thead', {}, [
              K.el(
                'tr',
                {},
                heads.map(function (h) {
                  return K.el('th', { scope: 'col', text: t(h) });
                }),
              ),
            ]),
            K.el(
              'tbody',
              {},
              rows.map(function (h) {
                return K.el('tr', { class: h.short ? 'short' : null, 'data-hour': h.hour, 'data-dir': h.direction }, [
                  K.el('th', { scope: 'row', text: h.hour }),
                  K.el('td', { text: t(h.direction) }),
                  K.el('td', { class: 'num booked', text: String(h.booked) }),
                  K.el('td', { class: 'num expected', text: h.expectedArrivals.toFixed(1) }),
                  K.el('td', { class: 'num lanes', text: t('lanesOf', { n: h.lanesNeeded, of: h.lanes }) }),
                  K.el('td', { class: 'note', text: h.short ? t('shortMark') : '' }),
                ]);
              }),
            ),
          ])
        : K.el('p', { class: 'muted', text: t('forecastNone') }),
      K.el('p', { class: 'muted basis', text: basis }),
    ]);
  }

  async function act(button, method, path, body, done, failed) {
    if (button) button.disabled = true;
    try {
      var res = await call(method, path, body);
      if (done) done(res);
    } catch (e) {
      /* shown */ if (failed) failed(e);
    } finally {
      if (button) button.disabled = false;
      // The socket brings the change too; reading it back keeps the console right when the socket is down.
      DIRS.forEach(reload);
    }
  }

  /* Confirm, then undo for UNDO_MS: a question inline, then a countdown with an Undo button, then the request. */

  function ask(key) {
    asking = {};
    asking[key] = true;
    focusAfter = '[data-key="' + key + '"] button.confirm';
    DIRS.forEach(render);
  }

  function unask() {
    asking = {};
    DIRS.forEach(render);
  }

  function confirmLater(key, send, about) {
    delete asking[key];
    var p = { at: Date.now() + UNDO_MS, dir: about.dir, plate: about.plate };
    p.timer = setTimeout(function () {
      delete pending[key];
      DIRS.forEach(render);
      send();
    }, UNDO_MS);
    pending[key] = p;
    focusAfter = '[data-key="' + key + '"] button.undo';
    DIRS.forEach(render);
  }

  function undo(key) {
    var p = pending[key];
    if (!p) return;
    clearTimeout(p.timer);
    delete pending[key];
    note('undone', null, 'ok');
    DIRS.forEach(render);
  }

  /** The action confirmed last, if it still waits. */
  function undoLast() {
    var last = null;
    for (var k in pending) if (!last || pending[k].at > pending[last].at) last = k;
    if (last) undo(last);
  }

  /** Logging out or changing port forgets what was not sent yet: nothing reaches the server. */
  function dropPending() {
    for (var k in pending) clearTimeout(pending[k].timer);
    pending = {};
    asking = {};
  }

  function secondsLeft(key) {
    return Math.max(1, Math.ceil((pending[key].at - Date.now()) / 1000));
  }

  /**
   * Where a button that cannot be taken back sits: the button; its question with Confirm and Cancel; or, once
   * confirmed, the countdown (`pendingText`) with Undo. `send` runs when the countdown ends; `about` {dir, plate}.
   */
  function guarded(key, label, cls, question, yes, pendingText, send, about) {
    if (pending[key]) {
      return K.el('span', { class: 'guard row', 'data-key': key }, [
        K.el('span', {
          class: 'pending',
          'data-pending': key,
          'data-text': pendingText,
          text: t(pendingText, { s: secondsLeft(key) }),
        }),
        K.el(
          'button',
          {
            type: 'button',
            class: 'undo',
            'data-undo': key,
            on: {
              click: function () {
                undo(key);
              },
            },
          },
          [t('undo', { s: secondsLeft(key) })],
        ),
      ]);
    }
    if (asking[key]) {
      return K.el('span', { class: 'guard row ask', 'data-key': key }, [
        K.el('span', { class: 'question', text: question }),
        K.el(
          'button',
          {
            type: 'button',
            class: 'confirm ' + cls,
            on: {
              click: function () {
                confirmLater(key, send, about);
              },
            },
          },
          [yes],
        ),
        K.el('button', { type: 'button', class: 'secondary', on: { click: unask } }, [t('cancel')]),
      ]);
    }
    return K.el(
      'button',
      {
        type: 'button',
        class: cls,
        'data-key': key,
        on: {
          click: function () {
            ask(key);
          },
        },
      },
      [label],
    );
  }

  /* Drawing */

  function laneCard(l) {
    var statusBtn = function (status, label) {
      return K.el(
        'button',
        {
          type: 'button',
          class: 'secondary',
          disabled: l.status === status ? 'disabled' : null,
          'data-status': status,
          on: {
            click: function (ev) {
              setLane(ev.target, l, status);
            },
          },
        },
        [label],
      );
    };
    var closeKey = 'close:' + l.id;
    var close =
      l.status === 'closed' && !pending[closeKey]
        ? statusBtn('closed', t('close'))
        : guarded(
            closeKey,
            t('close'),
            'secondary',
            t('askClose', { lane: l.name }),
            t('yesClose'),
            'closeIn',
            function () {
              setLane(null, l, 'closed');
            },
            { dir: l.direction },
          );
    return K.el('div', { class: 'lane-card', 'data-lane': l.id }, [
      K.el('div', { class: 'row' }, [
        K.el('span', { class: 'name grow', text: l.name }),
        K.el('span', { class: 'pill ' + l.status, text: t('st_' + l.status) }),
      ]),
      K.el('div', { class: 'row' }, [
        K.el(
          'button',
          {
            type: 'button',
            class: 'call grow',
            disabled: l.status !== 'open' ? 'disabled' : null,
            on: {
              click: function (ev) {
                callNext(ev.target, l);
              },
            },
          },
          [t('callNext')],
        ),
        statusBtn('open', t('open')),
        statusBtn('paused', t('pause')),
        close,
      ]),
    ]);
  }

  function setLane(button, l, status) {
    act(button, 'POST', '/ports/' + port + '/lanes/' + l.id + '/status', { status: status }, function () {
      note('msgLane', { lane: l.name, status: word('st_' + status) }, 'ok');
    });
  }

  function callNext(button, l) {
    act(button, 'POST', '/ports/' + port + '/lanes/' + l.id + '/call-next', undefined, function (r) {
      note('msgCalled', { plate: r.plate, ref: r.reference, lane: l.name }, 'ok');
    });
  }

  function outcome(button, c, what) {
    act(button, 'POST', '/bookings/' + c.bookingId + '/' + what, undefined, function (r) {
      note('msgOutcome', { plate: c.plate, status: T.en['st_' + r.status] ? word('st_' + r.status) : r.status }, 'ok');
    });
  }

  function outcomeBtn(c, what, label, cls) {
    return K.el(
      'button',
      {
        type: 'button',
        class: cls || 'secondary',
        on: {
          click: function (ev) {
            outcome(ev.target, c, what);
          },
        },
      },
      [label],
    );
  }

  /** "3:07", "1:02:09" */
  function clock(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var mmss = (h ? String(m).padStart(2, '0') : String(m)) + ':' + String(s % 60).padStart(2, '0');
    return h ? h + ':' + mmss : mmss;
  }

  /** HH:MM of an instant at the port. */
  function portTime(ms) {
    try {
      return new Intl.DateTimeFormat('en-GB', {
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone: portInfo.timeZone,
      }).format(new Date(ms));
    } catch (e) {
      return K.hhmm(new Date(ms).toISOString());
    }
  }

  function minutes(ms) {
    return t('min', { n: Math.max(0, Math.floor(ms / 60000)) });
  }

  function greenText(x) {
    if (x.priority) return t('green');
    if (x.greenChannel) return t('greenLater');
    if (x.perishable) return t('perishableOnly');
    return '';
  }

  function greenBadge(x) {
    var text = greenText(x);
    return text
      ? K.el('span', { class: x.priority ? 'prio' : x.greenChannel ? 'prio later' : 'perishable', text: text })
      : null;
  }

  /** The texts that move with the clock: elapsed since called, the deadline, waits, undo countdowns. */
  function tick() {
    var now = Date.now();
    document.querySelectorAll('[data-called-at]').forEach(function (n) {
      n.textContent = t('calledFor', { t: clock(now - Date.parse(n.getAttribute('data-called-at'))) });
    });
    document.querySelectorAll('[data-deadline]').forEach(function (n) {
      var at = Number(n.getAttribute('data-deadline'));
      var late = now >= at;
      n.textContent = t(late ? 'overdue' : 'deadline', { at: portTime(at), t: clock(Math.abs(at - now)) });
      n.classList.toggle('late', late);
    });
    document.querySelectorAll('[data-waited]').forEach(function (n) {
      n.textContent = minutes(now - Date.parse(n.getAttribute('data-waited')));
    });
    DIRS.forEach(function (d) {
      var node = document.querySelector('#dir-' + d + ' .stats');
      if (node) node.textContent = statsText(state[d].data, now);
    });
    document.querySelectorAll('[data-pending]').forEach(function (n) {
      var key = n.getAttribute('data-pending');
      if (!pending[key]) return;
      n.textContent = t(n.getAttribute('data-text'), { s: secondsLeft(key) });
    });
    document.querySelectorAll('[data-undo]').forEach(function (n) {
      var key = n.getAttribute('data-undo');
      if (pending[key]) n.textContent = t('undo', { s: secondsLeft(key) });
    });
  }

  function statsText(u, now) {
    if (!u) return '';
    var since = u.entries
      .map(function (e) {
        return Date.parse(e.checkedInAt);
      })
      .filter(function (x) {
        return !isNaN(x);
      });
    var mean = since.length
      ? since.reduce(function (sum, x) {
          return sum + (now - x);
        }, 0) / since.length
      : null;
    return t('stats', { w: u.entries.length, c: u.called.length, m: mean === null ? '–' : minutes(mean) });
  }

  function calledRow(c, laneName, dir) {
    var calledAt = Date.parse(c.calledAt);
    var timeout = portInfo.calledTimeoutMinutes;
    var key = 'noshow:' + c.bookingId;
    var noShow = guarded(
      key,
      t('noShow'),
      'noshow',
      t('askNoShow', { plate: c.plate }),
      t('yesNoShow'),
      'noShowIn',
      function () {
        outcome(null, c, 'no-show');
      },
      { dir: dir, plate: c.plate },
    );
    return K.el('div', { class: 'called-row', 'data-booking': c.bookingId }, [
      K.el('div', { class: 'row' }, [
        K.el('span', { class: 'plate grow', text: c.plate }),
        K.el('span', { class: 'lane', text: '→ ' + (laneName[c.laneId] || '') }),
      ]),
      K.el('div', { class: 'row timers' }, [
        K.el('span', { class: 'elapsed', 'data-called-at': c.calledAt }),
        timeout !== null
          ? K.el('span', { class: 'deadline', 'data-deadline': String(calledAt + timeout * 60000) })
          : null,
      ]),
      K.el('div', { class: 'details' }, [
        K.el('div', { class: 'muted', text: c.reference }),
        K.el('div', {}, [
          t('driver') + ': ' + c.driverName + ' · ',
          K.el('a', { href: 'tel:' + c.driverPhone, class: 'phone', text: c.driverPhone }),
        ]),
        K.el('div', { text: t('firm') + ': ' + c.firmName }),
        K.el('div', { text: t('cargo') + ': ' + c.cargoDescription }),
        greenBadge(c),
      ]),
      K.el(
        'div',
        { class: 'row outcomes' },
        pending[key] || asking[key]
          ? [noShow]
          : [outcomeBtn(c, 'complete', t('complete'), 'done'), outcomeBtn(c, 'skip', t('skip')), noShow],
      ),
    ]);
  }

  /** Trucks the lane completed that the yard has not confirmed: a truck that stays here long went astray. */
  function toYardList(dir, laneName) {
    var v = yard[dir];
    var gone = v
      ? v.called.filter(function (c) {
          return c.status === 'completed';
        })
      : [];
    if (!gone.length) return [];
    return [
      K.el('h3', { text: t('toYard', { n: gone.length }) }),
      K.el(
        'ul',
        { class: 'to-yard' },
        gone.map(function (c) {
          return K.el('li', { 'data-booking': c.bookingId }, [
            K.el('span', { class: 'plate', text: c.plate }),
            ' ',
            K.el('span', {
              class: 'muted',
              text: t('leftLane', {
                lane: laneName[c.lane.id] || c.lane.name,
                at: K.hhmm(c.completedAt),
                m: t('min', { n: c.minutesSinceCall }),
              }),
            }),
          ]);
        }),
      ),
    ];
  }

  function waitingTable(entries) {
    var heads = ['thPos', 'thPlate', 'thSlot', 'thWaited', 'thDriver', 'thFirm', 'thGreen'];
    return K.el('table', { class: 'waiting' }, [
      K.el('thead', {}, [
        K.el(
          'tr',
          {},
          heads.map(function (h) {
            return K.el('th', { scope: 'col', text: t(h) });
          }),
        ),
      ]),
      K.el(
        'tbody',
        {},
        entries.map(function (e) {
          return K.el('tr', { 'data-booking': e.bookingId }, [
            K.el('td', { text: String(e.position) }),
            K.el('td', {}, [
              K.el('div', { class: 'plate', text: e.plate }),
              K.el('div', { class: 'muted', text: e.reference }),
            ]),
            K.el('td', { text: K.hhmm(e.slotStartsAt) }),
            K.el('td', { class: 'waited', 'data-waited': e.checkedInAt }),
            K.el('td', {}, [
              K.el('div', { text: e.driverName }),
              K.el('a', { href: 'tel:' + e.driverPhone, class: 'phone', text: e.driverPhone }),
            ]),
            K.el('td', {}, [
              K.el('div', { text: e.firmName }),
              K.el('div', { class: 'muted', text: e.cargoDescription }),
            ]),
            K.el('td', {}, [greenBadge(e)]),
          ]);
        }),
      ),
    ]);
  }

  function render(dir) {
    var u = state[dir] && state[dir].data;
    if (!u) return;
    var laneName = {};
    u.lanes.forEach(function (l) {
      laneName[l.id] = l.name;
    });
    forgetGone(u);
    K.fill($('dir-' + dir), [
      K.el(
        'div',
        { class: 'lanes-col' },
        [
          K.el('h2', { text: t(dir) }),
          K.el('p', { class: 'stats' }),
          K.el('div', {}, u.lanes.map(laneCard)),
          K.el('h3', { text: t('called', { n: u.called.length }) }),
          K.el(
            'div',
            { class: 'called-list' },
            u.called.map(function (c) {
              return calledRow(c, laneName, dir);
            }),
          ),
        ].concat(toYardList(dir, laneName)),
      ),
      K.el('div', { class: 'waiting-col' }, [
        K.el('h3', { text: t('waiting', { n: u.entries.length }) }),
        u.entries.length ? waitingTable(u.entries) : K.el('p', { class: 'muted', text: t('noneWaiting') }),
      ]),
    ]);
    tabs();
    tick();
    if (focusAfter) {
      var f = document.querySelector(focusAfter);
      if (f) {
        f.focus();
        focusAfter = null;
      }
    }
  }

  /** A no-show waiting for its undo whose truck is no longer called (completed or skipped elsewhere): not sent. */
  function forgetGone(u) {
    var called = {};
    u.called.forEach(function (c) {
      called['noshow:' + c.bookingId] = c;
    });
    for (var k in pending) {
      if (k.indexOf('noshow:') !== 0 || called[k] || pending[k].dir !== u.direction) continue;
      clearTimeout(pending[k].timer);
      note('gone', { plate: pending[k].plate }, 'error');
      delete pending[k];
    }
  }

  function tabs() {
    K.fill(
      $('tabs'),
      DIRS.map(function (d) {
        var u = state[d] && state[d].data;
        var label = u ? t('tab', { dir: t(d), w: u.entries.length, c: u.called.length }) : t(d);
        return K.el(
          'button',
          {
            type: 'button',
            role: 'tab',
            id: 'tab-' + d,
            'aria-selected': d === shown ? 'true' : 'false',
            'aria-controls': 'dir-' + d,
            class: d === shown ? 'tab on' : 'tab secondary',
            'data-dir': d,
            on: {
              click: function () {
                showDir(d);
              },
            },
          },
          [label],
        );
      }),
    );
    DIRS.forEach(function (d) {
      var s = $('dir-' + d);
      if (s) {
        s.hidden = d !== shown;
        s.setAttribute('role', 'tabpanel');
        s.setAttribute('aria-labelledby', 'tab-' + d);
      }
    });
  }

  function showDir(d) {
    shown = d;
    K.store(DIR, d);
    tabs();
  }

  /** The words in the HTML, the title and everything drawn, in `lang`. */
  function relabel() {
    K.relabel(T, lang, t);
    if (loginNote) K.message($('loginMsg'), t(loginNote), 'error');
    $('title').textContent = port ? t('titlePort', { port: port }) : t('title');
    document.title = 'Kouan · ' + $('title').textContent;
    msg.again();
    paint();
    tabs();
    DIRS.forEach(render);
    renderForecast();
  }

  function setLang(l) {
    lang = l;
    K.store(LANG, l);
    relabel();
  }

  function openPort(code) {
    dropPending();
    port = code;
    yard = {};
    K.store(PORT, code);
    K.dirSections($('dirs'), DIRS, state);
    relabel();
    if (socket) socket.close();
    socket = K.sessionLive(sess, paint, ended);
    K.show('live', true);
    socket.on('connect', function () {
      // Port admins have no port of their own: subscribing gives them the staff view of the port they picked.
      if (me.role === 'port_admin')
        DIRS.forEach(function (d) {
          socket.emit('subscribe', { port: port, direction: d });
        });
      DIRS.forEach(reload);
      DIRS.forEach(loadYard);
      loadPort(code);
    });
    socket.on('queue:update', apply);
    socket.on('lane:update', function (l) {
      if (l.port === port) DIRS.forEach(reload);
    });
    socket.on('yard:update', applyYard);
    DIRS.forEach(reload);
    DIRS.forEach(loadYard);
    loadPort(code);
  }

  async function start() {
    me = K.claims(sess.token());
    if (!me || (me.role !== 'port_staff' && me.role !== 'port_admin')) return logout('staffOnly');
    loginNote = null;
    K.show('login', false);
    K.show('console', true);
    K.show('logout', true);
    K.message($('loginMsg'), '');
    if (me.role === 'port_staff') return openPort(me.port);
    var ports;
    try {
      ports = await call('GET', '/ports');
    } catch (e) {
      return;
    }
    K.fill(
      $('port'),
      ports.map(function (p) {
        return K.el('option', { value: p.code, text: p.name + ' (' + p.code + ')' });
      }),
    );
    K.show('portPick', true);
    var saved = K.load(PORT);
    var pick = ports.some(function (p) {
      return p.code === saved;
    })
      ? saved
      : ports[0] && ports[0].code;
    $('port').value = pick;
    if (pick) openPort(pick);
  }

  /** Checks a truck in; a plate on bookings of several firms lists them, and the officer picks one. */
  function checkIn(button, body) {
    K.show('candidates', false);
    act(
      button,
      'POST',
      '/ports/' + port + '/check-ins',
      body,
      function (r) {
        $('plate').value = '';
        var p = r.parking || {};
        var where = p.overflow
          ? word('overflow')
          : p.bay !== null && p.bay !== undefined
            ? word('bay', { area: p.areaName || '', bay: p.bay })
            : '';
        note('msgCheckedIn', { plate: body.plate, n: r.position, where: where }, 'ok');
      },
      function (e) {
        if (e.code !== 'ambiguous_plate' || !Array.isArray(e.body.candidates)) return;
        K.fill(
          $('candidates'),
          [K.el('p', { text: t('whichBooking') })].concat(
            e.body.candidates.map(function (c) {
              return K.el(
                'button',
                {
                  type: 'button',
                  class: 'secondary candidate',
                  'data-booking': c.bookingId,
                  on: {
                    click: function (ev) {
                      checkIn(ev.target, { plate: body.plate, bookingId: c.bookingId });
                    },
                  },
                },
                [c.firmName + ' · ' + c.reference],
              );
            }),
          ),
        );
        K.show('candidates', true);
      },
    );
  }

  /** The first open lane of the direction shown. */
  function callFirstOpen() {
    var u = state[shown] && state[shown].data;
    var lane =
      u &&
      u.lanes.filter(function (l) {
        return l.status === 'open';
      })[0];
    if (!lane) return note('noOpenLane', { dir: word(shown) }, 'error');
    var button = document.querySelector('#dir-' + shown + ' [data-lane="' + lane.id + '"] button.call');
    callNext(button, lane);
  }

  /** Shortcuts work on the console only, and never while the officer types in a box or holds a modifier. */
  function onKey(ev) {
    if (!ev.key || $('console').hidden || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    var target = ev.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    var actions = {
      n: callFirstOpen,
      '/': function () {
        $('plate').focus();
      },
      e: function () {
        showDir('export');
      },
      i: function () {
        showDir('import');
      },
      u: undoLast,
      l: function () {
        setLang(lang === 'zh' ? 'en' : 'zh');
      },
      Escape: unask,
    };
    if (!actions[key]) return;
    ev.preventDefault();
    actions[key]();
  }

  $('port').addEventListener('change', function () {
    openPort(this.value);
  });
  K.passwordLogin(
    sess,
    async function () {
      await start();
      // What the officer did while the session had ended goes now (the same officer only), and the views follow it.
      var sent = await call.resume();
      if (sent) {
        note('keptSent', { n: sent }, 'ok');
        DIRS.forEach(reload);
      }
    },
    function (e) {
      return e.status === 401
        ? t('wrongLogin')
        : e.status === 429
          ? t('tooManyLogins')
          : e.status === 0
            ? t('noServer')
            : e.message;
    },
  );
  $('checkin').addEventListener('submit', function (ev) {
    ev.preventDefault();
    checkIn(/** @type {HTMLFormElement} */ (ev.target).querySelector('button'), { plate: $('plate').value.trim() });
  });
  $('logout').addEventListener('click', function () {
    logout();
  });
  $('lang').addEventListener('click', function () {
    setLang(lang === 'zh' ? 'en' : 'zh');
  });
  document.addEventListener('keydown', onKey);
  // Leaving the page drops what waits for its undo: ask first, so a confirmed no-show is not lost unnoticed.
  window.addEventListener('beforeunload', function (ev) {
    if (Object.keys(pending).length) {
      ev.preventDefault();
      ev.returnValue = '';
    }
  });
  setInterval(tick, 1000);

  relabel();
  if (sess.token()) start();
  else K.show('login', true);
})();
