import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ratio, renderMarkdownTable, renderTable, type ScenarioTable } from './report.ts';
import { escapeXml, niceCeiling, renderChart, type Panel } from './svg-chart.ts';

const systems = ['natter', 'socketio', 'ws'];
const table: ScenarioTable = {
  title: 'S2 big room',
  rows: [
    { label: 'deliveries/s', better: 'higher', values: { natter: 600_000, socketio: 100_000, ws: 800_000 } },
    { label: 'send→ack p99 (ms)', better: 'lower', values: { natter: 12, socketio: undefined, ws: undefined } },
  ],
};

describe('tables', () => {
  it('divides Natter by each peer, and says n/a where a value is missing', () => {
    assert.equal(ratio(600, 100), 6);
    assert.equal(ratio(undefined, 100), undefined);
    assert.equal(ratio(5, 0), undefined);
    const text = renderTable(table, systems);
    const lines = text.split('\n');
    assert.equal(lines[0], 'S2 big room');
    assert.match(lines[1] ?? '', /natter÷socketio\s+natter÷ws/);
    assert.match(lines[3] ?? '', /^deliveries\/s\s+600,000\s+100,000\s+800,000\s+6\.00×\s+0\.75×\s+higher/);
    assert.match(lines[4] ?? '', /12\.0\s+n\/a\s+n\/a\s+n\/a\s+n\/a\s+lower/);
  });

  it('right-aligns the numbers under their header', () => {
    const lines = renderTable(table, systems).split('\n').slice(1);
    const columnEnd = (lines[0] ?? '').indexOf('natter÷ws') + 'natter÷ws'.length;
    assert.equal((lines[2] ?? '').indexOf('0.75×') + '0.75×'.length, columnEnd);
    assert.equal((lines[3] ?? '').lastIndexOf('n/a') + 'n/a'.length, columnEnd);
  });

  it('renders the same table as Markdown', () => {
    const md = renderMarkdownTable(table, systems).split('\n');
    assert.equal(md[0], '| metric | natter | socketio | ws | natter ÷ socketio | natter ÷ ws | note |');
    assert.equal(md.length, 4);
    assert.match(md[2] ?? '', /^\| deliveries\/s \| 600,000 \| 100,000 \| 800,000 \| 6\.00× \| 0\.75× \|/);
  });
});

describe('SVG chart', () => {
  const panels: Panel[] = [
    {
      title: 'throughput <S2>',
      unit: 'deliveries/s',
      series: ['deliveries/s'],
      values: { natter: [600_000], socketio: [100_000], ws: [undefined] },
    },
    {
      title: 'latency',
      unit: 'ms',
      series: ['p50', 'p99'],
      values: { natter: [2, 30], socketio: [5, 80], ws: [1, 9] },
    },
  ];

  it('draws one bar per value, n/a for missing ones, with escaped text', () => {
    const svg = renderChart('Natter & friends', panels, systems);
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    const bars = svg.match(/<rect [^>]*fill="#(?!fff)[0-9a-f]{6}"><title>/g) ?? [];
    assert.equal(bars.length, 2 + 6);
    assert.ok(svg.includes('Natter &#38; friends'));
    assert.ok(svg.includes('throughput &#60;S2&#62;'));
    assert.ok(!svg.includes('<S2>'));
    assert.equal((svg.match(/>n\/a</g) ?? []).length, 1);
  });

  it('scales bars to a round axis top, the tallest bar reaching at most the top', () => {
    assert.equal(niceCeiling(600_000), 1_000_000);
    assert.equal(niceCeiling(80), 100);
    assert.equal(niceCeiling(9), 10);
    assert.equal(niceCeiling(0), 1);
    const svg = renderChart('t', [panels[1] as Panel], systems);
    const heights = [...svg.matchAll(/height="([\d.]+)" fill="#[0-9a-f]{6}"><title>/g)].map((m) => Number(m[1]));
    assert.equal(heights.length, 6);
    assert.equal(Math.max(...heights), (80 / 100) * 162);
  });

  it('escapes the five XML specials', () => {
    assert.equal(escapeXml(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
