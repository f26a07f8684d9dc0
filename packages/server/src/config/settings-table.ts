import { settings } from './settings.ts';

/** The README's table of every setting, as Markdown. */
export function settingsTable(): string {
  const rows = Object.values(settings).map((s) => {
    const def =
      s.defaultDoc ?? (typeof s.default === 'string' ? (s.default === '' ? '(empty)' : `\`${s.default}\``) : '(unset)');
    return `| \`${s.env}\` | \`${s.flag}\` | ${def} | ${s.doc} |`;
  });
  return ['| Variable | Flag | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}
