/*
 * /admin — the port admin's console: firms and their users, the port's staff, yard and regulator accounts, the
 * port's schedule, lanes, holding areas and fees, its gate cameras, every firm's failing webhooks, the audit chain and
 * the jobs board. In Chinese and English; each section is a module (people.ts, port-setup.ts, devices.ts, watch.ts)
 * on console.ts's state; capacity.ts suggests tomorrow's capacity from the outlook's model.
 */
import { $, el, fill, message, show } from '../shared/dom';
import { load, store } from '../shared/storage';
import { claims, passwordLogin } from '../shared/session';
import { relabel as relabelWords } from '../shared/i18n';
import { call, LANG, msg, on, PORT, S, sess, t, T } from './console';
import { loadAccounts, loadFirms, wirePeople } from './people';
import { drawSetupForms, loadPort, wireSetup } from './port-setup';
import { relabelCapacity, wireCapacity } from './capacity';
import { loadWebhooks, wireWatch } from './watch';
import { drawDeviceForm, forgetPlaces, loadDevices, wireDevices } from './devices';

const SECTIONS = ['firms', 'accounts', 'schedule', 'lanes', 'areas', 'fees', 'devices', 'webhooks', 'audit'];

function showLogin(key?: string): void {
  S.loginNote = key || null;
  show('console', false);
  show('logout', false);
  show('login', true);
  message($('loginMsg'), key ? t(key) : '', 'error');
}

function logout(key?: string): void {
  sess.end();
  showLogin(key);
}

function relabel(): void {
  relabelWords(T, S.lang, t);
  relabelCapacity();
  $('title').textContent = S.port ? t('titlePort', { port: S.port }) : t('title');
  document.title = 'Kouan · ' + $('title').textContent;
  if (S.loginNote) message($('loginMsg'), t(S.loginNote), 'error');
  fill(
    $('nav'),
    [el('h2', { id: 'navTitle', class: 'sr', text: t('navTitle') }) as HTMLElement].concat(
      SECTIONS.map((s) => el('a', { href: '#' + s, text: t(s + 'Title') })),
    ),
  );
  msg.again();
  drawSetupForms();
  drawDeviceForm();
}

/** Every section read again for the port chosen. */
async function loadAll(): Promise<void> {
  await Promise.all([loadFirms(), loadAccounts(), loadPort(), loadWebhooks(), loadDevices()]).catch(() => undefined);
}

async function start(): Promise<void> {
  const me = claims(sess.token());
  if (!me || me.role !== 'port_admin') return logout('adminOnly');
  S.loginNote = null;
  show('login', false);
  show('console', true);
  show('logout', true);
  message($('loginMsg'), '');
  const ports: Array<{ code: string; name: string; names: Record<string, string> }> = await call(
    'GET',
    '/ports?limit=500',
  );
  const kept = load(PORT);
  S.port = ports.some((p) => p.code === kept) ? kept : ports[0].code;
  fill(
    $('port'),
    ports.map((p) =>
      el('option', { value: p.code, selected: p.code === S.port ? '' : null, text: p.code + ' · ' + p.name }),
    ),
  );
  relabel();
  await loadAll();
}

wirePeople();
wireSetup();
wireCapacity();
wireWatch();
wireDevices();
on('ended', () => showLogin('sessionEnded'));
$('port').addEventListener('change', () => {
  S.port = $('port').value;
  store(PORT, S.port);
  show('deviceKey', false);
  forgetPlaces();
  relabel();
  void loadAll();
});
passwordLogin(
  sess,
  () => start(),
  (e) =>
    e.status === 401
      ? t('wrongLogin')
      : e.status === 429
        ? t('tooManyLogins')
        : e.status === 0
          ? t('noServer')
          : e.message,
);
$('logout').addEventListener('click', () => logout());
$('lang').addEventListener('click', () => {
  S.lang = S.lang === 'zh' ? 'en' : 'zh';
  store(LANG, S.lang);
  relabel();
  void loadAll();
});

relabel();
if (sess.token()) void start().catch(() => undefined);
else show('login', true);
