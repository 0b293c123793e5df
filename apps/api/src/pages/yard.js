/*
 * /yard — the yard console: the trucks called onto a lane (and those its lane let go) in call order, each with an
 * Arrived button, and the next ones in line with their ETAs; live through yard:update. In Chinese and English.
 */
'use strict';
(function () {
  var $ = K.$;
  var SESSION = 'kouan.yard.session';
  var LANG = 'kouan.yard.lang';
  var DIRS = ['export', 'import'];

  var T = {
    en: {
      title: 'Kouan yard console',
      titlePort: 'Yard · {port}',
      email: 'Email',
      password: 'Password',
      login: 'Log in',
      logout: 'Log out',
      langName: 'English',
      langLabel: 'Language',
      live: 'Live',
      offline: 'Offline',
      ago: 'ago',
      export: 'Export',
      import: 'Import',
      called: 'Coming to the yard ({n})',
      noneCalled: 'No truck is on its way.',
      next: 'Next in line ({n})',
      noneNext: 'No trucks waiting.',
      atLane: 'called',
      leftLane: 'left its lane',
      since: '{m} min since call',
      arrived: 'Arrived',
      thPos: '#',
      thPlate: 'Plate',
      thRef: 'Reference',
      thEta: 'ETA',
      eta: '~{m} min',
      noEta: 'no open lane',
      msgArrived: '{plate} arrived at the yard.',
      msgAlready: '{plate} was confirmed already.',
      yardOnly: 'This console is for yard and port staff of one port.',
      sessionEnded: 'Your session has ended. Please sign in again.',
      sessionEndedKept: 'Your session has ended. Sign in again and what you just did will be sent.',
      keptSent: 'Sent after signing in again: {n} action(s).',
      wrongLogin: 'Wrong email or password.',
      tooManyLogins: 'Too many sign-in attempts. Wait a few minutes and try again.',
      noNetwork: 'No network connection',
      noServer: 'Cannot reach the server',
    },
    zh: {
      title: '口岸堆场控制台',
      titlePort: '堆场 · {port}',
      email: '邮箱',
      password: '密码',
      login: '登录',
      logout: '退出',
      langName: '中文',
      langLabel: '语言',
      live: '实时',
      offline: '离线',
      ago: '前',
      export: '出境',
      import: '入境',
      called: '正在前往堆场（{n}）',
      noneCalled: '没有正在前往的车辆。',
      next: '即将叫号（{n}）',
      noneNext: '没有等待的车辆。',
      atLane: '已叫号',
      leftLane: '已离开车道',
      since: '叫号后 {m} 分钟',
      arrived: '已到场',
      thPos: '#',
      thPlate: '车牌',
      thRef: '预约号',
      thEta: '预计',
      eta: '约 {m} 分钟',
      noEta: '无开放车道',
      msgArrived: '{plate} 已到达堆场。',
      msgAlready: '{plate} 已确认过到场。',
      yardOnly: '此控制台仅供单个口岸的堆场和口岸工作人员使用。',
      sessionEnded: '登录已失效，请重新登录。',
      sessionEndedKept: '登录已失效。重新登录后，将发送您刚才的操作。',
      keptSent: '重新登录后已发送 {n} 项操作。',
      wrongLogin: '邮箱或密码错误。',
      tooManyLogins: '登录尝试次数过多，请几分钟后再试。',
      noNetwork: '没有网络连接',
      noServer: '无法连接服务器',
    },
  };

  var lang = T[K.load(LANG)] ? K.load(LANG) : K.browserLang(T);

  /** The console's own words in the chosen language, with {name} filled from `args` (K.format). */
  function t(key, args) {
    return K.format(T[lang][key] || T.en[key] || key, args);
  }

  var sess = K.session(SESSION);
  var loginNote = null; // the key of what the sign-in form says, worded again after a change of language
  var port = null;
  /** @type {Record<string, YardUpdate | null>} */
  var views = {}; // direction → the latest yard view kept
  var lastAt = 0;
  var socket = null;
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
    loginNote = key || null;
    K.show('console', false);
    K.show('logout', false);
    K.show('live', false);
    K.show('login', true);
    K.message($('loginMsg'), key ? t(key) : '', 'error');
  }

  function logout(key) {
    sess.end();
    showLogin(key);
  }

  /** The session has really ended: sign in again (an arrival confirmed meanwhile is sent then, K.caller). */
  function ended() {
    showLogin(call.pending() ? 'sessionEndedKept' : 'sessionEnded');
  }

  /** Runs an API call; a 401 renews the session or ends it, a 409 is the caller's, any other error is said (K.messages). */
  var call = K.caller(sess, ended, function (e) {
    if (e.status !== 409) msg.fail(e);
  });

  /**
   * Keeps a yard view if it is for this port and read after the one kept: the HTTP answer and yard:update race, and
   * each is whole, so the later read wins.
   * @param {YardUpdate} u
   */
  function apply(u) {
    if (!u || u.port !== port || DIRS.indexOf(u.direction) < 0) return;
    var kept = views[u.direction];
    if (kept && Date.parse(kept.at) > Date.parse(u.at)) return;
    views[u.direction] = u;
    lastAt = Date.now();
    render(u.direction);
    paint();
  }

  async function reload(dir) {
    try {
      apply(await call('GET', '/ports/' + port + '/yard?direction=' + dir));
    } catch (e) {
      /* shown */
    }
  }

  /** The yard confirms a truck: it leaves the list (a second confirmation elsewhere is said as such). */
  async function arrived(button, c, dir) {
    button.disabled = true;
    try {
      await call('POST', '/bookings/' + c.bookingId + '/yard-arrival');
      note('msgArrived', { plate: c.plate }, 'ok');
    } catch (e) {
      if (e.status === 409 && e.code === 'conflict') note('msgAlready', { plate: c.plate }, 'ok');
      else if (e.status === 409) msg.say(e.message, 'error');
    } finally {
      button.disabled = false;
      reload(dir);
    }
  }

  function minutesSince(iso) {
    return Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
  }

  function calledRow(c, dir) {
    return K.el(
      'div',
      { class: 'called-row' + (c.status === 'completed' ? ' left' : ''), 'data-booking': c.bookingId },
      [
        K.el('div', { class: 'row' }, [
          K.el('span', { class: 'plate grow', text: c.plate }),
          K.el('span', { class: 'lane', text: c.lane.name }),
        ]),
        K.el('div', { class: 'row' }, [
          K.el('span', { class: 'pill', text: t(c.status === 'completed' ? 'leftLane' : 'atLane') }),
          K.el('span', {
            class: 'since grow',
            'data-called-at': c.calledAt,
            text: t('since', { m: minutesSince(c.calledAt) }),
          }),
          K.el('span', { class: 'muted', text: c.reference }),
          K.el(
            'button',
            {
              type: 'button',
              class: 'arrived',
              on: {
                click: function (ev) {
                  arrived(ev.currentTarget, c, dir);
                },
              },
            },
            [t('arrived')],
          ),
        ]),
      ],
    );
  }

  function nextTable(next) {
    return K.el('table', { class: 'next' }, [
      K.el('thead', {}, [
        K.el('tr', {}, [
          K.el('th', { scope: 'col', text: t('thPos') }),
          K.el('th', { scope: 'col', text: t('thPlate') }),
          K.el('th', { scope: 'col', text: t('thRef') }),
          K.el('th', { scope: 'col', text: t('thEta') }),
        ]),
      ]),
      K.el(
        'tbody',
        {},
        next.map(function (n) {
          return K.el('tr', { 'data-booking': n.bookingId }, [
            K.el('td', { text: String(n.position) }),
            K.el('td', { class: 'plate', text: n.plate }),
            K.el('td', { text: n.reference }),
            K.el('td', { class: 'eta', text: n.etaMinutes === null ? t('noEta') : t('eta', { m: n.etaMinutes }) }),
          ]);
        }),
      ),
    ]);
  }

  function render(dir) {
    var section = $('dir-' + dir);
    if (!section) return;
    var u = views[dir];
    K.fill(section, [
      K.el('h2', { text: t(dir) }),
      K.el('h3', { text: t('called', { n: u ? u.called.length : 0 }) }),
      u && u.called.length
        ? K.el(
            'div',
            { class: 'called-list' },
            u.called.map(function (c) {
              return calledRow(c, dir);
            }),
          )
        : K.el('p', { class: 'muted', text: t('noneCalled') }),
      K.el('h3', { text: t('next', { n: u ? u.next.length : 0 }) }),
      u && u.next.length ? nextTable(u.next) : K.el('p', { class: 'muted', text: t('noneNext') }),
    ]);
  }

  /** Minutes since each call go on between updates. */
  function tick() {
    document.querySelectorAll('[data-called-at]').forEach(function (n) {
      n.textContent = t('since', { m: minutesSince(n.getAttribute('data-called-at')) });
    });
  }

  /** The words in the HTML, the title and everything drawn, in `lang`. */
  function relabel() {
    K.relabel(T, lang, t);
    $('title').textContent = port ? t('titlePort', { port: port }) : t('title');
    document.title = 'Kouan · ' + $('title').textContent;
    if (loginNote) K.message($('loginMsg'), t(loginNote), 'error');
    msg.again();
    paint();
    DIRS.forEach(render);
  }

  function setLang(l) {
    lang = l;
    K.store(LANG, l);
    relabel();
  }

  /** Yard and lane staff have one port (port admins have none: they use /staff). */
  function start() {
    var me = K.claims(sess.token());
    if (!me || (me.role !== 'yard_staff' && me.role !== 'port_staff') || !me.port) return logout('yardOnly');
    loginNote = null;
    K.show('login', false);
    K.show('console', true);
    K.show('logout', true);
    K.show('live', true);
    K.message($('loginMsg'), '');
    port = me.port;
    views = {};
    K.fill(
      $('dirs'),
      DIRS.map(function (d) {
        return K.el('section', { class: 'dir', id: 'dir-' + d });
      }),
    );
    relabel();
    if (socket) socket.close();
    socket = K.sessionLive(sess, paint, ended);
    // Each (re)connection reads both views whole: what changed while away is in them.
    socket.on('connect', function () {
      DIRS.forEach(reload);
    });
    socket.on('yard:update', apply);
    // A lane opened, paused or closed moves the next trucks' ETAs, which no truck event announces.
    socket.on('lane:update', function () {
      DIRS.forEach(reload);
    });
  }

  K.passwordLogin(
    sess,
    async function () {
      start();
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
  $('logout').addEventListener('click', function () {
    logout();
  });
  $('lang').addEventListener('click', function () {
    setLang(lang === 'zh' ? 'en' : 'zh');
  });
  setInterval(tick, 10000);

  relabel();
  if (sess.token()) start();
  else K.show('login', true);
})();
