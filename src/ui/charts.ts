/**
 * Charts as SVG strings, drawn on the server: no script and nothing fetched, so a page shows its
 * numbers as it loads and prints as it looks. Every text that goes in is escaped here; the caller
 * passes plain strings and numbers only.
 */

const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
const OUTLIER = '#dc2626';
const BAR = '#2563eb';
const MARKER = '#111827';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const n = (value: number) => (Number.isFinite(value) ? Number(value.toFixed(1)) : 0);

export interface Bar {
  label: string;
  value: number;
  /** A second value drawn as a tick on the bar (the 90th percentile beside the median). */
  marker?: number | null;
  /** Drawn in the warning colour (a group rejected far more often than the rest). */
  highlight?: boolean;
}

export interface BarChartOptions {
  title: string;
  bars: Bar[];
  /** The value the full width stands for; defaults to the largest value or marker. */
  max?: number;
  format: (value: number) => string;
}

const BAR_WIDTH = 640;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 110;
const ROW = 26;

/** Horizontal bars, one row per item, each with its label and its value written out. */
export function barChart({ title, bars, max, format }: BarChartOptions): string {
  if (!bars.length) return '';
  const top = Math.max(max ?? 0, ...bars.map((bar) => Math.max(bar.value, bar.marker ?? 0))) || 1;
  const area = BAR_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = bars.length * ROW + 8;
  const rows = bars.map((bar, index) => {
    const y = index * ROW + 4;
    const width = n((Math.max(0, bar.value) / top) * area);
    const marker =
      bar.marker === undefined || bar.marker === null
        ? ''
        : `<line class="marker" x1="${n(LABEL_WIDTH + (bar.marker / top) * area)}" x2="${n(LABEL_WIDTH + (bar.marker / top) * area)}" y1="${y}" y2="${y + ROW - 6}" stroke="${MARKER}" stroke-width="2"/>`;
    const value = escapeXml(
      bar.marker === undefined || bar.marker === null
        ? format(bar.value)
        : `${format(bar.value)} · ${format(bar.marker)}`,
    );
    return `<g class="row${bar.highlight ? ' highlight' : ''}"><text x="${LABEL_WIDTH - 6}" y="${y + 15}" text-anchor="end" font-size="12">${escapeXml(bar.label)}</text><rect x="${LABEL_WIDTH}" y="${y + 2}" width="${width}" height="${ROW - 10}" fill="${bar.highlight ? OUTLIER : BAR}"/>${marker}<text x="${LABEL_WIDTH + area + 6}" y="${y + 15}" font-size="12">${value}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${BAR_WIDTH} ${height}" width="100%" style="max-width:${BAR_WIDTH}px"><title>${escapeXml(title)}</title>${rows.join('')}</svg>`;
}

export interface Series {
  name: string;
  /** Values by x label; a label without a value leaves a gap in the line. */
  values: Map<string, number>;
}

export interface LineChartOptions {
  title: string;
  xLabels: string[];
  series: Series[];
  max?: number;
  format: (value: number) => string;
}

const LINE_WIDTH = 640;
const LINE_HEIGHT = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };
const LEGEND_ROW = 18;

/** One line per series over shared x labels (periods), a y axis from 0, and a legend below. */
export function lineChart({ title, xLabels, series, max, format }: LineChartOptions): string {
  if (!xLabels.length || !series.length) return '';
  const top = Math.max(max ?? 0, ...series.flatMap((s) => [...s.values.values()])) || 1;
  const plotWidth = LINE_WIDTH - PAD.left - PAD.right;
  const plotHeight = LINE_HEIGHT - PAD.top - PAD.bottom;
  const x = (index: number) =>
    n(PAD.left + (xLabels.length === 1 ? plotWidth / 2 : (index / (xLabels.length - 1)) * plotWidth));
  const y = (value: number) => n(PAD.top + plotHeight - (value / top) * plotHeight);
  const axis = [0, top / 2, top]
    .map(
      (value) =>
        `<line x1="${PAD.left}" x2="${LINE_WIDTH - PAD.right}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e7eb"/><text x="${PAD.left - 4}" y="${y(value) + 4}" text-anchor="end" font-size="11">${escapeXml(format(value))}</text>`,
    )
    .join('');
  const ticks = xLabels
    .map(
      (label, index) =>
        `<text x="${x(index)}" y="${LINE_HEIGHT - 10}" text-anchor="middle" font-size="11">${escapeXml(label)}</text>`,
    )
    .join('');
  const lines = series.map((s, index) => {
    const colour = PALETTE[index % PALETTE.length];
    const points = xLabels.flatMap((label, i) => {
      const value = s.values.get(label);
      return value === undefined ? [] : [{ x: x(i), y: y(value), value }];
    });
    const path = points.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' ');
    const dots = points
      .map(
        (p) =>
          `<circle cx="${p.x}" cy="${p.y}" r="3" fill="${colour}"><title>${escapeXml(`${s.name}: ${format(p.value)}`)}</title></circle>`,
      )
      .join('');
    return `<g class="series"><path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>${dots}</g>`;
  });
  const legend = series
    .map(
      (s, index) =>
        `<g><rect x="${PAD.left + (index % 4) * 150}" y="${LINE_HEIGHT + Math.floor(index / 4) * LEGEND_ROW}" width="10" height="10" fill="${PALETTE[index % PALETTE.length]}"/><text x="${PAD.left + (index % 4) * 150 + 14}" y="${LINE_HEIGHT + Math.floor(index / 4) * LEGEND_ROW + 9}" font-size="11">${escapeXml(s.name)}</text></g>`,
    )
    .join('');
  const height = LINE_HEIGHT + Math.ceil(series.length / 4) * LEGEND_ROW;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${LINE_WIDTH} ${height}" width="100%" style="max-width:${LINE_WIDTH}px"><title>${escapeXml(title)}</title>${axis}${ticks}${lines.join('')}${legend}</svg>`;
}
