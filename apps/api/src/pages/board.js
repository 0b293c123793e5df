/* /board/:port — the public board: lanes, called trucks and the waiting line, masked plates only. */
'use strict';
(function () {
  var $ = K.$;
  var MAX_ROWS = 40;
  var code = decodeURIComponent(location.pathname.split('/')[2] || '').toUpperCase();
  var only = new URLSearchParams(location.search).get('direction');
  var dirs = only === 'export' || only === 'import' ? [only] : ['export', 'import'];
  var NAMES = { export: 'Export · 出境', import: 'Import · 入境' };
  var STATUS = { open: 'open 开', paused: 'paused 暂停', closed: 'closed 关' };
  var state = {}; // direction → {version, data}
  var lastAt = 0;
  var socket = null;
  var paint = K.liveBadge($('live'), function () { return socket; }, function () { return lastAt; }, { live: 'Live 实时', offline: 'Offline 离线', ago: 'ago' });

  function error(text) { K.message($('msg'), text, 'error'); }

  /**
   * Newer versions only (K.follow): the HTTP answer and the socket snapshot race, and a reconnect may replay old
   * state. A change arrives as a delta; one that does not follow what is shown means some were missed: read again.
   */
  function apply(u) {
    if (!u || u.port !== code) return;
    var kept = K.follow(state, u);
    if (kept === 'gap') return load(u.direction);
    if (!kept) return;
    lastAt = Date.now();
    render(u.direction);
    paint();
  }

  function render(dir) {
    var u = state[dir].data;
    var box = $('dir-' + dir);
    if (!u) return;
    var laneName = {};
    u.lanes.forEach(function (l) { laneName[l.id] = l.name; });
    var now = Date.now();
    var rows = u.entries.slice(0, MAX_ROWS).map(function (e) {
      return K.el('tr', {}, [
        K.el('td', { class: 'pos', text: String(e.position) }),
        K.el('td', { class: 'plate', text: e.plateMasked }),
        K.el('td', { text: K.hhmm(e.slotStartsAt) }),
        K.el('td', {}, [e.priority ? K.el('span', { class: 'prio', title: 'perishable / green channel', text: '★ 绿色通道' }) : null]),
      ]);
    });
    K.fill(box, [
      K.el('h2', { text: NAMES[dir] }),
      K.el('div', { class: 'lanes' }, u.lanes.map(function (l) {
        return K.el('div', { class: 'lane', 'data-lane': l.id }, [l.name + ' ', K.el('span', { class: 'pill ' + l.status, text: STATUS[l.status] || l.status })]);
      })),
      K.el('div', {}, u.called.map(function (c) {
        return K.el('div', { class: 'called' }, [K.el('div', { class: 'go' }, [
          K.el('span', { class: 'plate', text: c.plateMasked }),
          K.el('span', { text: '→ ' + (laneName[c.laneId] || '') }),
          K.el('span', { class: 'sub', text: K.age(now - Date.parse(c.calledAt)) }),
        ])]);
      })),
      u.entries.length
        ? K.el('table', {}, [
          K.el('thead', {}, [K.el('tr', {}, [K.el('th', { text: '#' }), K.el('th', { text: 'Plate 车牌' }), K.el('th', { text: 'Slot 时段' }), K.el('th', { text: '' })])]),
          K.el('tbody', {}, rows),
        ])
        : K.el('div', { class: 'empty', text: 'No trucks waiting · 无车辆等候' }),
      u.entries.length > MAX_ROWS ? K.el('div', { class: 'more', text: '+' + (u.entries.length - MAX_ROWS) + ' more 更多' }) : null,
    ]);
  }

  function tick() {
    var d = new Date(Date.now() + 8 * 3600e3);
    $('clock').textContent = d.toISOString().slice(11, 16);
  }

  async function init() {
    tick();
    setInterval(tick, 10000);
    // Called-since times age with the clock, not only with updates.
    setInterval(function () { dirs.forEach(render); }, 30000);
    if (!/^[A-Z0-9-]{2,32}$/.test(code)) return error('Unknown port');
    K.dirSections($('board'), dirs, state);
    try {
      var port = await K.api('GET', '/ports/' + encodeURIComponent(code));
      $('title').textContent = port.name + (port.counterpart ? ' ⇄ ' + port.counterpart : '');
      document.title = port.name + ' · Kouan';
    } catch (e) {
      return error(e.message);
    }
    socket = K.live(null, paint);
    socket.on('connect', function () {
      // Joining (again, after a reconnect) answers with the current state of each direction.
      dirs.forEach(function (d) {
        socket.emit('subscribe', { port: code, direction: d }, function (ack) { if (ack && !ack.ok) error(ack.error); });
      });
    });
    socket.on('queue:update', apply);
    socket.on('lane:update', function (l) {
      dirs.forEach(function (d) {
        var u = state[d].data;
        if (!u) return;
        u.lanes.forEach(function (x) { if (x.id === l.laneId) { x.status = l.status; render(d); } });
      });
    });
    await Promise.all(dirs.map(load));
  }

  async function load(dir) {
    try { apply(await K.api('GET', '/ports/' + code + '/queue?direction=' + dir)); } catch (e) { error(e.message); }
  }
  init();
})();
