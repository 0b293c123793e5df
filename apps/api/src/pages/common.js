/* Kouan pages: small helpers shared by every page. Plain ES2017, no build step, no framework. */
'use strict';
// eslint-disable-next-line no-redeclare, @typescript-eslint/no-unused-vars -- defines the K every other page reads
var K = (function () {
  /** A failed API call: the contract's {statusCode, error, message} plus any extra fields (code, comeBackAt). */
  function ApiError(status, body) {
    var m = body && body.message;
    this.message = Array.isArray(m) ? m.join('; ') : m || (body && body.error) || 'HTTP ' + status;
    this.status = status;
    this.code = (body && body.code) || null;
    this.body = body || {};
  }
  ApiError.prototype = Object.create(Error.prototype);

  async function api(method, path, body, token, extra) {
    var headers = { Accept: 'application/json' };
    for (var h in extra || {}) headers[h] = extra[h];
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    var res;
    try {
      res = await fetch('/api/v1' + path, {
        method: method,
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, {
        message: navigator.onLine === false ? 'No network connection' : 'Cannot reach the server',
      });
    }
    var data;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  /**
   * An element of the page by id: an input, a select or a box, which the page knows and the checker cannot.
   * @param {string} id
   * @returns {any}
   */
  function $(id) {
    return document.getElementById(id);
  }

  /** Builds elements with text content only, so data from the API is never parsed as HTML. */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) continue;
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'on') for (var ev in attrs.on) e.addEventListener(ev, attrs.on[ev]);
      else e.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  function fill(parent, children) {
    while (parent.firstChild) parent.removeChild(parent.firstChild);
    children.forEach(function (c) {
      if (c) parent.appendChild(c);
    });
  }

  function show(id, on) {
    $(id).hidden = !on;
  }

  /** "45 s", "3 min", "2 h" */
  function age(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min';
    return Math.floor(s / 3600) + ' h';
  }

  /** HH:MM of an ISO time as written at the port (the API writes port-local times with their offset). */
  function hhmm(iso) {
    var m = /T(\d\d:\d\d)/.exec(iso || '');
    return m ? m[1] : '';
  }

  /** The claims of our own access token (role, port, firm); the server checks it, this only picks the UI. */
  function claims(token) {
    try {
      var b = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(decodeURIComponent(escape(atob(b))));
    } catch (e) {
      return null;
    }
  }

  /** Today at a port, in its time zone (GET /ports/:code gives it; Yunnan's ports are all Asia/Shanghai). */
  function portToday(zone) {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone: zone || 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(new Date());
  }

  /** The day after today at a port (the staff console's forecast). */
  function portTomorrow(zone) {
    var d = new Date(portToday(zone) + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  /**
   * Connection badge: "live" while the socket is up, else the age of the last state shown, so a driver with no
   * signal knows how old the number on screen is. socket.io reconnects by itself.
   */
  /** No heartbeat (the server sends one every 1.5 s) for this long: the page says it is offline (within 5 s of a cut). */
  var STALE_MS = 4000;

  /** Connected and heard from within STALE_MS: a dead network often leaves the socket "connected" for a minute. */
  function fresh(socket) {
    return !!(socket && socket.connected && Date.now() - (lastBeat.get(socket) || 0) < STALE_MS);
  }

  /** When each socket last heard the server (a heartbeat or any event). */
  var lastBeat = new WeakMap();

  /**
   * The live badge: "Live" while fresh, else "Offline · N s ago" (the age of `lastAt()`). Repainted twice a second;
   * `onChange(fresh)` lets a page dim what it shows while it cannot know it is current.
   */
  function liveBadge(node, getSocket, lastAt, words, onChange) {
    function paint() {
      var on = fresh(getSocket());
      var w = typeof words === 'function' ? words() : words;
      node.className = 'badge ' + (on ? 'on' : 'off');
      var at = lastAt();
      node.textContent = on ? '● ' + w.live : '○ ' + w.offline + (at ? ' · ' + age(Date.now() - at) + ' ' + w.ago : '');
      if (onChange) onChange(on);
    }
    setInterval(paint, 500);
    paint();
    return paint;
  }

  /**
   * socket.io to /live; `paint` is told of every connection change. It reconnects by itself. `auth` is the handshake's
   * ({token}), or a function giving it at each connection (a token that is renewed).
   */
  function live(auth, paint) {
    var socket = io('/live', auth ? { auth: auth } : {});
    var beat = function () {
      lastBeat.set(socket, Date.now());
    };
    socket.on('connect', function () {
      beat();
      paint();
    });
    socket.on('disconnect', paint);
    socket.io.on('ping', beat);
    socket.onAny(beat);
    socket.io.on('reconnect_attempt', paint);
    return socket;
  }

  function store(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* private mode or full: the page still works, it just forgets on reload */
    }
  }
  function load(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || 'null');
    } catch (e) {
      return null;
    }
  }

  function message(node, text, kind) {
    node.textContent = text || '';
    node.className = 'msg' + (kind ? ' ' + kind : '');
    node.hidden = !text;
  }

  /**
   * The #login form: on submit `request()` signs in (resolving to {accessToken, ...}) and `signedIn(token, answer)`
   * keeps it and opens the page; meanwhile the button is disabled. A failure is shown in #loginMsg, worded by
   * `errorText(e)` when given, else the API's message.
   */
  function loginForm(request, signedIn, errorText) {
    $('login').addEventListener('submit', async function (ev) {
      ev.preventDefault();
      var btn = /** @type {HTMLFormElement} */ (ev.target).querySelector('button');
      btn.disabled = true;
      try {
        var res = await request();
        await signedIn(res.accessToken, res);
      } catch (e) {
        message($('loginMsg'), errorText ? errorText(e) : e.message, 'error');
      } finally {
        btn.disabled = false;
      }
    });
  }

  /**
   * loginForm for staff and firm users: #email and #password to /auth/login; the answer starts `sess` (K.session),
   * the password field is cleared, then `signedIn()` opens the page.
   */
  function passwordLogin(sess, signedIn, errorText) {
    loginForm(
      function () {
        return api('POST', '/auth/login', { email: $('email').value.trim(), password: $('password').value });
      },
      function (token, res) {
        $('password').value = '';
        sess.set(res);
        return signedIn();
      },
      errorText,
    );
  }

  /** How long before its expiry an access token is renewed (half its life when that is shorter). */
  var RENEW_BEFORE_MS = 60000;

  /**
   * The signed-in session of a console (staff, yard, firm): {accessToken, refreshToken, expiresAt} in localStorage under
   * `key`. The access token is renewed (POST /auth/refresh) shortly before it expires and whenever the API says 401,
   * one renewal at a time, across the page's tabs too (Web Locks): a refresh token is spent once, and a second spend
   * would end the session. A tab finding that another has renewed takes the newer pair instead. `attach(socket)`
   * names the page's socket, which is reconnected with each new token.
   * @param {string} key
   */
  function session(key) {
    /** @type {{ accessToken: string, refreshToken: string, expiresAt: string } | null} */
    var s = load(key);
    var timer = null;
    var running = null;
    var socket = null;
    var lastSub = s ? (claims(s.accessToken) || {}).sub : null;

    function schedule() {
      clearTimeout(timer);
      if (!s) return;
      var left = Date.parse(s.expiresAt) - Date.now();
      timer = setTimeout(
        function () {
          refresh().catch(function () {
            timer = setTimeout(schedule, 15000);
          });
        },
        Math.max(1000, left - Math.min(RENEW_BEFORE_MS, left / 2)),
      );
    }

    function keep(pair) {
      s = pair ? { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: pair.expiresAt } : null;
      if (s) lastSub = (claims(s.accessToken) || {}).sub;
      schedule();
    }

    /** A new token (renewed here or by another tab): the socket reconnects with it, so its access does not end with the old one. */
    function renewed() {
      if (socket && socket.connected) {
        socket.disconnect();
        socket.connect();
      }
    }

    async function renew() {
      var stored = load(key);
      if (!stored) {
        keep(null);
        return false;
      }
      if (!s || stored.refreshToken !== s.refreshToken) {
        keep(stored);
        renewed();
        return true;
      }
      try {
        var pair = await api('POST', '/auth/refresh', { refreshToken: stored.refreshToken });
        store(key, { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: pair.expiresAt });
        keep(pair);
        renewed();
        return true;
      } catch (e) {
        if (e.status !== 401) throw e;
        store(key, null);
        keep(null);
        return false;
      }
    }

    /** Renews the access token: true when there is a good one now, false when the session has ended; throws offline. */
    function refresh() {
      running =
        running ||
        (navigator.locks ? navigator.locks.request('kouan:' + key, renew) : renew()).finally(function () {
          running = null;
        });
      return running;
    }

    window.addEventListener('storage', function (ev) {
      if (ev.key !== key) return;
      var stored = load(key);
      if (stored && (!s || stored.refreshToken !== s.refreshToken)) {
        keep(stored);
        renewed();
      }
    });
    schedule();

    return {
      token: function () {
        return s ? s.accessToken : null;
      },
      /** The user of the session, or of the last one (whose kept actions a new sign-in of the same user sends). */
      sub: function () {
        return lastSub;
      },
      set: function (pair) {
        store(key, pair);
        keep(pair);
      },
      refresh: refresh,
      attach: function (sock) {
        socket = sock;
      },
      /** Logs out: the server ends the session (best effort: offline, it ends by itself within 2 h). */
      end: function () {
        var was = s;
        store(key, null);
        keep(null);
        if (was)
          api('POST', '/auth/logout', { refreshToken: was.refreshToken }).catch(function () {
            /* it dies unused */
          });
      },
    };
  }

  /**
   * socket.io to /live as `sess`'s user: each connection sends the current token; a refused handshake or the
   * server's disconnect renews the token and connects again, and `ended()` is called when the session has ended.
   */
  function sessionLive(sess, paint, ended) {
    var socket = live(function (cb) {
      cb({ token: sess.token() });
    }, paint);
    sess.attach(socket);
    function again() {
      sess.refresh().then(
        function (ok) {
          if (ok) socket.connect();
          else ended();
        },
        function () {
          setTimeout(function () {
            socket.connect();
          }, 5000);
        },
      );
    }
    socket.on('connect_error', function () {
      if (!socket.active) again();
    });
    // The server ends a socket only with its session or its token (after `session:expired`): renew, or sign in again.
    socket.on('disconnect', function (reason) {
      if (reason === 'io server disconnect') again();
    });
    return socket;
  }

  /** What a write sent while the session had ended may wait for the same user to sign in again. */
  var KEEP_MS = 10 * 60000;

  /**
   * An API call as `sess`'s user. A 401 renews the token and tries once more. When the session has really ended, a
   * write (not a read: those are read afresh) is kept in sessionStorage and `ended()` shows the sign-in (`call.pending()`
   * tells whether something waits to be sent); once the same user has signed in again, `call.resume()` sends what was
   * kept (within KEEP_MS) and resolves to how many it sent. Any other error goes to `fail(error)`. Either way the error
   * is thrown on.
   */
  function caller(sess, ended, fail) {
    var keptKey = 'kouan.kept.' + location.pathname;
    function kept() {
      try {
        return JSON.parse(sessionStorage.getItem(keptKey) || '[]');
      } catch (e) {
        return [];
      }
    }
    function setKept(list) {
      try {
        if (list.length) sessionStorage.setItem(keptKey, JSON.stringify(list));
        else sessionStorage.removeItem(keptKey);
      } catch (e) {
        /* private mode: the action is lost, the sign-in still shows */
      }
    }

    async function send(method, path, body, headers) {
      var used = sess.token();
      try {
        if (!used) throw new ApiError(401, { message: 'signed out' });
        return await api(method, path, body, used, headers);
      } catch (e) {
        if (e.status !== 401) throw e;
        // Renewed meanwhile (a timer, another tab), or renewed now: once more with the new token.
        if (used && (sess.token() !== used || (await sess.refresh())))
          return api(method, path, body, sess.token(), headers);
        throw e;
      }
    }

    var call = async function (method, path, body, headers) {
      try {
        return await send(method, path, body, headers);
      } catch (e) {
        if (e.status === 401) {
          if (method !== 'GET')
            setKept(
              kept()
                .concat([{ method: method, path: path, body: body, headers: headers, sub: sess.sub(), at: Date.now() }])
                .slice(-5),
            );
          ended();
        } else fail(e);
        throw e;
      }
    };

    call.pending = function () {
      return kept().length > 0;
    };

    call.resume = async function () {
      var list = kept().filter(function (k) {
        return k.sub === sess.sub() && Date.now() - k.at < KEEP_MS;
      });
      setKept([]);
      for (var i = 0; i < list.length; i++) {
        try {
          await call(list[i].method, list[i].path, list[i].body, list[i].headers);
        } catch (e) {
          return i;
        }
      }
      return list.length;
    };
    return call;
  }

  /**
   * A console's message line (`node`): `say` shows the API's words as they are, `note` the page's own (`t(key,
   * args)`), which `again` says anew after a change of language; `fail` says why a call failed, in the page's words
   * (noNetwork, noServer) when the server was never reached.
   */
  function messages(node, t) {
    /** @type {{ key?: string, args?: Record<string, unknown> | null, text?: string, kind?: string } | null} */
    var last = null;
    function say(text, kind) {
      last = { text: text, kind: kind };
      message(node, text, kind);
    }
    function note(key, args, kind) {
      last = { key: key, args: args, kind: kind };
      message(node, t(key, args), kind);
    }
    return {
      say: say,
      note: note,
      again: function () {
        if (last) message(node, last.key ? t(last.key, last.args) : last.text, last.kind);
      },
      fail: function (e) {
        if (e.status === 0) note(navigator.onLine === false ? 'noNetwork' : 'noServer', null, 'error');
        else say(e.message, 'error');
      },
    };
  }

  /**
   * Takes a queue:update (or a GET answer) into `state` (direction → {version, data}) if it is for a direction there,
   * by the live protocol (KouanLive, libs/realtime/src/live-protocol.ts): a whole view unless an older one (the HTTP
   * answer and the socket snapshot race, a reconnect may replay old state; one of the same version is the queue read
   * afresh, whose order a later slot's start moved); a delta only on top of the version just before it. True if kept;
   * 'gap' when a delta does not follow what is kept (read the whole queue again); false for an old one.
   * @param {Record<string, { version: number, data: any }>} state
   * @param {QueueUpdate | QueueUpdateDelta} u
   * @returns {boolean | 'gap'}
   */
  function follow(state, u) {
    var s = u && state[u.direction];
    if (!s) return false;
    var next = KouanLive.follow(s.data, u);
    if (next === 'gap') return 'gap';
    if (next === 'old') return false;
    state[u.direction] = { version: next.version, data: next };
    return true;
  }

  /** One empty <section class="dir" id="dir-…"> a direction in `parent`; `state` starts over with nothing kept. */
  function dirSections(parent, dirs, state) {
    fill(
      parent,
      dirs.map(function (d) {
        state[d] = { version: -1, data: null };
        return el('section', { class: 'dir', id: 'dir-' + d });
      }),
    );
  }

  /**
   * The first of the browser's languages that `words` (a page's word tables, by language) has; English otherwise.
   * @param {Record<string, unknown>} words
   */
  function browserLang(words) {
    var langs = navigator.languages || [navigator.language || 'en'];
    for (var i = 0; i < langs.length; i++) {
      var l = String(langs[i]).slice(0, 2).toLowerCase();
      if (words[l]) return l;
    }
    return 'en';
  }

  /**
   * `text` with each {name} filled from `args`; an argument that is a function is a word of the page too, worded
   * when the text is. A name without an argument stays as it is.
   * @param {string} text
   * @param {Record<string, unknown>} [args]
   */
  function format(text, args) {
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      var v = args && args[name];
      if (typeof v === 'function') v = v();
      return v !== undefined && v !== null ? String(v) : m;
    });
  }

  /**
   * A zh/en console in `lang`: the page's language, every word the HTML names (data-i18n, worded by `t`), and the
   * #lang button, which offers the other language in that language (`words[other].langName`).
   * @param {Record<string, Record<string, string>>} words
   * @param {string} lang
   * @param {(key: string) => string} t
   */
  function relabel(words, lang, t) {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.querySelectorAll('[data-i18n]').forEach(function (n) {
      n.textContent = t(n.getAttribute('data-i18n') || '');
    });
    var other = lang === 'zh' ? 'en' : 'zh';
    var button = $('lang');
    button.textContent = words[other].langName;
    button.setAttribute('lang', other === 'zh' ? 'zh-CN' : 'en');
    button.setAttribute('aria-label', t('langLabel') + ': ' + words[other].langName);
  }

  return {
    browserLang: browserLang,
    format: format,
    relabel: relabel,
    api: api,
    $: $,
    el: el,
    fill: fill,
    show: show,
    age: age,
    hhmm: hhmm,
    claims: claims,
    portToday: portToday,
    portTomorrow: portTomorrow,
    liveBadge: liveBadge,
    live: live,
    fresh: fresh,
    store: store,
    load: load,
    message: message,
    loginForm: loginForm,
    passwordLogin: passwordLogin,
    session: session,
    sessionLive: sessionLive,
    caller: caller,
    messages: messages,
    follow: follow,
    dirSections: dirSections,
  };
})();
