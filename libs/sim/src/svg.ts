import { DAY_END, Step } from './engine';

export interface Series {
  label: string;
  step: Step;
  colour: string;
  dash?: string;
}

interface Panel {
  title: string;
  series: Series[];
  /** A horizontal reference line (the bays), if any. */
  limit?: { value: number; label: string };
  /** Metres of road per truck: the axis also reads in km. */
  truckMetres?: number;
}

const W = 960;
const PANEL_H = 300;
const LEFT = 110;
const RIGHT = 30;
const TOP = 40;
const BOTTOM = 50;

/** A round axis top with 4–5 ticks. */
function niceTop(max: number): { top: number; tick: number } {
  const raw = Math.max(max, 1) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const tick = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((t) => t >= raw) as number;
  return { top: Math.ceil(Math.max(max, 1) / tick) * tick, tick };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(p: Panel, y0: number): string {
  const plotW = W - LEFT - RIGHT;
  const plotH = PANEL_H - TOP - BOTTOM;
  const max = Math.max(...p.series.flatMap((s) => s.step.map(([, v]) => v)), p.limit?.value ?? 0);
  const { top, tick } = niceTop(max);
  const x = (t: number) => LEFT + (Math.min(Math.max(t, 0), DAY_END) / DAY_END) * plotW;
  const y = (v: number) => y0 + TOP + plotH - (v / top) * plotH;
  const out: string[] = [`<text x="${LEFT}" y="${y0 + 24}" font-size="16" font-weight="bold">${esc(p.title)}</text>`];
  for (let v = 0; v <= top; v += tick) {
    const km = p.truckMetres ? ` (${((v * p.truckMetres) / 1000).toFixed(1)} km)` : '';
    out.push(
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${LEFT - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v}${km}</text>`,
    );
  }
  for (let h = 0; h <= 24; h += 2) {
    out.push(
      `<line x1="${x(h * 60)}" x2="${x(h * 60)}" y1="${y(0)}" y2="${y(0) + 5}" stroke="#333"/>`,
      `<text x="${x(h * 60)}" y="${y(0) + 18}" font-size="11" text-anchor="middle">${String(h).padStart(2, '0')}:00</text>`,
    );
  }
  out.push(
    `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>`,
    `<line x1="${LEFT}" x2="${LEFT}" y1="${y(top)}" y2="${y(0)}" stroke="#333"/>`,
    `<text x="${LEFT + plotW / 2}" y="${y0 + PANEL_H - 12}" font-size="12" text-anchor="middle">time of day (port's local time)</text>`,
    `<text transform="translate(16 ${y0 + TOP + plotH / 2}) rotate(-90)" font-size="12" text-anchor="middle">trucks</text>`,
  );
  if (p.limit) {
    out.push(
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(p.limit.value)}" y2="${y(p.limit.value)}" stroke="#666" stroke-dasharray="2 3"/>`,
      `<text x="${W - RIGHT - 4}" y="${y(p.limit.value) - 4}" font-size="11" text-anchor="end" fill="#666">${esc(p.limit.label)}</text>`,
    );
  }
  p.series.forEach((s, i) => {
    // A step line: the count holds until its next change.
    let d = '';
    let last = 0;
    for (const [t, v] of s.step) {
      d += d ? ` H${x(t).toFixed(1)} V${y(v).toFixed(1)}` : `M${x(t).toFixed(1)} ${y(v).toFixed(1)}`;
      last = v;
    }
    d += ` H${x(DAY_END).toFixed(1)} V${y(last).toFixed(1)}`;
    out.push(
      `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
    );
    const ly = y0 + TOP + 8 + i * 16;
    out.push(
      `<line x1="${LEFT + 12}" x2="${LEFT + 40}" y1="${ly}" y2="${ly}" stroke="${s.colour}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      `<text x="${LEFT + 46}" y="${ly + 4}" font-size="12">${esc(s.label)}</text>`,
    );
  });
  return out.join('\n');
}

/** Panels stacked one above the other, hand-written SVG (no chart dependency). */
export function chart(title: string, panels: Panel[]): string {
  const h = 30 + panels.length * PANEL_H;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif">`,
    `<rect width="${W}" height="${h}" fill="white"/>`,
    `<text x="${W / 2}" y="22" font-size="17" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
    ...panels.map((p, i) => panel(p, 30 + i * PANEL_H)),
    '</svg>',
    '',
  ].join('\n');
}
