// Message search takes words a person typed, never query syntax: the text is cut into words here,
// and each word is quoted before it reaches FTS5 or to_tsquery, so quotes, `*`, `-`, `(`, `:`,
// `&`, AND, OR, NOT and NEAR are searched for as text (or dropped as separators), never obeyed.

/** Most words one search uses; a longer query is cut here, bounding the work one request can ask for. */
export const searchWordsMax = 16;

/**
 * The words of a query: runs of letters and digits, with the combining marks that follow a letter.
 * Everything else separates words, as it does for both engines' tokenizers (punctuation, spaces,
 * symbols, emoji), so a query word is never a fragment the index cannot hold.
 */
export function searchWords(query: string): string[] {
  return (query.normalize('NFC').match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu) ?? []).slice(0, searchWordsMax);
}

/**
 * An FTS5 MATCH expression: every word must occur, the last as a prefix (the person may still be
 * typing it). Words hold no `"`, so quoting each makes it a plain string whatever it spells.
 */
export function fts5Query(words: readonly string[]): string {
  return words.map((word, i) => `"${word}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

/**
 * A to_tsquery expression with the same meaning: quoted lexemes joined by `&`, the last one a
 * prefix match. Words hold no `'` or `\`, the only characters special inside a quoted lexeme.
 */
export function tsQuery(words: readonly string[]): string {
  return words.map((word, i) => `'${word}'${i === words.length - 1 ? ':*' : ''}`).join(' & ');
}
