/* /staff — the lane console: open, pause and close lanes, call the next truck, record outcomes, check in plates. */
'use strict';
(function () {
  var $ = K.$;
  var TOKEN = 'kouan.staff.token';
  var PORT = 'kouan.staff.port';
  var DIRS = ['export', 'import'];
  var token = K.load(TOKEN);
  var me = null; // token claims
  var port = null;
  var state = {}; // direction → {version, data}
  var lastAt = 0;
  var socket = null;
  var paint = K.liveBadge($('live'), function () { return socket; }, function () { return lastAt; }, { live: 'Live', offline: 'Offline', ago: 'ago' });

  function say(text, kind) { K.message($('msg'), text, kind); }

  function logout(reason) {
    if (socket) { socket.close(); socket = null; }
    token = null; me = null;
    K.store(TOKEN, null);
    K.show('console', false); K.show('logout', false); K.show('live', false); K.show('login', true);
    K.message($('loginMsg'), reason || '', 'error');
  }

  /** Runs an API call; a 401 logs out, any other error shows the API's message. */
  var call = K.caller(function () { return token; }, logout, say);

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
    try { apply(await call('GET', '/ports/' + port + '/queue/staff?direction=' + dir)); } catch (e) { /* shown */ }
  }

  async function act(button, method, path, body, done, failed) {
    button.disabled = true;
    try {
      var res = await call(method, path, body);
      if (done) say(done(res), 'ok');
    } catch (e) { /* shown */ if (failed) failed(e); } finally {
      button.disabled = false;
      // The socket brings the change too; reading it back keeps the console right when the socket is down.
      DIRS.forEach(reload);
    }
  }

  function laneCard(l) {
    var statusBtn = function (status, label) {
      return K.el('button', { type: 'button', class: 'secondary', disabled: l.status === status ? 'disabled' : null, 'data-status': status,
        on: { click: function (ev) { act(ev.target, 'POST', '/ports/' + port + '/lanes/' + l.id + '/status', { status: status }, function () { return l.name + ': ' + status; }); } } }, [label]);
    };
    return K.el('div', { class: 'lane-card', 'data-lane': l.id }, [
      K.el('div', { class: 'row' }, [K.el('span', { class: 'name grow', text: l.name }), K.el('span', { class: 'pill ' + l.status, text: l.status })]),
      K.el('div', { class: 'row' }, [
        K.el('button', { type: 'button', class: 'call grow', disabled: l.status !== 'open' ? 'disabled' : null,
          on: { click: function (ev) {
            act(ev.target, 'POST', '/ports/' + port + '/lanes/' + l.id + '/call-next', undefined, function (r) { return 'Called ' + r.plate + ' (' + r.reference + ') → ' + l.name; });
          } } }, ['Call next']),
        statusBtn('open', 'Open'), statusBtn('paused', 'Pause'), statusBtn('closed', 'Close'),
      ]),
    ]);
  }

  function outcome(c, what, label, cls) {
    return K.el('button', { type: 'button', class: cls || 'secondary', on: { click: function (ev) {
      act(ev.target, 'POST', '/bookings/' + c.bookingId + '/' + what, undefined, function (r) { return c.plate + ': ' + r.status; });
    } } }, [label]);
  }

  function render(dir) {
    var u = state[dir].data;
    if (!u) return;
    var laneName = {};
    u.lanes.forEach(function (l) { laneName[l.id] = l.name; });
    K.fill($('dir-' + dir), [
      K.el('h2', { text: dir === 'export' ? 'Export' : 'Import' }),
      K.el('div', {}, u.lanes.map(laneCard)),
      K.el('h3', { text: 'Called (' + u.called.length + ')' }),
      K.el('div', { class: 'called-list' }, u.called.map(function (c) {
        return K.el('div', { class: 'called-row', 'data-booking': c.bookingId }, [
          K.el('div', { class: 'row' }, [
            K.el('span', { class: 'plate grow', text: c.plate }),
            K.el('span', { text: '→ ' + (laneName[c.laneId] || '') + ' · ' + K.age(Date.now() - Date.parse(c.calledAt)) }),
          ]),
          K.el('div', { class: 'muted', text: c.reference }),
          K.el('div', { class: 'row' }, [outcome(c, 'complete', 'Complete', 'done'), outcome(c, 'skip', 'Skip'), outcome(c, 'no-show', 'No-show', 'noshow')]),
        ]);
      })),
      K.el('h3', { text: 'Waiting (' + u.entries.length + ')' }),
      u.entries.length ? K.el('table', { class: 'waiting' }, [
        K.el('thead', {}, [K.el('tr', {}, ['#', 'Plate', 'Reference', 'Slot', ''].map(function (h) { return K.el('th', { text: h }); }))]),
        K.el('tbody', {}, u.entries.map(function (e) {
          return K.el('tr', { 'data-booking': e.bookingId }, [
            K.el('td', { text: String(e.position) }), K.el('td', { class: 'plate', text: e.plate }), K.el('td', { class: 'muted', text: e.reference }),
            K.el('td', { text: K.hhmm(e.slotStartsAt) }), K.el('td', {}, [e.priority ? K.el('span', { class: 'prio', text: '★ green' }) : null]),
          ]);
        })),
      ]) : K.el('p', { class: 'muted', text: 'No trucks waiting.' }),
    ]);
  }

  function openPort(code) {
    port = code;
    K.store(PORT, code);
    $('title').textContent = 'Lane console · ' + code;
    K.dirSections($('dirs'), DIRS, state);
    if (socket) socket.close();
    socket = K.live({ token: token }, paint);
    K.show('live', true);
    socket.on('connect', function () {
      // Port admins have no port of their own: subscribing gives them the staff view of the port they picked.
      if (me.role === 'port_admin') DIRS.forEach(function (d) { socket.emit('subscribe', { port: port, direction: d }); });
      DIRS.forEach(reload);
    });
    socket.on('connect_error', function (e) { if (socket && !socket.active) logout(e.message); });
    socket.on('queue:update', apply);
    socket.on('lane:update', function (l) { if (l.port === port) DIRS.forEach(reload); });
    DIRS.forEach(reload);
  }

  async function start() {
    me = K.claims(token);
    if (!me || (me.role !== 'port_staff' && me.role !== 'port_admin')) return logout('This console is for port staff. Firms use /firm.');
    K.show('login', false); K.show('console', true); K.show('logout', true);
    K.message($('loginMsg'), '');
    if (me.role === 'port_staff') return openPort(me.port);
    var ports;
    try { ports = await call('GET', '/ports'); } catch (e) { return; }
    K.fill($('port'), ports.map(function (p) { return K.el('option', { value: p.code, text: p.name + ' (' + p.code + ')' }); }));
    K.show('portPick', true);
    var saved = K.load(PORT);
    var pick = ports.some(function (p) { return p.code === saved; }) ? saved : ports[0] && ports[0].code;
    $('port').value = pick;
    if (pick) openPort(pick);
  }

  $('port').addEventListener('change', function () { openPort(this.value); });
  K.passwordLogin(function (accessToken) {
    token = accessToken;
    K.store(TOKEN, token);
    return start();
  });
  /** Checks a truck in; a plate on bookings of several firms lists them, and the officer picks one. */
  function checkIn(button, body) {
    K.show('candidates', false);
    act(button, 'POST', '/ports/' + port + '/check-ins', body, function (r) {
      $('plate').value = '';
      var p = r.parking || {};
      return body.plate + ' checked in: position ' + r.position + (p.overflow ? ', overflow (wait outside)' : p.bay !== null && p.bay !== undefined ? ', ' + (p.areaName || '') + ' bay ' + p.bay : '');
    }, function (e) {
      if (e.code !== 'ambiguous_plate' || !Array.isArray(e.body.candidates)) return;
      K.fill($('candidates'), [K.el('p', { text: 'Which booking is this truck? Check the papers, then pick:' })].concat(e.body.candidates.map(function (c) {
        return K.el('button', { type: 'button', class: 'secondary candidate', 'data-booking': c.bookingId,
          on: { click: function (ev) { checkIn(ev.target, { plate: body.plate, bookingId: c.bookingId }); } } }, [c.firmName + ' · ' + c.reference]);
      })));
      K.show('candidates', true);
    });
  }

  $('checkin').addEventListener('submit', function (ev) {
    ev.preventDefault();
    checkIn(ev.target.querySelector('button'), { plate: $('plate').value.trim() });
  });
  $('logout').addEventListener('click', function () { logout(); });

  if (token) start(); else K.show('login', true);
})();
