/**
 * The port's set-up: its schedule (a preview of the slot grid and of the booked slots a change would hit, then
 * saved), lanes (add, rename, status), holding areas (create, edit) and fees (a version previewed, then published
 * from its day; the history).
 */
import { $, el, fill } from '../shared/dom';
import type { Answer } from '../shared/api';
import { call, field, langFields, langValues, LANGS, msg, num, rowButton, S, t, table, val } from './console';
import { drawFeeForm, loadFees, wireFees } from './fees';
import { cameraBody, CAMERA_FIELDS } from './devices';

const SCHEDULE_FIELDS: Array<[string, string, Record<string, unknown>]> = [
  ['slotMinutes', 'slotMinutes', { type: 'number', min: 15, max: 240, value: 60 }],
  ['capExport', 'capExport', { type: 'number', min: 0, max: 500, value: 6 }],
  ['capImport', 'capImport', { type: 'number', min: 0, max: 500, value: 6 }],
  ['openFrom', 'openFrom', { type: 'time', value: '08:00' }],
  ['openTo', 'openTo', { type: 'time', value: '20:00' }],
  ['firmQuotaPercent', 'firmQuotaPercent', { type: 'number', min: 1, max: 100, value: 30 }],
  ['horizonDays', 'horizonDays', { type: 'number', min: 1, max: 60, value: 7 }],
  ['earlyArrivalMinutes', 'earlyArrivalMinutes', { type: 'number', min: 0, max: 600, value: 60 }],
  ['checkInGraceMinutes', 'checkInGraceMinutes', { type: 'number', min: 0, max: 600, value: 30 }],
  ['calledTimeoutMinutes', 'calledTimeoutMinutes', { type: 'number', min: 1, max: 600, value: 15 }],
  ...CAMERA_FIELDS,
];

let port: Answer = null;

function scheduleBody(): Answer {
  return {
    slotMinutes: num('slotMinutes'),
    capacity: { export: num('capExport'), import: num('capImport') },
    openFrom: val('openFrom'),
    openTo: val('openTo'),
    firmQuotaPercent: num('firmQuotaPercent'),
    horizonDays: num('horizonDays'),
    earlyArrivalMinutes: num('earlyArrivalMinutes'),
    checkInGraceMinutes: num('checkInGraceMinutes'),
    calledTimeoutMinutes: num('calledTimeoutMinutes'),
    ...cameraBody(),
  };
}

/** The port's detail (lanes, areas, schedule) read again, and every section drawn from it. */
export async function loadPort(): Promise<void> {
  port = await call('GET', '/ports/' + S.port);
  const s = port.schedule;
  if (s) {
    const v: Record<string, unknown> = {
      ...s,
      capExport: s.capacity.export,
      capImport: s.capacity.import,
    };
    SCHEDULE_FIELDS.forEach(([id]) => {
      if (v[id] === undefined) return;
      if ($(id).type === 'checkbox') $(id).checked = Boolean(v[id]);
      else $(id).value = String(v[id]);
    });
  }
  drawLanes();
  drawAreas();
  await loadFees();
}

const hhmm = (iso: string) => iso.slice(11, 16);

async function previewSchedule(): Promise<void> {
  const p: Answer = await call('POST', '/ports/' + S.port + '/schedule/preview', scheduleBody());
  const day = p.days[0];
  fill($('scheduleOut'), [
    el('h3', { text: t('gridOf', { date: day ? day.date : '' }) }),
    el(
      'div',
      { class: 'slots' },
      (day ? day.slots : []).map((s: Answer) =>
        el('span', {
          text: hhmm(s.startsAt) + '–' + hhmm(s.endsAt) + ' ' + s.capacity.export + '/' + s.capacity.import,
        }),
      ),
    ),
    p.affected.length
      ? table(
          ['slot', 'direction', 'booked', 'capacity'],
          p.affected.map((a: Answer) => [
            a.startsAt.slice(0, 16).replace('T', ' '),
            t(a.direction),
            String(a.booked),
            String(a.capacity),
          ]),
        )
      : el('p', { class: 'good', text: t('noneAffected') }),
  ]);
}

async function saveSchedule(): Promise<void> {
  await call('PUT', '/ports/' + S.port + '/schedule', scheduleBody());
  msg.note('scheduleSaved', null, 'ok');
  await loadPort();
}

/** A lane in the admin's language, and its name at the port where that differs ("Quay one · Quay A"). */
const shown = (l: Answer): string => {
  const local = l.names && l.names[S.lang];
  return local && local !== l.name ? local + ' · ' + l.name : l.name;
};

function drawLanes(): void {
  fill($('laneList'), [
    port.lanes.length
      ? table(
          ['laneName', 'direction', 'state', 'actions'],
          port.lanes.map((l: Answer) => {
            const status = el('select', { 'aria-label': t('statusOf', { name: l.name }) }, [
              ...['open', 'paused', 'closed'].map((s) =>
                el('option', { value: s, text: t(s), selected: s === l.status ? '' : null }),
              ),
            ]);
            status.addEventListener('change', () => {
              void call('POST', '/ports/' + S.port + '/lanes/' + l.id + '/status', { status: status.value })
                .then(() => msg.note('laneStatusSet', { name: l.name, status: t(status.value) }, 'ok'))
                .catch(() => undefined)
                .then(loadPort);
            });
            return [
              shown(l),
              t(l.direction),
              status,
              rowButton('rename', t('rename') + ' ' + l.name, () => renameLane(l)),
            ];
          }),
        )
      : el('p', { class: 'muted', text: t('noLanes') }),
  ]);
}

let editingLane: Answer = null;

/** The lane form: adds a lane, or (after Rename) renames the one chosen, its name and its names per language. */
function drawLaneForm(): void {
  const l = editingLane;
  fill($('laneForm'), [
    el('div', {}, [
      el('label', { for: 'laneDir', text: t('direction') }),
      el(
        'select',
        { id: 'laneDir', disabled: l ? '' : null },
        ['export', 'import'].map((d) =>
          el('option', { value: d, text: t(d), selected: l && l.direction === d ? '' : null }),
        ),
      ),
    ]),
    field('laneName', 'laneName', { required: '', maxlength: 40, value: l ? l.name : null }),
    ...langFields('laneName', 'displayName', { maxlength: 40 }, l ? l.names : {}),
    el('button', { id: 'laneSave', type: 'submit', text: t(l ? 'saveLane' : 'addLane') }),
    l ? el('button', { id: 'laneCancel', type: 'button', class: 'secondary', text: t('cancel') }) : null,
  ]);
  if (l)
    $('laneCancel').addEventListener('click', () => {
      editingLane = null;
      drawLaneForm();
    });
}

function renameLane(l: Answer): Promise<void> {
  editingLane = l;
  drawLaneForm();
  $('laneName').focus();
  return Promise.resolve();
}

async function saveLane(ev: Event): Promise<void> {
  ev.preventDefault();
  const name = val('laneName');
  const names = langValues('laneName');
  const l = editingLane;
  if (l) await call('PATCH', '/ports/' + S.port + '/lanes/' + l.id, { name, names });
  else await call('POST', '/ports/' + S.port + '/lanes', { direction: $('laneDir').value, name, names });
  editingLane = null;
  drawLaneForm();
  msg.note(l ? 'laneRenamed' : 'laneAdded', { name }, 'ok');
  await loadPort();
}

const AREA_FIELDS: Array<[string, string, Record<string, unknown>]> = [
  ['areaName', 'areaName', { required: '', maxlength: 120 }],
  ['areaLat', 'lat', { type: 'number', step: 'any', required: '', min: -90, max: 90 }],
  ['areaLon', 'lon', { type: 'number', step: 'any', required: '', min: -180, max: 180 }],
  ['areaRadius', 'radius', { type: 'number', required: '', min: 10, max: 20000, value: 500 }],
  ['areaBays', 'bays', { type: 'number', required: '', min: 0, max: 10000, value: 20 }],
  ['areaReefer', 'reeferBays', { type: 'number', required: '', min: 0, max: 10000, value: 4 }],
];

let editing: string | null = null;

function drawAreas(): void {
  fill($('areaList'), [
    port.parkingAreas.length
      ? table(
          ['areaName', 'bays', 'reeferBays', 'geofence', 'actions'],
          port.parkingAreas.map((a: Answer) => [
            (a.names && a.names[S.lang]) || a.name,
            String(a.bays),
            String(a.reeferBays),
            a.lat + ', ' + a.lon + ' · ' + a.radiusM + ' m',
            rowButton('edit', t('edit') + ' ' + a.name, async () => editArea(a)),
          ]),
        )
      : el('p', { class: 'muted', text: t('noAreas') }),
  ]);
}

function editArea(a: Answer): void {
  editing = a.id;
  $('areaName').value = a.name;
  for (const l of LANGS) {
    $('areaName-' + l).value = a.names[l] || '';
    $('areaDirections-' + l).value = a.directions[l] || '';
  }
  $('areaLat').value = a.lat;
  $('areaLon').value = a.lon;
  $('areaRadius').value = a.radiusM;
  $('areaBays').value = a.bays;
  $('areaReefer').value = a.reeferBays;
  $('areaSave').textContent = t('saveArea');
  $('areaName').focus();
}

async function saveArea(ev: Event): Promise<void> {
  ev.preventDefault();
  const directions = langValues('areaDirections');
  const names = langValues('areaName');
  const body = {
    name: val('areaName'),
    lat: num('areaLat'),
    lon: num('areaLon'),
    radiusM: num('areaRadius'),
    bays: num('areaBays'),
    reeferBays: num('areaReefer'),
    directions,
    names,
  };
  const base = '/ports/' + S.port + '/parking-areas';
  await (editing ? call('PUT', base + '/' + editing, body) : call('POST', base, body));
  editing = null;
  ($('areaForm') as HTMLFormElement).reset();
  $('areaSave').textContent = t('addArea');
  msg.note('areaSaved', { name: body.name }, 'ok');
  await loadPort();
}

function form(id: string, fields: Array<[string, string, Record<string, unknown>]>, extra: HTMLElement[] = []): void {
  fill($(id), fields.map(([fid, key, attrs]) => field(fid, key, attrs)).concat(extra));
}

/** The generated forms, in the words of the language chosen (drawn again when it changes, keeping nothing typed). */
export function drawSetupForms(): void {
  form('scheduleForm', SCHEDULE_FIELDS);
  const [name, ...place] = AREA_FIELDS;
  form(
    'areaForm',
    [name],
    [
      ...langFields('areaName', 'displayName', { maxlength: 60 }),
      ...place.map(([fid, key, attrs]) => field(fid, key, attrs)),
      ...langFields('areaDirections', 'directions', { maxlength: 1000 }),
      el('button', { id: 'areaSave', type: 'submit', text: t(editing ? 'saveArea' : 'addArea') }),
    ],
  );
  drawLaneForm();
  drawFeeForm();
  if (port) void loadPort().catch(() => undefined);
}

export function wireSetup(): void {
  const quiet = (f: () => Promise<void>) => () => void f().catch(() => undefined);
  $('schedulePreview').addEventListener('click', quiet(previewSchedule));
  $('scheduleSave').addEventListener('click', quiet(saveSchedule));
  $('laneForm').addEventListener('submit', (ev: Event) => void saveLane(ev).catch(() => undefined));
  $('areaForm').addEventListener('submit', (ev: Event) => void saveArea(ev).catch(() => undefined));
  wireFees();
}
