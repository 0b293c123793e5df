/* /firm — a firm's bookings of one day, with their live state; and a small form to book a slot. */
'use strict';
(function () {
  var $ = K.$;
  var T = {
    en: {
      title: 'Kouan · Bookings',
      logout: 'Log out',
      email: 'Email',
      password: 'Password',
      login: 'Log in',
      day: 'Day (port time)',
      newBooking: 'New booking',
      dayShort: 'Day',
      port: 'Port',
      direction: 'Direction',
      slot: 'Slot',
      vehicle: 'Vehicle',
      driver: 'Driver',
      cargo: 'Cargo',
      hs: 'HS code',
      kg: 'Weight (kg)',
      decl: 'Declaration no. (optional)',
      perishable: 'Perishable',
      book: 'Book',
      webhooks: 'Webhooks',
      webhooksHelp: "Kouan POSTs the booking events you pick to your system, signed with the endpoint's secret.",
      hookUrl: 'Receiver URL',
      addHook: 'Add webhook',
      reference: 'Reference',
      status: 'Status',
      queue: 'Queue',
      none: 'No bookings on',
      cancel: 'Cancel',
      reschedule: 'Reschedule',
      newCode: 'New driver code',
      move: 'Move',
      confirmCancel: 'Cancel',
      cancelled: 'cancelled',
      moved: 'moved to',
      codeFor: 'New driver code for',
      shareLink: 'send the driver this link:',
      noSlot: 'No free slot on that day.',
      booked: 'booked',
      checked_in: 'checked in',
      called: 'called',
      completed: 'completed',
      no_show: 'no show',
      min: 'min',
      free: 'free',
      live: 'Live',
      offline: 'Offline',
      ago: 'ago',
      fleet: 'Vehicles and drivers',
      plate: 'Plate',
      country: 'Country',
      reefer: 'Reefer',
      addVehicle: 'Add vehicle',
      name: 'Name',
      phone: 'Phone',
      licence: 'Licence no.',
      language: 'Language',
      addDriver: 'Add driver',
      edit: 'Edit',
      save: 'Save',
      saved: 'Saved',
      bookedMsg: 'Booked',
      codeOnce: 'give the driver this code (shown once):',
      sessionEnded: 'Your session has ended. Please sign in again.',
      sessionEndedKept: 'Your session has ended. Sign in again and what you just did will be sent.',
      keptSent: 'Sent after signing in again.',
      wrongLogin: 'Wrong email or password.',
      tooManyLogins: 'Too many sign-in attempts. Wait a few minutes and try again.',
    },
    zh: {
      title: '口岸 · 预约',
      logout: '退出',
      email: '邮箱',
      password: '密码',
      login: '登录',
      day: '日期（口岸时间）',
      newBooking: '新预约',
      dayShort: '日期',
      port: '口岸',
      direction: '方向',
      slot: '时段',
      vehicle: '车辆',
      driver: '司机',
      cargo: '货物',
      hs: 'HS 编码',
      kg: '重量（公斤）',
      decl: '报关单号（可选）',
      perishable: '易腐',
      book: '预约',
      webhooks: 'Webhook 推送',
      webhooksHelp: '口岸会把您选择的预约事件推送到贵司系统，并用该端点的密钥签名。',
      hookUrl: '接收地址',
      addHook: '添加 Webhook',
      reference: '预约号',
      status: '状态',
      queue: '排队',
      none: '此日无预约：',
      cancel: '取消',
      reschedule: '改期',
      newCode: '新司机码',
      move: '改到此时段',
      confirmCancel: '取消预约',
      cancelled: '已取消',
      moved: '已改到',
      codeFor: '新司机码：',
      shareLink: '请把此链接发给司机：',
      noSlot: '当天没有空闲时段。',
      booked: '已预约',
      checked_in: '已签到',
      called: '已叫号',
      completed: '已完成',
      no_show: '未到',
      min: '分钟',
      free: '空余',
      live: '实时',
      offline: '离线',
      ago: '前',
      fleet: '车辆与司机',
      plate: '车牌',
      country: '国家',
      reefer: '冷藏车',
      addVehicle: '添加车辆',
      name: '姓名',
      phone: '电话',
      licence: '驾照号',
      language: '语言',
      addDriver: '添加司机',
      edit: '编辑',
      save: '保存',
      saved: '已保存',
      bookedMsg: '已预约',
      codeOnce: '请把司机码交给司机（仅显示一次）：',
      sessionEnded: '登录已失效，请重新登录。',
      sessionEndedKept: '登录已失效。重新登录后，将发送您刚才的操作。',
      keptSent: '重新登录后已发送。',
      wrongLogin: '邮箱或密码错误。',
      tooManyLogins: '登录尝试次数过多，请几分钟后再试。',
    },
  };
  var LANG = 'kouan.firm.lang';
  var lang = K.load(LANG) || (/^zh/i.test(navigator.language || '') ? 'zh' : 'en');
  function t(k) {
    return T[lang][k] || T.en[k] || k;
  }
  var SESSION = 'kouan.firm.session';
  var PORT_KEY = 'kouan.firm.port';
  var sess = K.session(SESSION);
  var loginNote = null; // the key of what the sign-in form says, worded again after a change of language
  var socket = null;
  var bookings = [];
  var live = {}; // bookingId → last booking:update
  var lastAt = 0;
  var reloadTimer = null;
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

  function applyLang() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-t]').forEach(function (n) {
      n.textContent = t(n.getAttribute('data-t'));
    });
    $('langBtn').textContent = lang === 'zh' ? 'English' : '中文';
    if (sess.token()) render();
    if (sess.token() && K.claims(sess.token())) {
      vehicles();
      drivers();
    }
    if (loginNote) K.message($('loginMsg'), t(loginNote), 'error');
    paint();
  }

  function say(text, kind) {
    K.message($('msg'), text, kind);
  }

  /** The sign-in form instead of the dashboard, saying `key` (a word of T) or `text` if given. */
  function showLogin(key, text) {
    if (socket) {
      socket.close();
      socket = null;
    }
    loginNote = key || null;
    K.show('dash', false);
    K.show('logout', false);
    K.show('live', false);
    K.show('login', true);
    K.message($('loginMsg'), key ? t(key) : text || '', 'error');
  }

  function logout(text) {
    sess.end();
    showLogin(null, text);
  }

  /** The session has really ended: sign in again (a change made meanwhile is sent then, K.caller). */
  function ended() {
    showLogin(call.pending() ? 'sessionEndedKept' : 'sessionEnded');
  }

  var call = K.caller(sess, ended, function (e) {
    say(e.message, 'error');
  });

  function queueText(u) {
    if (!u) return '';
    if (u.status === 'called' && u.lane) return '→ ' + u.lane.name;
    if (u.position !== null && u.position !== undefined)
      return (
        '#' +
        u.position +
        (u.etaMinutes !== null ? ' · ~' + u.etaMinutes + ' min' : u.reason ? ' · ' + u.reason.replace('_', ' ') : '')
      );
    return '';
  }

  function render() {
    if (!bookings.length)
      return K.fill($('list'), [K.el('p', { class: 'muted', text: t('none') + ' ' + $('date').value + '.' })]);
    K.fill($('list'), [
      K.el('table', { class: 'bookings' }, [
        K.el('thead', {}, [
          K.el(
            'tr',
            {},
            [t('reference'), t('slot'), t('port'), t('vehicle'), t('driver'), t('status'), t('queue'), ''].map(
              function (h) {
                return K.el('th', { text: h });
              },
            ),
          ),
        ]),
        K.el(
          'tbody',
          {},
          bookings.map(function (b) {
            var u = live[b.id];
            var status = u ? u.status : b.status;
            return K.el('tr', { 'data-booking': b.id }, [
              K.el('td', { text: b.reference }),
              K.el('td', { text: K.hhmm(b.slotStartsAt) + '–' + K.hhmm(b.slotEndsAt) }),
              K.el('td', { text: b.portCode + ' ' + b.direction }),
              K.el('td', { class: 'plate', text: b.plate }),
              K.el('td', { text: b.driverName }),
              K.el('td', {}, [K.el('span', { class: 'st ' + status, text: t(status) })]),
              K.el('td', { class: 'queue', text: queueText(u) }),
              K.el('td', { class: 'actions' }, [
                status === 'booked'
                  ? K.el(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary',
                        'data-act': 'cancel',
                        on: {
                          click: function (ev) {
                            cancel(b, ev.target);
                          },
                        },
                      },
                      [t('cancel')],
                    )
                  : null,
                status === 'booked'
                  ? K.el(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary',
                        'data-act': 'reschedule',
                        on: {
                          click: function () {
                            reschedule(b);
                          },
                        },
                      },
                      [t('reschedule')],
                    )
                  : null,
                status === 'booked' || status === 'checked_in' || status === 'called'
                  ? K.el(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary',
                        'data-act': 'code',
                        on: {
                          click: function (ev) {
                            newCode(b, ev.target);
                          },
                        },
                      },
                      [t('newCode')],
                    )
                  : null,
              ]),
            ]);
          }),
        ),
      ]),
    ]);
  }

  async function cancel(b, button) {
    if (!window.confirm(t('confirmCancel') + ' ' + b.reference + '?')) return;
    button.disabled = true;
    try {
      await call('POST', '/bookings/' + b.id + '/cancel');
      say(b.reference + ' ' + t('cancelled'), 'ok');
      await reload();
    } catch (e) {
      button.disabled = false;
    }
  }

  /** Another free slot of the same port, direction and day, picked under the booking's row. */
  async function reschedule(b) {
    try {
      var list = await call(
        'GET',
        '/bookings/slots?port=' + b.portCode + '&date=' + b.slotStartsAt.slice(0, 10) + '&direction=' + b.direction,
      );
      var open = list.filter(function (s) {
        return s.availableToYou > 0 && s.id !== b.slotId;
      });
      if (!open.length) return say(t('noSlot'), 'error');
      var select = K.el(
        'select',
        { 'aria-label': t('slot'), 'data-reschedule': b.id },
        open.map(function (s) {
          return K.el('option', {
            value: s.id,
            text: K.hhmm(s.startsAt) + '–' + K.hhmm(s.endsAt) + ' (' + s.available + ' ' + t('free') + ')',
          });
        }),
      );
      var go = K.el(
        'button',
        {
          type: 'button',
          on: {
            click: async function () {
              go.disabled = true;
              try {
                var moved = await call('POST', '/bookings/' + b.id + '/reschedule', { slotId: select.value });
                say(b.reference + ' ' + t('moved') + ' ' + K.hhmm(moved.slotStartsAt), 'ok');
                await reload();
              } catch (e) {
                go.disabled = false;
              }
            },
          },
        },
        [t('move')],
      );
      K.fill(document.querySelector('tr[data-booking="' + b.id + '"] td.actions'), [select, go]);
    } catch (e) {
      /* shown */
    }
  }

  /** A new driver code (the old one stops working) and a link that opens the driver page with the reference filled in. */
  async function newCode(b, button) {
    button.disabled = true;
    try {
      var r = await call('POST', '/bookings/' + b.id + '/driver-code');
      var link = location.origin + '/d?ref=' + encodeURIComponent(b.reference);
      say(t('codeFor') + ' ' + b.reference + ': ' + r.driverCode + ' — ' + t('shareLink') + ' ' + link, 'ok');
    } catch (e) {
      /* shown */
    } finally {
      button.disabled = false;
    }
  }

  async function reload() {
    try {
      bookings = await call('GET', '/bookings?date=' + $('date').value + '&limit=500');
      lastAt = Date.now();
      render();
      paint();
    } catch (e) {
      /* shown */
    }
  }

  function connect() {
    socket = K.sessionLive(sess, paint, ended);
    K.show('live', true);
    socket.on('booking:update', function (u) {
      live[u.bookingId] = u;
      lastAt = Date.now();
      if (
        bookings.some(function (b) {
          return b.id === u.bookingId;
        })
      )
        render();
      else {
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(reload, 500);
      }
    });
    // Updates missed while offline: read the day again.
    socket.io.on('reconnect', reload);
  }

  function start() {
    var me = K.claims(sess.token());
    if (!me || (me.role !== 'firm_admin' && me.role !== 'dispatcher'))
      return logout('This dashboard is for trucking firms. Port staff use /staff.');
    loginNote = null;
    K.show('login', false);
    K.show('dash', true);
    K.show('logout', true);
    K.message($('loginMsg'), '');
    connect();
    // Webhooks are the firm admin's: a dispatcher does not see them.
    K.show('hooks', me.role === 'firm_admin');
    if (me.role === 'firm_admin') hooks();
    vehicles();
    drivers();
    zoneOfLastPort();
    return reload();
  }

  /** "Today" is the day at the port the firm books at (its time zone from the API), not the browser's. */
  async function zoneOfLastPort() {
    try {
      var port = await K.api('GET', '/ports/' + encodeURIComponent(K.load(PORT_KEY) || 'MOHAN'));
      var today = K.portToday(port.timeZone);
      if (!dateTouched && $('date').value !== today) {
        $('date').value = today;
        await reload();
      }
    } catch (e) {
      /* the default zone (Yunnan's) stays */
    }
  }
  var dateTouched = false;

  // --- vehicles and drivers: listed, added, edited in place ---
  var LANGS = { zh: '中文', lo: 'ລາວ', vi: 'Tiếng Việt', my: 'မြန်မာ', th: 'ไทย', en: 'English' };

  /** A table whose rows turn into inputs on Edit and PATCH what changed on Save. */
  function editable(box, rows, cols, path, reloadList) {
    K.fill(box, [
      K.el('table', { class: 'fleet' }, [
        K.el('thead', {}, [
          K.el(
            'tr',
            {},
            cols
              .map(function (c) {
                return K.el('th', { text: t(c.key) });
              })
              .concat([K.el('th', { text: '' })]),
          ),
        ]),
        K.el(
          'tbody',
          {},
          rows.map(function (r) {
            var tr = K.el(
              'tr',
              { 'data-id': r.id },
              cols
                .map(function (c) {
                  return K.el('td', { text: c.show(r) });
                })
                .concat([
                  K.el('td', {}, [
                    K.el(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary',
                        on: {
                          click: function () {
                            edit(tr, r);
                          },
                        },
                      },
                      [t('edit')],
                    ),
                  ]),
                ]),
            );
            return tr;
          }),
        ),
      ]),
    ]);
    function edit(tr, r) {
      var inputs = cols.map(function (c) {
        return c.input(r);
      });
      var save = K.el(
        'button',
        {
          type: 'button',
          on: {
            click: async function () {
              var body = {};
              cols.forEach(function (c, i) {
                var v = c.value(inputs[i]);
                if (v !== c.raw(r)) body[c.key] = v;
              });
              save.disabled = true;
              try {
                await call('PATCH', path + r.id, body);
                say(t('saved'), 'ok');
                await reloadList();
              } catch (e) {
                save.disabled = false;
              }
            },
          },
        },
        [t('save')],
      );
      K.fill(
        tr,
        inputs
          .map(function (i) {
            return K.el('td', {}, [i]);
          })
          .concat([K.el('td', {}, [save])]),
      );
    }
  }
  var text = function (key) {
    return {
      key: key,
      show: function (r) {
        return r[key];
      },
      raw: function (r) {
        return r[key];
      },
      input: function (r) {
        return K.el('input', { value: r[key], 'aria-label': t(key), 'data-field': key });
      },
      value: function (i) {
        return i.value.trim();
      },
    };
  };
  var VEHICLE_COLS = [
    text('plate'),
    text('country'),
    {
      key: 'reefer',
      show: function (r) {
        return r.reefer ? '❄' : '';
      },
      raw: function (r) {
        return r.reefer;
      },
      input: function (r) {
        return K.el('input', {
          type: 'checkbox',
          checked: r.reefer ? 'checked' : null,
          'aria-label': t('reefer'),
          'data-field': 'reefer',
        });
      },
      value: function (i) {
        return i.checked;
      },
    },
  ];
  var DRIVER_COLS = [
    text('name'),
    text('phone'),
    {
      key: 'licenceNo',
      show: function (r) {
        return r.licenceNo;
      },
      raw: function (r) {
        return r.licenceNo;
      },
      input: function (r) {
        return K.el('input', { value: r.licenceNo, 'aria-label': t('licence'), 'data-field': 'licenceNo' });
      },
      value: function (i) {
        return i.value.trim();
      },
    },
    {
      key: 'language',
      show: function (r) {
        return LANGS[r.language] || r.language;
      },
      raw: function (r) {
        return r.language;
      },
      input: function (r) {
        return K.el(
          'select',
          { 'aria-label': t('language'), 'data-field': 'language' },
          Object.keys(LANGS).map(function (l) {
            return K.el('option', { value: l, text: LANGS[l], selected: l === r.language ? 'selected' : null });
          }),
        );
      },
      value: function (i) {
        return i.value;
      },
    },
  ];
  T.en.licenceNo = T.en.licence;
  T.zh.licenceNo = T.zh.licence;

  async function vehicles() {
    try {
      editable($('vehicleList'), await call('GET', '/vehicles?limit=500'), VEHICLE_COLS, '/vehicles/', vehicles);
    } catch (e) {
      /* shown */
    }
  }
  async function drivers() {
    try {
      editable($('driverList'), await call('GET', '/drivers?limit=500'), DRIVER_COLS, '/drivers/', drivers);
    } catch (e) {
      /* shown */
    }
  }
  $('vehicleForm').addEventListener('submit', async function (ev) {
    ev.preventDefault();
    try {
      await call('POST', '/vehicles', {
        plate: $('vPlate').value.trim(),
        country: $('vCountry').value.trim(),
        reefer: $('vReefer').checked,
      });
      $('vPlate').value = '';
      formLoaded = false;
      await vehicles();
    } catch (e) {
      /* shown */
    }
  });
  $('driverForm').addEventListener('submit', async function (ev) {
    ev.preventDefault();
    try {
      await call('POST', '/drivers', {
        name: $('dName').value.trim(),
        phone: $('dPhone').value.trim(),
        licenceNo: $('dLicence').value.trim(),
        language: $('dLang').value,
      });
      $('dName').value = '';
      $('dPhone').value = '';
      $('dLicence').value = '';
      formLoaded = false;
      await drivers();
    } catch (e) {
      /* shown */
    }
  });

  // --- webhooks (firm admin) ---
  var EVENTS = [
    'booking.created',
    'booking.cancelled',
    'booking.rescheduled',
    'booking.checked_in',
    'booking.called',
    'booking.requeued',
    'booking.completed',
    'booking.no_show',
    'booking.waived',
    'booking.reminder',
    'booking.yard_arrived',
  ];
  K.fill(
    $('hEvents'),
    [K.el('legend', { text: 'Events' })].concat(
      EVENTS.map(function (e) {
        return K.el('label', {}, [
          K.el('input', {
            type: 'checkbox',
            value: e,
            checked: e === 'booking.called' || e === 'booking.completed' ? 'checked' : null,
          }),
          e,
        ]);
      }),
    ),
  );

  function when(iso) {
    return iso ? new Date(iso).toLocaleString() : '';
  }

  /** Each endpoint with its state (failing, disabled: flagged) and its latest attempts. */
  async function hooks(secretFor) {
    try {
      var list = await call('GET', '/webhooks');
      var logs = await Promise.all(
        list.map(function (h) {
          return call('GET', '/webhooks/' + h.id + '/deliveries?limit=5');
        }),
      );
      K.fill(
        $('hookList'),
        list.length
          ? list.map(function (h, i) {
              var state = h.disabledAt ? 'disabled' : h.failingSince ? 'failing' : 'ok';
              return K.el('div', { class: 'hook ' + state, 'data-hook': h.id }, [
                K.el('div', { class: 'row' }, [
                  K.el('strong', { class: 'grow', text: h.url }),
                  K.el(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary',
                      on: {
                        click: function (ev) {
                          removeHook(h, ev.target);
                        },
                      },
                    },
                    ['Remove'],
                  ),
                ]),
                state === 'disabled'
                  ? K.el('div', {
                      class: 'flag',
                      text:
                        'Disabled ' +
                        when(h.disabledAt) +
                        ': every delivery failed for a day. Fix the receiver, then remove and add it again.',
                    })
                  : state === 'failing'
                    ? K.el('div', {
                        class: 'flag',
                        text: 'Failing since ' + when(h.failingSince) + ': deliveries are being retried.',
                      })
                    : null,
                secretFor && secretFor.id === h.id
                  ? K.el('div', {}, [
                      'Secret (shown once, keep it): ',
                      K.el('span', { class: 'secret', text: secretFor.secret }),
                    ])
                  : null,
                K.el('div', { class: 'muted', text: h.events.join(', ') }),
                logs[i].length
                  ? K.el(
                      'ul',
                      { class: 'attempts' },
                      logs[i].map(function (a) {
                        return K.el('li', {
                          text:
                            when(a.at) +
                            ' · ' +
                            a.type +
                            ' · try ' +
                            a.attempt +
                            ' · ' +
                            (a.outcome === 'delivered'
                              ? 'delivered (' + a.status + ')'
                              : 'failed (' + (a.status || a.error) + ')'),
                        });
                      }),
                    )
                  : K.el('div', { class: 'muted', text: 'No deliveries yet.' }),
              ]);
            })
          : [K.el('p', { class: 'muted', text: 'No webhooks.' })],
      );
    } catch (e) {
      /* shown */
    }
  }

  async function removeHook(h, button) {
    if (!window.confirm('Remove the webhook to ' + h.url + '?')) return;
    button.disabled = true;
    try {
      await call('DELETE', '/webhooks/' + h.id);
      await hooks();
    } catch (e) {
      button.disabled = false;
    }
  }

  $('hookForm').addEventListener('submit', async function (ev) {
    ev.preventDefault();
    var events = Array.prototype.filter
      .call($('hEvents').querySelectorAll('input'), function (i) {
        return i.checked;
      })
      .map(function (i) {
        return i.value;
      });
    try {
      var created = await call('POST', '/webhooks', { url: $('hUrl').value.trim(), events: events });
      $('hUrl').value = '';
      say('Webhook added. Copy its secret now: it is shown only once.', 'ok');
      await hooks(created);
    } catch (e) {
      /* shown */
    }
  });

  // --- new booking ---
  var formLoaded = false;
  /** While the form is open, what may still be booked is read again every 10 s: other firms book the same slots. */
  var SLOTS_EVERY_MS = 10000;
  setInterval(function () {
    if (!$('newForm').hidden && formLoaded) slots();
  }, SLOTS_EVERY_MS);
  async function openForm() {
    var form = $('newForm');
    form.hidden = !form.hidden;
    if (form.hidden || formLoaded) return;
    try {
      var r = await Promise.all([call('GET', '/ports'), call('GET', '/vehicles'), call('GET', '/drivers')]);
      // Road ports only, Mohan first (the busiest); the last one used is picked again.
      var ports = r[0].filter(function (p) {
        return p.mode === 'road';
      });
      ports.sort(function (a, b) {
        return Number(b.code === 'MOHAN') - Number(a.code === 'MOHAN') || a.name.localeCompare(b.name);
      });
      K.fill(
        $('nPort'),
        ports.map(function (p) {
          return K.el('option', { value: p.code, text: p.name });
        }),
      );
      if (K.load(PORT_KEY)) $('nPort').value = K.load(PORT_KEY);
      K.fill(
        $('nVehicle'),
        r[1].map(function (v) {
          return K.el('option', { value: v.id, text: v.plate + (v.reefer ? ' (reefer)' : '') });
        }),
      );
      K.fill(
        $('nDriver'),
        r[2].map(function (d) {
          return K.el('option', { value: d.id, text: d.name });
        }),
      );
      $('nDate').value = $('date').value;
      formLoaded = true;
      await slots();
    } catch (e) {
      /* shown */
    }
  }

  async function slots() {
    if (!$('nPort').value || !$('nDate').value) return;
    try {
      // What this firm may still book: the free places, within its share of each slot.
      var list = await call(
        'GET',
        '/bookings/slots?port=' + $('nPort').value + '&date=' + $('nDate').value + '&direction=' + $('nDir').value,
      );
      var open = list.filter(function (s) {
        return s.availableToYou > 0;
      });
      var picked = $('nSlot').value;
      K.fill(
        $('nSlot'),
        open.map(function (s) {
          return K.el('option', {
            value: s.id,
            text: K.hhmm(s.startsAt) + '–' + K.hhmm(s.endsAt) + ' (' + s.availableToYou + ' ' + t('free') + ')',
          });
        }),
      );
      if (
        open.some(function (s) {
          return s.id === picked;
        })
      )
        $('nSlot').value = picked;
      if (!open.length) say(t('noSlot'), 'error');
    } catch (e) {
      /* shown */
    }
  }

  var idemKey = null;
  $('newForm').addEventListener('input', function () {
    idemKey = null;
  });
  $('newForm').addEventListener('submit', async function (ev) {
    ev.preventDefault();
    var btn = /** @type {HTMLButtonElement} */ (
      /** @type {HTMLFormElement} */ (ev.target).querySelector('button[type=submit]')
    );
    // The same key for retries of the same form (a dropped answer on a bad line never books twice).
    idemKey = idemKey || Date.now().toString(36) + Math.random().toString(36).slice(2);
    var cargo = {
      description: $('nDesc').value.trim(),
      hsCode: $('nHs').value.trim(),
      weightKg: Number($('nKg').value),
      perishable: $('nPerish').checked,
    };
    if ($('nDecl').value.trim()) cargo.declarationNo = $('nDecl').value.trim();
    btn.disabled = true;
    try {
      var b = await call(
        'POST',
        '/bookings',
        { slotId: $('nSlot').value, vehicleId: $('nVehicle').value, driverId: $('nDriver').value, cargo: cargo },
        { 'Idempotency-Key': idemKey },
      );
      idemKey = null;
      K.store(PORT_KEY, $('nPort').value);
      say(
        t('bookedMsg') +
          ' ' +
          b.reference +
          ' — ' +
          t('codeOnce') +
          ' ' +
          b.driverCode +
          ' · ' +
          location.origin +
          '/d?ref=' +
          encodeURIComponent(b.reference),
        'ok',
      );
      $('newForm').hidden = true;
      if ($('nDate').value === $('date').value) await reload();
    } catch (e) {
      /* shown */
    } finally {
      btn.disabled = false;
    }
  });
  ['nPort', 'nDir', 'nDate'].forEach(function (id) {
    $(id).addEventListener('change', slots);
  });
  $('newBtn').addEventListener('click', openForm);

  $('langBtn').addEventListener('click', function () {
    lang = lang === 'zh' ? 'en' : 'zh';
    K.store(LANG, lang);
    applyLang();
  });

  $('date').value = K.portToday();
  applyLang();
  $('date').addEventListener('change', function () {
    dateTouched = true;
    reload();
  });
  K.passwordLogin(
    sess,
    async function () {
      await start();
      if (await call.resume()) {
        say(t('keptSent'), 'ok');
        reload();
      }
    },
    function (e) {
      return e.status === 401 ? t('wrongLogin') : e.status === 429 ? t('tooManyLogins') : e.message;
    },
  );
  $('logout').addEventListener('click', function () {
    logout();
  });

  if (sess.token()) start();
  else K.show('login', true);
})();
