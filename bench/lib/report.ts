/** One measured quantity across the systems; a value is undefined where it does not apply. */
export interface Row {
  label: string;
  /** Which way is good, for reading the ratio. */
  better: 'higher' | 'lower';
  values: Record<string, number | undefined>;
  /** Shown after the values, e.g. "client-bound" or a bar's verdict. */
  note?: string;
}

/** The rows of one scenario. */
export interface ScenarioTable {
  title: string;
  rows: Row[];
}

function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 100_000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return String(Math.round(value));
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * Natter's value divided by the peer's, or undefined when either is missing or the peer's is 0.
 * Read with the row's direction: for "higher is better" above 1 means Natter does better; for
 * "lower is better" below 1 does.
 */
export function ratio(natter: number | undefined, peer: number | undefined): number | undefined {
  if (natter === undefined || peer === undefined || peer === 0) return undefined;
  return natter / peer;
}

/**
 * A plain-text table: a column per system, then Natter's ratio to each peer. `systems[0]` is
 * Natter; the ratio columns are "natter ÷ <peer>".
 */
export function renderTable(table: ScenarioTable, systems: readonly string[]): string {
  const [first, ...peers] = systems;
  const header = ['metric', ...systems, ...peers.map((p) => `${first ?? ''}÷${p}`), 'better', 'note'];
  const lines = table.rows.map((row) => [
    row.label,
    ...systems.map((s) => formatNumber(row.values[s])),
    ...peers.map((p) => {
      const r = ratio(first === undefined ? undefined : row.values[first], row.values[p]);
      return r === undefined ? 'n/a' : `${r.toFixed(2)}×`;
    }),
    row.better,
    row.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 || i >= cells.length - 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [table.title, format(header), rule, ...lines.map(format)].join('\n');
}

/** The same table as Markdown, for docs/performance.md. */
export function renderMarkdownTable(table: ScenarioTable, systems: readonly string[]): string {
  const [first, ...peers] = systems;
  const header = ['metric', ...systems, ...peers.map((p) => `${first ?? ''} ÷ ${p}`), 'note'];
  const lines = table.rows.map((row) =>
    [
      row.label,
      ...systems.map((s) => formatNumber(row.values[s])),
      ...peers.map((p) => {
        const r = ratio(first === undefined ? undefined : row.values[first], row.values[p]);
        return r === undefined ? 'n/a' : `${r.toFixed(2)}×`;
      }),
      row.note ?? '',
    ].join(' | '),
  );
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...lines.map((l) => `| ${l} |`),
  ].join('\n');
}
