/** Firms (create, list with standing, users, disable/enable) and the port side's accounts (create, disable, reset). */
import { $, el, fill, show } from '../shared/dom';
import type { Answer } from '../shared/api';
import { call, msg, rowButton, S, t, table, val } from './console';

interface Firm {
  id: string;
  name: string;
  disabled: boolean;
  users: number;
  vehicles: number;
  standing: { strikes30d: number; noShows30d: number };
}

let firms: Firm[] = [];
let openFirm: Firm | null = null;

export async function loadFirms(): Promise<void> {
  firms = await call('GET', '/firms?limit=500');
  drawFirms();
  if (openFirm) await showUsers(firms.find((f) => f.id === openFirm!.id) || null);
}

function drawFirms(): void {
  fill($('firmList'), [
    firms.length
      ? table(
          ['firmName', 'standing', 'users', 'vehicles', 'state', 'actions'],
          firms.map((f) => [
            f.name,
            t('strikes', { n: f.standing.strikes30d, m: f.standing.noShows30d }),
            String(f.users),
            String(f.vehicles),
            el('span', { class: f.disabled ? 'bad' : 'good', text: t(f.disabled ? 'disabled' : 'active') }),
            el('span', {}, [
              rowButton('showUsers', t('showUsersOf', { name: f.name }), () => showUsers(f)),
              rowButton(f.disabled ? 'enable' : 'disable', t(f.disabled ? 'enable' : 'disable') + ' ' + f.name, () =>
                setFirm(f),
              ),
            ]),
          ]),
        )
      : el('p', { class: 'muted', text: t('noFirms') }),
  ]);
}

async function setFirm(f: Firm): Promise<void> {
  if (!f.disabled && !confirm(t('confirmDisable', { name: f.name }))) return;
  await call('POST', '/firms/' + f.id + (f.disabled ? '/enable' : '/disable'));
  msg.note(f.disabled ? 'firmEnabled' : 'firmDisabled', { name: f.name }, 'ok');
  await loadFirms();
}

async function showUsers(f: Firm | null): Promise<void> {
  openFirm = f;
  show('firmUsers', !!f);
  if (!f) return;
  const users: Answer[] = await call('GET', '/firms/' + f.id + '/users');
  fill($('firmUsers'), [
    el('h3', { text: t('usersOf', { name: f.name }) }),
    users.length
      ? table(
          ['email', 'role', 'state'],
          users.map((u) => [u.email, t(u.role), t(u.disabled ? 'disabled' : 'active')]),
        )
      : el('p', { class: 'muted', text: t('noUsers') }),
    el(
      'form',
      { id: 'firmUserForm', class: 'grid', on: { submit: (ev) => addFirmUser(ev, f).catch(() => undefined) } },
      [
        el('label', { for: 'fuEmail', text: t('email') }),
        el('input', { id: 'fuEmail', type: 'email', required: '', autocomplete: 'off' }),
        el('label', { for: 'fuPassword', text: t('newPassword') }),
        el('input', {
          id: 'fuPassword',
          type: 'password',
          required: '',
          minlength: '10',
          autocomplete: 'new-password',
        }),
        el('label', { for: 'fuRole', text: t('role') }),
        el('select', { id: 'fuRole' }, [
          el('option', { value: 'firm_admin', text: t('firm_admin') }),
          el('option', { value: 'dispatcher', text: t('dispatcher') }),
        ]),
        el('button', { type: 'submit', text: t('addUser') }),
      ],
    ),
  ]);
}

async function addFirmUser(ev: Event, f: Firm): Promise<void> {
  ev.preventDefault();
  const email = val('fuEmail');
  await call('POST', '/firms/' + f.id + '/users', { email, password: $('fuPassword').value, role: $('fuRole').value });
  await loadFirms();
  msg.note('userAdded', { email }, 'ok');
}

async function createFirm(ev: Event): Promise<void> {
  ev.preventDefault();
  const name = val('firmName');
  const firm: Answer = await call('POST', '/firms', {
    name,
    country: val('firmCountry').toUpperCase(),
    contactEmail: val('firmEmail'),
  });
  ($('firmForm') as HTMLFormElement).reset();
  msg.note('firmCreated', { name }, 'ok');
  await loadFirms();
  await showUsers(firms.find((f) => f.id === firm.id) || null);
  $('fuEmail').focus();
}

export async function loadAccounts(): Promise<void> {
  const [staff, regulators]: Answer[][] = await Promise.all([
    call('GET', '/users?limit=500&port=' + S.port),
    call('GET', '/users?limit=500&role=regulator'),
  ]);
  fill($('accountList'), [
    table(
      ['email', 'role', 'state', 'actions'],
      staff
        .concat(regulators)
        .map((u) => [
          u.email,
          t(u.role),
          el('span', { class: u.disabled ? 'bad' : 'good', text: t(u.disabled ? 'disabled' : 'active') }),
          el('span', {}, [
            rowButton(u.disabled ? 'enable' : 'disable', t(u.disabled ? 'enable' : 'disable') + ' ' + u.email, () =>
              setAccount(u.id, !u.disabled),
            ),
            rowButton('reset', t('reset') + ' ' + u.email, () => reset(u.id, u.email)),
          ]),
        ]),
    ),
  ]);
}

async function setAccount(id: string, disable: boolean): Promise<void> {
  await call('POST', '/users/' + id + (disable ? '/disable' : '/enable'));
  await loadAccounts();
}

/** The temporary password is shown here once; the API never shows it again. */
async function reset(id: string, email: string): Promise<void> {
  if (!confirm(t('confirmReset', { email }))) return;
  const r: Answer = await call('POST', '/users/' + id + '/reset-password');
  show('secret', true);
  fill($('secret'), [t('tempPassword', { email }) + ' ', el('code', { class: 'secret', text: r.temporaryPassword })]);
  $('secret').focus();
}

async function createAccount(ev: Event): Promise<void> {
  ev.preventDefault();
  const role = $('accountRole').value;
  const body = { email: val('accountEmail'), password: $('accountPassword').value };
  if (role === 'regulator') await call('POST', '/regulators', body);
  else await call('POST', '/ports/' + S.port + '/staff', { ...body, role });
  msg.note('accountCreated', { email: body.email }, 'ok');
  ($('accountForm') as HTMLFormElement).reset();
  await loadAccounts();
}

export function wirePeople(): void {
  $('firmForm').addEventListener('submit', (ev: Event) => void createFirm(ev).catch(() => undefined));
  $('accountForm').addEventListener('submit', (ev: Event) => void createAccount(ev).catch(() => undefined));
  $('secret').setAttribute('tabindex', '-1');
}
