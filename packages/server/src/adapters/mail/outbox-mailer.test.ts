import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';

import type { Logger } from '../../ports/index.ts';
import { decodeMessage } from '../../../test/helpers/smtp.ts';
import { createOutboxMailer } from './outbox-mailer.ts';

const FROM = 'Natter <noreply@chat.example>';
const FILE_NAME = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-[0-9a-f]{12}\.eml$/;

interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
}

function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: object): Logger => ({
    info: (obj, msg) => lines.push({ level: 'info', obj: { ...bindings, ...obj }, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj: { ...bindings, ...obj }, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj: { ...bindings, ...obj }, msg }),
    debug: (obj, msg) => lines.push({ level: 'debug', obj: { ...bindings, ...obj }, msg }),
    child: (more) => make({ ...bindings, ...more }),
  });
  return Object.assign(make({}), { lines });
}

/** An outbox in a fresh temporary folder that does not exist yet. */
async function setup(t: TestContext) {
  const root = await mkdtemp(join(tmpdir(), 'natter-outbox-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'mail', 'outbox');
  const logger = recordingLogger();
  const mailer = createOutboxMailer({ dir, from: FROM, logger });
  t.after(() => mailer.close());
  const files = async () => (await readdir(dir)).map((name) => join(dir, name));
  return { dir, logger, mailer, files };
}

/** Header lines of an .eml file, unfolded, by lower-case name. */
function headersOf(raw: string): Map<string, string> {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n(?=[ \t])/g, '');
  return new Map(
    head.split('\r\n').map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
}

describe('outbox mailer', () => {
  it('writes a private .eml file with the standard headers and a CRLF body', async (t) => {
    const { dir, mailer, files } = await setup(t);
    const subject = 'Réinitialisez votre mot de passe — 🔑';
    const text = 'Hello Zoë,\n\nhttps://chat.example/reset?token=abc123\n';
    const before = Date.now();

    await mailer.send({ to: 'zoe@example.test', subject, text });

    const [file, ...others] = await files();
    assert.ok(file !== undefined && others.length === 0, 'exactly one file');
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal((await stat(file)).mode & 0o777, 0o600);

    const bytes = await readFile(file);
    const raw = bytes.toString('utf8');
    assert.doesNotMatch(raw, /[^\r]\n/, 'every line ends in CRLF');
    const headers = headersOf(raw);
    assert.equal(headers.get('from'), FROM);
    assert.equal(headers.get('to'), 'zoe@example.test');
    assert.match(headers.get('subject') ?? '', /^=\?UTF-8\?[QB]\?/i, 'non-ASCII subject is RFC 2047-encoded');
    assert.match(headers.get('subject') ?? '', /^[\x20-\x7e]*$/, 'the encoded subject is ASCII');
    const date = Date.parse(headers.get('date') ?? '');
    assert.ok(date >= before - 1000 && date <= Date.now() + 1000, `Date header ${headers.get('date')}`);
    assert.match(headers.get('message-id') ?? '', /^<[^<>@\s]+@chat\.example>$/);
    assert.equal(headers.get('mime-version'), '1.0');
    assert.equal(headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(headers.get('content-transfer-encoding'), '8bit');
    assert.ok(raw.endsWith('\r\n\r\nHello Zoë,\r\n\r\nhttps://chat.example/reset?token=abc123\r\n\r\n'));

    const decoded = decodeMessage(bytes);
    assert.equal(decoded.subject, subject);
    assert.equal(decoded.text, text);
  });

  it('logs one info line with the text, so the operator can read the reset link', async (t) => {
    const { logger, mailer, files } = await setup(t);
    const text = 'Reset: https://chat.example/reset?token=tok_42';

    await mailer.send({ to: 'bob@example.test', subject: 'Reset your password', text });

    const [file] = await files();
    assert.equal(logger.lines.length, 1);
    const [line] = logger.lines;
    assert.equal(line?.level, 'info');
    assert.equal(line.msg, 'no SMTP server configured: mail written to the outbox');
    assert.equal(line.obj.to, 'bob@example.test');
    assert.equal(line.obj.subject, 'Reset your password');
    assert.equal(line.obj.file, file);
    assert.equal(line.obj.text, text);
  });

  it('names files from the time and randomness, never from the mail', async (t) => {
    const { dir, mailer, files } = await setup(t);
    const hostile = { to: '../../../tmp/evil@example.test', subject: '../../etc/passwd', text: 'x' };

    await mailer.send(hostile);
    await mailer.send(hostile);

    const written = await files();
    assert.equal(written.length, 2, 'two sends, two files, nothing overwritten');
    for (const file of written) {
      assert.equal(dirname(file), dir);
      const name = file.slice(dir.length + 1);
      assert.match(name, FILE_NAME);
      assert.ok(!name.includes('evil') && !name.includes('passwd'));
    }
  });

  it('keeps a line break in the subject from adding a header, and refuses one in the recipient', async (t) => {
    const { mailer, files } = await setup(t);

    await mailer.send({ to: 'a@example.test', subject: 'hi\r\nBcc: victim@example.test', text: 'x' });
    await assert.rejects(mailer.send({ to: 'a@example.test\r\nBcc: victim@example.test', subject: 's', text: 'x' }));

    const [file, ...others] = await files();
    assert.ok(file !== undefined && others.length === 0);
    const headers = headersOf(await readFile(file, 'utf8'));
    assert.equal(headers.has('bcc'), false);
  });

  it('falls back to quoted-printable for a line longer than RFC 5322 allows', async (t) => {
    const { mailer, files } = await setup(t);
    const text = `short\n${'é'.repeat(600)}\nend`;

    await mailer.send({ to: 'a@example.test', subject: 'long', text });

    const [file] = await files();
    assert.ok(file !== undefined);
    const bytes = await readFile(file);
    const raw = bytes.toString('utf8');
    assert.equal(headersOf(raw).get('content-transfer-encoding'), 'quoted-printable');
    assert.ok(raw.split('\r\n').every((line) => line.length <= 998));
    assert.equal(decodeMessage(bytes).text, text);
  });
});
