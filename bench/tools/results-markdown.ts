// Prints a results file's tables as Markdown, for docs/performance.md.
// Usage: node bench/tools/results-markdown.ts bench/results/<timestamp>.json
import { readFileSync } from 'node:fs';
import { renderMarkdownTable, type ScenarioTable } from '../lib/report.ts';

const [file] = process.argv.slice(2);
if (file !== undefined) {
  const results = JSON.parse(readFileSync(file, 'utf8')) as { systems: string[]; tables: ScenarioTable[] };
  for (const table of results.tables)
    console.log(`**${table.title}**\n\n${renderMarkdownTable(table, results.systems)}\n`);
}
