/**
 * The port's fees: a version of any number of items (code, a name per language, amount, per truck or per tonne, in
 * the version's one currency) previewed on example trucks, then published from its day; the history. The form starts
 * from the newest version published, or from an entry and a handling fee at a port that has none.
 */
import { $, el, fill } from '../shared/dom';
import type { Answer } from '../shared/api';
import { call, field, langFields, langValues, msg, S, t, table, val } from './console';

interface FeeItem {
  code: string;
  name: Record<string, string>;
  amount: number;
  unit: 'per_truck' | 'per_tonne';
}

const UNITS = ['per_truck', 'per_tonne'] as const;
const FIRST_ITEMS: FeeItem[] = [
  { code: 'entry', name: { zh: '入场费', en: 'Entry' }, amount: 50, unit: 'per_truck' },
  { code: 'handling', name: { zh: '装卸费', en: 'Handling' }, amount: 2, unit: 'per_tonne' },
];

const FEE_FIELDS: Array<[string, string, Record<string, unknown>]> = [
  ['feeFrom', 'effectiveFrom', { type: 'date', required: '' }],
  ['feeCurrency', 'currency', { required: '', value: 'CNY', pattern: '[A-Z]{3}', maxlength: 3 }],
];

/** The newest version published at the port (the form starts from it), null while there is none. */
let newest: Answer = null;
let newestOf: string | null = null;
/** Row ids only ever grow, so a removed row's ids are never reused by a new one. */
let rows = 0;
/**
 * The port and version the rows were started from: the history read again for the same ones (a second load of the
 * port, the language changed) keeps what the admin has typed; another port or a new version starts the rows afresh.
 */
let drawnFor = '';
const versionKey = () => newestOf + ':' + (newest ? newest.version : 0);

/** One item as a fieldset of its own: code, unit, amount, a name per language (zh and en required), Remove. */
function itemRow(item: Partial<FeeItem>): HTMLElement {
  const n = ++rows;
  const id = (what: string) => 'fee' + what + '-' + n;
  const unit = el(
    'select',
    { id: id('Unit') },
    UNITS.map((u) => el('option', { value: u, text: t(u), selected: u === item.unit ? '' : null })),
  );
  const box: HTMLElement = el('fieldset', { class: 'fee-item grid', 'data-row': String(n) }, [
    el('legend', {}),
    field(id('Code'), 'feeCode', {
      required: '',
      pattern: '[a-z0-9_\\-]{1,32}',
      maxlength: 32,
      value: item.code || null,
      title: t('feeCodeRule'),
    }),
    el('div', {}, [el('label', { for: id('Unit'), text: t('unit') }), unit]),
    field(id('Amount'), 'amount', {
      type: 'number',
      min: 0,
      step: '0.01',
      required: '',
      value: item.amount ?? null,
    }),
    ...langFields(id('Name'), 'feeName', { maxlength: 80 }, item.name, ['zh', 'en']),
    el('button', { type: 'button', class: 'secondary', 'data-remove': '' }),
  ]);
  box.querySelector('[data-remove]')!.addEventListener('click', () => {
    const next = (box.nextElementSibling || box.previousElementSibling) as HTMLElement | null;
    box.remove();
    numberRows();
    // Focus stays in the list, never lost on the removed row.
    (next?.querySelector('input') || $('feeAdd')).focus();
  });
  return box;
}

/** Each row's legend and Remove say its place ("Item 2", "Remove item 2"); the last row cannot be removed. */
function numberRows(): void {
  const boxes = [...$('feeItems').querySelectorAll('fieldset')] as HTMLElement[];
  boxes.forEach((box, i) => {
    box.querySelector('legend')!.textContent = t('itemN', { n: i + 1 });
    const remove = box.querySelector('[data-remove]') as HTMLButtonElement;
    remove.textContent = t('removeItem', { n: i + 1 });
    remove.disabled = boxes.length === 1;
  });
}

function drawItems(items: Array<Partial<FeeItem>>): void {
  fill($('feeItems'), items.map(itemRow));
  numberRows();
}

function addItem(): void {
  const box = itemRow({ unit: 'per_truck' });
  $('feeItems').appendChild(box);
  numberRows();
  (box.querySelector('input') as HTMLInputElement).focus();
}

function feeBody(): Answer {
  const boxes = [...$('feeItems').querySelectorAll('fieldset')] as HTMLElement[];
  return {
    effectiveFrom: val('feeFrom'),
    currency: val('feeCurrency').toUpperCase(),
    items: boxes.map((box) => {
      const n = box.getAttribute('data-row');
      return {
        code: val('feeCode-' + n),
        name: langValues('feeName-' + n),
        amount: Number($('feeAmount-' + n).value),
        unit: $('feeUnit-' + n).value,
      };
    }),
  };
}

/** The browser's own checks first (a missing name, a bad code), said at the field, before the API is asked. */
const checked = () => ($('feeForm') as HTMLFormElement).reportValidity();

async function previewFees(): Promise<void> {
  if (!checked()) return;
  const p: Answer = await call('POST', '/ports/' + S.port + '/fees/preview', feeBody());
  fill($('feeOut'), [
    table(
      ['weight', 'reefer', 'total'],
      p.examples.map((x: Answer) => [
        x.weightKg / 1000 + ' t',
        t(x.reefer ? 'yes' : 'no'),
        String(x.total) + ' ' + p.currency,
      ]),
    ),
    el('p', {
      class: 'muted',
      text: p.replaces ? t('replaces', { date: p.replaces.effectiveFrom }) : t('replacesNone'),
    }),
  ]);
}

async function publishFees(): Promise<void> {
  if (!checked()) return;
  await call('PUT', '/ports/' + S.port + '/fees', feeBody());
  msg.note('feesPublished', { date: val('feeFrom') }, 'ok');
  await loadFees();
}

const itemText = (i: FeeItem) => (i.name[S.lang] || i.name.en) + ' ' + i.amount + ' ' + t(i.unit);

/** The history, and the form started again from the newest version. */
export async function loadFees(): Promise<void> {
  const history: Answer[] = await call('GET', '/ports/' + S.port + '/fees/history').catch(() => []);
  newest = history[0] || null;
  newestOf = S.port;
  if (drawnFor !== versionKey()) {
    $('feeCurrency').value = newest ? newest.currency : 'CNY';
    drawItems(newest ? newest.items : FIRST_ITEMS);
    drawnFor = versionKey();
  }
  fill($('feeHistory'), [
    history.length
      ? table(
          ['effectiveFrom', 'currency', 'items'],
          history.map((v: Answer) => [v.effectiveFrom, v.currency, v.items.map(itemText).join(', ')]),
        )
      : el('p', { class: 'muted', text: t('noFees') }),
  ]);
}

/** The form in the words of the language chosen: the dates, the currency, the rows and Add item. */
export function drawFeeForm(): void {
  fill(
    $('feeForm'),
    FEE_FIELDS.map(([fid, key, attrs]) => field(fid, key, attrs)).concat([
      el('div', { id: 'feeItems', class: 'fee-items' }),
      el('div', { class: 'fee-items' }, [
        el('button', { id: 'feeAdd', type: 'button', class: 'secondary', text: t('addItem') }),
      ]),
    ]),
  );
  $('feeAdd').addEventListener('click', addItem);
  if (newest) $('feeCurrency').value = newest.currency;
  drawItems(newest ? newest.items : FIRST_ITEMS);
  drawnFor = versionKey();
}

export function wireFees(): void {
  const quiet = (f: () => Promise<void>) => () => void f().catch(() => undefined);
  $('feePreview').addEventListener('click', quiet(previewFees));
  $('feePublish').addEventListener('click', quiet(publishFees));
}
