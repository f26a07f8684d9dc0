import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { isCommonPassword, isGuessablePassword, isRepetitiveOrSequential, passwordLength } from './password-policy.ts';

describe('isCommonPassword', () => {
  it('refuses listed passwords', () => {
    for (const password of ['password', '12345678', 'iloveyou', 'qwerty123', 'trustno1']) {
      assert.equal(isCommonPassword(password), true, password);
    }
  });

  it('refuses case variants of listed passwords', () => {
    for (const password of ['PASSWORD', 'Password', 'PASSWORD1', 'PassW0rd', 'ILoveYou', 'Letmein1']) {
      assert.equal(isCommonPassword(password), true, password);
    }
  });

  it('accepts a random 20-character password', () => {
    const password = randomBytes(15).toString('base64url');
    assert.equal(password.length, 20);
    assert.equal(isCommonPassword(password), false);
  });

  it('does not match on a prefix or with surrounding whitespace', () => {
    assert.equal(isCommonPassword('password-but-longer-and-mine'), false);
    assert.equal(isCommonPassword(''), false);
  });
});

describe('common-passwords.txt', () => {
  it('has exactly 10,000 unique, lower-case, non-empty lines', () => {
    const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
    assert.ok(text.endsWith('\n'), 'ends with a newline');
    assert.ok(!text.includes('\r'), 'no CR line ends');
    const lines = text.slice(0, -1).split('\n');
    assert.equal(lines.length, 10_000);
    assert.equal(new Set(lines).size, 10_000);
    for (const line of lines) {
      assert.ok(line.length > 0 && line === line.toLowerCase() && line.trim() === line, JSON.stringify(line));
    }
    // Most common first: the well-known top of every leaked-password list.
    assert.deepEqual(lines.slice(0, 2), ['123456', 'password']);
  });
});

describe('passwordLength', () => {
  it('counts ASCII characters', () => {
    assert.equal(passwordLength('abcdefgh'), 8);
  });

  it('counts an astral-plane character (two UTF-16 units) as one', () => {
    assert.equal('😀'.length, 2);
    assert.equal(passwordLength('😀'), 1);
    assert.equal(passwordLength('pass😀😀😀😀'), 8);
    assert.equal(passwordLength('𝔘𝔫𝔦𝔠𝔬𝔡𝔢'), 7);
  });

  it('counts accented and CJK characters as one each', () => {
    assert.equal(passwordLength('héllo wörld'), 11);
    assert.equal(passwordLength('密码密码'), 4);
  });
});

describe('isRepetitiveOrSequential', () => {
  it('refuses repeated units and straight runs', () => {
    for (const p of [
      'aaaaaaaa',
      '00000000',
      'abcabcabc',
      '12121212',
      '23456789',
      '987654321',
      '4567890123',
      '3210987654',
      'HGFEDCBA',
    ]) {
      assert.equal(isRepetitiveOrSequential(p), true, p);
      assert.equal(isGuessablePassword(p), true, p);
    }
  });
  it('accepts passwords that only contain a short run', () => {
    for (const p of ['abcdefgX', '12345679', 'correct horse battery', 'aaaaaaab']) {
      assert.equal(isRepetitiveOrSequential(p), false, p);
    }
  });
});
