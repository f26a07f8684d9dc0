import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeHref, tokenize } from './text-tokens.ts';

describe('message text tokens', () => {
  it('keeps markup as plain text', () => {
    const text = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    assert.deepEqual(tokenize(text), [{ kind: 'text', text }]);
  });

  it('links http, https and mailto only', () => {
    assert.deepEqual(tokenize('see https://example.com/a?b=1 now'), [
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ' now' },
    ]);
    assert.deepEqual(
      tokenize('mail mailto:ada@example.com').map((t) => t.kind),
      ['text', 'link'],
    );
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:msgbox', 'file:///etc/passwd']) {
      assert.ok(
        tokenize(text).every((t) => t.kind === 'text'),
        text,
      );
    }
    assert.equal(safeHref('javascript:alert(1)'), null);
    assert.equal(safeHref('http://'), null);
  });

  it('leaves closing punctuation out of a link', () => {
    const tokens = tokenize('(read https://example.com/docs).');
    assert.deepEqual(tokens[1], { kind: 'link', text: 'https://example.com/docs', href: 'https://example.com/docs' });
    assert.deepEqual(tokens[2], { kind: 'text', text: ').' });
  });

  it('finds @mentions but not email addresses', () => {
    assert.deepEqual(tokenize('hi @ada.l, mail bob@example.com'), [
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@ada.l', username: 'ada.l' },
      { kind: 'text', text: ', mail bob@example.com' },
    ]);
  });

  it('loses no character of the original text', () => {
    const samples = ['a @b https://c.example/d. e', '@@x', 'https://x.example/(y)', '', '🎉 @émile https://ü.example'];
    for (const text of samples) {
      assert.equal(
        tokenize(text)
          .map((t) => t.text)
          .join(''),
        text,
      );
    }
  });
});
