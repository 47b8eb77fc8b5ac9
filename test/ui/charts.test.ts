import { describe, expect, it } from 'vitest';
import { barChart, escapeXml, lineChart } from '../../src/ui/charts.ts';

const percent = (value: number) => `${Math.round(value * 100)}%`;

describe('barChart', () => {
  it('draws one bar per row, as long as its share of the largest, with its value written out', () => {
    const svg = barChart({
      title: 'Rejection rate',
      bars: [
        { label: 'TR · tr', value: 0.75, highlight: true },
        { label: 'PL · pl', value: 0.125 },
      ],
      max: 1,
      format: percent,
    });
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="Rejection rate"/);
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([270, 45]);
    expect(svg).toContain('>75%</text>');
    expect(svg).toContain('<g class="row highlight">');
    expect(svg.match(/class="row highlight"/g)).toHaveLength(1);
  });

  it('draws a marker tick and both values when a bar has one (median · p90)', () => {
    const svg = barChart({
      title: 'Hours',
      bars: [{ label: 'sandbox · TR', value: 4.5, marker: 9 }],
      format: String,
    });
    expect(svg).toContain('class="marker" x1="530"');
    expect(svg).toContain('>4.5 · 9</text>');
  });

  it('escapes every label, so a template or reason cannot inject markup', () => {
    const svg = barChart({
      title: '<b>"x"</b>',
      bars: [{ label: '<script>alert(1)</script>&', value: 1 }],
      format: () => "'",
    });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&#60;script&#62;alert(1)&#60;/script&#62;&#38;');
    expect(svg).toContain('&#39;</text>');
  });

  it('draws nothing without data', () => {
    expect(barChart({ title: 'x', bars: [], format: String })).toBe('');
  });
});

describe('lineChart', () => {
  it('draws a line per series over the shared periods, leaving gaps where a series has no value', () => {
    const svg = lineChart({
      title: 'Rate by week',
      xLabels: ['2026-03-02', '2026-03-09', '2026-03-16'],
      series: [
        {
          name: 'TR',
          values: new Map([
            ['2026-03-02', 0.5],
            ['2026-03-09', 1],
            ['2026-03-16', 0],
          ]),
        },
        { name: 'PL', values: new Map([['2026-03-09', 0.25]]) },
      ],
      max: 1,
      format: percent,
    });
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]);
    expect(paths).toEqual(['M48 102 L338 12 L628 192', 'M338 147']);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).toContain('>2026-03-09</text>');
    expect(svg).toContain('<title>TR: 100%</title>');
  });

  it('escapes series names and period labels', () => {
    const svg = lineChart({
      title: 't',
      xLabels: ['<x>'],
      series: [{ name: '"><script>', values: new Map([['<x>', 1]]) }],
      format: String,
    });
    expect(svg).not.toMatch(/<script|<x>/);
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials and nothing else', () => {
    expect(escapeXml(`<a href="x">'Ş' & ü</a>`)).toBe(
      '&#60;a href=&#34;x&#34;&#62;&#39;Ş&#39; &#38; ü&#60;/a&#62;',
    );
  });
});
