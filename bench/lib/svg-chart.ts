/** One panel of the chart: for each system, one bar per series (e.g. p50, p99), on its own scale. */
export interface Panel {
  title: string;
  unit: string;
  series: readonly string[];
  /** Per system, one value per series; undefined where it does not apply. */
  values: Record<string, readonly (number | undefined)[]>;
}

const palette = ['#3b6fb6', '#e08a2c', '#4a9a5b', '#b6443b', '#7d5ba6', '#6b6b6b'];
const panelWidth = 420;
const panelHeight = 260;
const margin = { top: 42, right: 16, bottom: 56, left: 60 };

/** Escapes text for SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round number at or above `max` for the axis top, so gridlines fall on readable values. */
export function niceCeiling(max: number): number {
  if (!(max > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

function label(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(value >= 10_000_000 ? 0 : 1)}M`;
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  if (value >= 100) return String(Math.round(value));
  return value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function renderPanel(panel: Panel, systems: readonly string[], x0: number, y0: number): string {
  const plotW = panelWidth - margin.left - margin.right;
  const plotH = panelHeight - margin.top - margin.bottom;
  const all = systems.flatMap((s) => (panel.values[s] ?? []).filter((v): v is number => v !== undefined));
  const top = niceCeiling(Math.max(0, ...all));
  const out: string[] = [];
  const px = (x: number) => (x0 + x).toFixed(1);
  const py = (y: number) => (y0 + y).toFixed(1);
  out.push(
    `<text x="${px(panelWidth / 2)}" y="${py(20)}" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`,
  );
  for (let i = 0; i <= 4; i++) {
    const value = (top * i) / 4;
    const y = margin.top + plotH - (plotH * i) / 4;
    out.push(
      `<line x1="${px(margin.left)}" y1="${py(y)}" x2="${px(margin.left + plotW)}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${px(margin.left - 6)}" y="${py(y + 4)}" text-anchor="end" font-size="11">${label(value)}</text>`,
    );
  }
  out.push(
    `<text x="${px(14)}" y="${py(margin.top + plotH / 2)}" font-size="11" text-anchor="middle" transform="rotate(-90 ${px(14)} ${py(margin.top + plotH / 2)})">${escapeXml(panel.unit)}</text>`,
  );
  const groupW = plotW / Math.max(1, systems.length);
  const barW = (groupW * 0.8) / Math.max(1, panel.series.length);
  systems.forEach((system, g) => {
    const gx = margin.left + g * groupW + groupW * 0.1;
    (panel.values[system] ?? []).forEach((value, s) => {
      const x = gx + s * barW;
      if (value === undefined) {
        out.push(
          `<text x="${px(x + barW / 2)}" y="${py(margin.top + plotH - 4)}" font-size="10" text-anchor="middle">n/a</text>`,
        );
        return;
      }
      const h = (plotH * value) / top;
      const fill = palette[s % palette.length] ?? '#000';
      out.push(
        `<rect x="${px(x)}" y="${py(margin.top + plotH - h)}" width="${(barW * 0.92).toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"><title>${escapeXml(`${system} ${panel.series[s] ?? ''}: ${label(value)} ${panel.unit}`)}</title></rect>`,
        `<text x="${px(x + barW / 2)}" y="${py(margin.top + plotH - h - 3)}" font-size="9" text-anchor="middle">${label(value)}</text>`,
      );
    });
    out.push(
      `<text x="${px(gx + groupW * 0.4)}" y="${py(margin.top + plotH + 16)}" text-anchor="middle" font-size="12">${escapeXml(system)}</text>`,
    );
  });
  let lx = margin.left;
  panel.series.forEach((name, s) => {
    const x = lx;
    lx += Math.max(60, name.length * 7 + 24);
    const ly = panelHeight - 18;
    out.push(
      `<rect x="${px(x)}" y="${py(ly - 9)}" width="10" height="10" fill="${palette[s % palette.length] ?? '#000'}"/>`,
      `<text x="${px(x + 14)}" y="${py(ly)}" font-size="11">${escapeXml(name)}</text>`,
    );
  });
  return out.join('\n');
}

/** The whole chart: panels in rows of two, a title on top. Self-contained SVG, no scripts. */
export function renderChart(title: string, panels: readonly Panel[], systems: readonly string[]): string {
  const columns = 2;
  const rows = Math.ceil(panels.length / columns);
  const width = columns * panelWidth;
  const height = 40 + rows * panelHeight;
  const body = panels.map((panel, i) =>
    renderPanel(panel, systems, (i % columns) * panelWidth, 40 + Math.floor(i / columns) * panelHeight),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
