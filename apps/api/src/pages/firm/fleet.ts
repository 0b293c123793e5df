/** The firm's vehicles and drivers: listed, added, edited in place. */
import type { DriverDto, VehicleDto } from '../../../../../libs/firms/src/dto/firm.dto';
import { $, el, fill } from '../shared/dom';
import { call, S, say, t } from './dashboard';

/** A column of an editable table: how a row shows the field, and how its input reads it back. */
interface Column<R> {
  key: string;
  /** The word of its header, when not its key. */
  label?: string;
  show(r: R): unknown;
  raw(r: R): unknown;
  input(r: R): HTMLInputElement | HTMLSelectElement;
  value(i: HTMLInputElement | HTMLSelectElement): unknown;
}

const LANGS: Record<string, string> = {
  zh: '中文',
  lo: 'ລາວ',
  vi: 'Tiếng Việt',
  my: 'မြန်မာ',
  th: 'ไทย',
  en: 'English',
};

/** A table whose rows turn into inputs on Edit and PATCH what changed on Save. */
function editable<R extends { id: string }>(
  box: HTMLElement,
  rows: R[],
  cols: Array<Column<R>>,
  path: string,
  reloadList: () => Promise<void>,
): void {
  fill(box, [
    el('table', { class: 'fleet' }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          cols
            .map(function (c) {
              return el('th', { text: t(c.label || c.key) });
            })
            .concat([el('th', { text: '' })]),
        ),
      ]),
      el(
        'tbody',
        {},
        rows.map(function (r) {
          const tr = el(
            'tr',
            { 'data-id': r.id },
            cols
              .map(function (c) {
                return el('td', { text: c.show(r) });
              })
              .concat([
                el('td', {}, [
                  el(
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
  function edit(tr: HTMLElement, r: R): void {
    const inputs = cols.map(function (c) {
      return c.input(r);
    });
    const save = el(
      'button',
      {
        type: 'button',
        on: {
          click: async function () {
            const body: Record<string, unknown> = {};
            cols.forEach(function (c, i) {
              const v = c.value(inputs[i]);
              if (v !== c.raw(r)) body[c.key] = v;
            });
            save.disabled = true;
            try {
              await call('PATCH', path + r.id, body);
              say(t('saved'), 'ok');
              await reloadList();
            } catch {
              save.disabled = false;
            }
          },
        },
      },
      [t('save')],
    );
    fill(
      tr,
      inputs
        .map(function (i) {
          return el('td', {}, [i]);
        })
        .concat([el('td', {}, [save])]),
    );
  }
}
/** A column of plain text, edited in an input. */
const text = function <R>(key: keyof R & string): Column<R> {
  return {
    key: key,
    show: function (r) {
      return r[key];
    },
    raw: function (r) {
      return r[key];
    },
    input: function (r) {
      return el('input', { value: r[key], 'aria-label': t(key), 'data-field': key });
    },
    value: function (i) {
      return (i as HTMLInputElement).value.trim();
    },
  };
};
const VEHICLE_COLS: Array<Column<VehicleDto>> = [
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
      return el('input', {
        type: 'checkbox',
        checked: r.reefer ? 'checked' : null,
        'aria-label': t('reefer'),
        'data-field': 'reefer',
      });
    },
    value: function (i) {
      return (i as HTMLInputElement).checked;
    },
  },
];
const DRIVER_COLS: Array<Column<DriverDto>> = [
  text('name'),
  text('phone'),
  {
    key: 'licenceNo',
    label: 'licence',
    show: function (r) {
      return r.licenceNo;
    },
    raw: function (r) {
      return r.licenceNo;
    },
    input: function (r) {
      return el('input', { value: r.licenceNo, 'aria-label': t('licence'), 'data-field': 'licenceNo' });
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
      return el(
        'select',
        { 'aria-label': t('language'), 'data-field': 'language' },
        Object.keys(LANGS).map(function (l) {
          return el('option', { value: l, text: LANGS[l], selected: l === r.language ? 'selected' : null });
        }),
      );
    },
    value: function (i) {
      return i.value;
    },
  },
];

export async function vehicles(): Promise<void> {
  try {
    editable($('vehicleList'), await call('GET', '/vehicles?limit=500'), VEHICLE_COLS, '/vehicles/', vehicles);
  } catch {
    /* shown */
  }
}
export async function drivers(): Promise<void> {
  try {
    editable($('driverList'), await call('GET', '/drivers?limit=500'), DRIVER_COLS, '/drivers/', drivers);
  } catch {
    /* shown */
  }
}
/** The forms that add a vehicle and a driver. */
export function initFleet(): void {
  $('vehicleForm').addEventListener('submit', async function (ev: SubmitEvent) {
    ev.preventDefault();
    try {
      await call('POST', '/vehicles', {
        plate: $('vPlate').value.trim(),
        country: $('vCountry').value.trim(),
        reefer: $('vReefer').checked,
      });
      $('vPlate').value = '';
      S.formLoaded = false;
      await vehicles();
    } catch {
      /* shown */
    }
  });
  $('driverForm').addEventListener('submit', async function (ev: SubmitEvent) {
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
      S.formLoaded = false;
      await drivers();
    } catch {
      /* shown */
    }
  });
}
