/**
 * The port's gate cameras: each one's place, last read, reads today and online state; a new camera registered at a
 * holding area's entry, a lane or the yard's gate, its key shown once (to copy into the camera) and given anew on
 * demand; a camera removed (its key refused from then on).
 */
import { $, el, fill, show } from '../shared/dom';
import type { Answer } from '../shared/api';
import type { DeviceCreatedDto, DeviceDto } from '../../../../../libs/gate/src/dto/device.dto';
import { call, field, msg, num, rowButton, S, t, table, val } from './console';

/** The schedule's camera rules (port-setup.ts's schedule form shows them after its own fields). */
export const CAMERA_FIELDS: Array<[string, string, Record<string, unknown>]> = [
  ['anprMinConfidence', 'anprMinConfidence', { type: 'number', min: 0, max: 1, step: 0.01, value: 0.8 }],
  ['dedupeSeconds', 'dedupeSeconds', { type: 'number', min: 0, max: 3600, value: 120 }],
  ['phoneCheckIn', 'phoneCheckIn', { type: 'checkbox', class: 'check', checked: '' }],
  ['keepGateImages', 'keepGateImages', { type: 'checkbox', class: 'check' }],
];

export function cameraBody(): Record<string, unknown> {
  return {
    anprMinConfidence: num('anprMinConfidence'),
    dedupeSeconds: num('dedupeSeconds'),
    phoneCheckIn: Boolean($('phoneCheckIn').checked),
    keepGateImages: Boolean($('keepGateImages').checked),
  };
}

/** The port's lanes and holding areas (GET /ports/:code), to pick a camera's place and to name it. */
let lanes: Answer[] = [];
let areas: Answer[] = [];

const named = (x: Answer) => (x.names && x.names[S.lang]) || x.name;

/** When a camera was last heard from, at the port as the API writes it: "2026-11-29 10:30". */
function seen(iso: string | null): string {
  if (!iso) return t('never');
  try {
    return new Intl.DateTimeFormat('sv-SE', {
      timeZone: portZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(iso));
  } catch {
    return iso.slice(0, 16).replace('T', ' ');
  }
}
let portZone = 'Asia/Shanghai';

function place(d: DeviceDto): string {
  const l = d.laneId ? lanes.filter((x) => x.id === d.laneId)[0] : null;
  const a = d.areaId ? areas.filter((x) => x.id === d.areaId)[0] : null;
  return l ? named(l) : a ? named(a) : '—';
}

/** The key of a camera, shown once, with a copy button and the warning that it will not be shown again. */
function showKey(name: string, key: string): void {
  const copy = el('button', { type: 'button', class: 'secondary', id: 'deviceKeyCopy', text: t('copyKey') });
  copy.addEventListener('click', () => {
    const done = () => msg.note('keyCopied', { name }, 'ok');
    if (navigator.clipboard) void navigator.clipboard.writeText(key).then(done, () => selectKey());
    else selectKey();
  });
  fill($('deviceKey'), [
    el('p', { text: t('deviceKeyOf', { name }) }),
    el('p', {}, [el('code', { class: 'secret key', id: 'deviceKeyValue', text: key }), ' ', copy]),
    el('p', { class: 'bad', text: t('keyOnce') }),
  ]);
  show('deviceKey', true);
  $('deviceKey').focus();
}

/** Selects the key's text, for copying by hand where the clipboard is not offered. */
function selectKey(): void {
  const range = document.createRange();
  range.selectNodeContents($('deviceKeyValue'));
  const sel = window.getSelection();
  if (sel) {
    sel.removeAllRanges();
    sel.addRange(range);
  }
}

/** Another port was chosen: the places of the last one are not offered while its own are read. */
export function forgetPlaces(): void {
  lanes = [];
  areas = [];
  fill($('deviceList'), []);
}

export async function loadDevices(): Promise<void> {
  const code = S.port;
  const [port, list] = (await Promise.all([
    call('GET', '/ports/' + code),
    call('GET', '/ports/' + code + '/devices?limit=100'),
  ])) as [Answer, DeviceDto[]];
  // An answer for a port no longer chosen (another was picked while it was read) is not drawn.
  if (code !== S.port) return;
  lanes = port.lanes || [];
  areas = port.parkingAreas || [];
  portZone = port.timeZone || portZone;
  drawPlaces();
  fill($('deviceList'), [
    list.length
      ? table(
          ['deviceName', 'position', 'place', 'lastSeen', 'readsToday', 'state', 'actions'],
          list.map((d) => [
            d.name,
            t('pos_' + d.position),
            place(d),
            seen(d.lastSeenAt),
            String(d.readsToday),
            el('span', { class: d.online ? 'good' : 'bad', text: t(d.online ? 'camOnline' : 'camOffline') }),
            el('span', {}, [
              rowButton('newKey', t('newKeyOf', { name: d.name }), () => rotate(d)),
              rowButton('remove', t('removeOf', { name: d.name }), () => remove(d)),
            ]),
          ]),
        )
      : el('p', { class: 'muted', text: t('noDevices') }),
  ]);
}

async function rotate(d: DeviceDto): Promise<void> {
  if (!confirm(t('confirmNewKey', { name: d.name }))) return;
  const r: Answer = await call('POST', '/ports/' + S.port + '/devices/' + d.id + '/key');
  showKey(d.name, r.key);
  await loadDevices();
}

async function remove(d: DeviceDto): Promise<void> {
  if (!confirm(t('confirmRemove', { name: d.name }))) return;
  await call('DELETE', '/ports/' + S.port + '/devices/' + d.id);
  msg.note('deviceRemoved', { name: d.name }, 'ok');
  await loadDevices();
}

/** The lane or holding area the position asks for: the other one hidden. */
function drawPlaces(): void {
  const position = $('devicePosition') ? $('devicePosition').value : 'holding_entry';
  const keep = (id: string) => ($(id) ? $(id).value : '');
  const lane = keep('deviceLane');
  const area = keep('deviceArea');
  const options = (xs: Answer[], picked: string) =>
    xs.map((x) => el('option', { value: x.id, selected: x.id === picked ? '' : null, text: named(x) }));
  fill($('deviceLane'), options(lanes, lane));
  fill($('deviceArea'), options(areas, area));
  show('deviceLaneBox', position === 'lane');
  show('deviceAreaBox', position === 'holding_entry');
}

/** The registration form, in the words of the language chosen. */
export function drawDeviceForm(): void {
  const select = (id: string, key: string, options: HTMLElement[]) =>
    el('div', { id: id + 'Box' }, [el('label', { for: id, text: t(key) }), el('select', { id }, options)]);
  fill($('deviceForm'), [
    field('deviceName', 'deviceName', { required: '', maxlength: 80 }),
    select(
      'devicePosition',
      'position',
      ['holding_entry', 'lane', 'yard_gate'].map((p) => el('option', { value: p, text: t('pos_' + p) })),
    ),
    select('deviceLane', 'lane', []),
    select('deviceArea', 'holdingArea', []),
    el('button', { type: 'submit', text: t('addDevice') }),
  ]);
  $('devicePosition').addEventListener('change', drawPlaces);
  drawPlaces();
}

async function addDevice(ev: Event): Promise<void> {
  ev.preventDefault();
  const position = $('devicePosition').value as string;
  const name = val('deviceName');
  const r = (await call('POST', '/ports/' + S.port + '/devices', {
    name,
    position,
    ...(position === 'lane' ? { laneId: $('deviceLane').value } : {}),
    ...(position === 'holding_entry' ? { areaId: $('deviceArea').value } : {}),
  })) as DeviceCreatedDto;
  $('deviceName').value = '';
  msg.note('deviceAdded', { name }, 'ok');
  showKey(r.name, r.key);
  await loadDevices();
}

export function wireDevices(): void {
  $('deviceForm').addEventListener('submit', (ev: Event) => void addDevice(ev).catch(() => undefined));
  $('deviceKey').setAttribute('tabindex', '-1');
}
