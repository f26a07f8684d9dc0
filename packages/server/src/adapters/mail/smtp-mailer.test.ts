import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Logger } from '../../ports/index.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../../../test/helpers/smtp.ts';
import { createSmtpMailer } from './smtp-mailer.ts';

const FROM = 'Natter <noreply@chat.example>';

/** A logger that keeps every line, so tests can check what was (and was not) logged. */
function recordingLogger(): Logger & { lines: { level: string; obj: object; msg: string | undefined }[] } {
  const lines: { level: string; obj: object; msg: string | undefined }[] = [];
  const make = (bindings: object): Logger => ({
    info: (obj, msg) => lines.push({ level: 'info', obj: { ...bindings, ...obj }, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj: { ...bindings, ...obj }, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj: { ...bindings, ...obj }, msg }),
    debug: (obj, msg) => lines.push({ level: 'debug', obj: { ...bindings, ...obj }, msg }),
    child: (more) => make({ ...bindings, ...more }),
  });
  return Object.assign(make({}), { lines });
}

describe('SMTP mailer', () => {
  let smtp: TestSmtpServer;

  before(async () => {
    smtp = await startTestSmtpServer();
  });
  after(async () => {
    await smtp.close();
  });

  it('delivers to the recipient with a non-ASCII subject and a long link line intact', async (t) => {
    const mailer = createSmtpMailer({ url: smtp.url, from: FROM, logger: recordingLogger() });
    t.after(() => mailer.close());
    const link = `https://chat.example/reset-password?token=${'Zx9_-'.repeat(40)}&next=%2Frooms%2Fgeneral`;
    const subject = 'Réinitialisez votre mot de passe — 🔑 Natter';
    const text = `Bonjour Zoë,\n\nOpen this link within an hour:\n${link}\n\n— Natter`;

    await mailer.send({ to: 'zoe@example.test', subject, text });

    const mail = await smtp.waitForMail((m) => m.to.includes('zoe@example.test'));
    assert.deepEqual(mail.to, ['zoe@example.test']);
    assert.equal(mail.from, 'noreply@chat.example');
    assert.equal(mail.subject, subject);
    assert.equal(mail.text, text);
    assert.ok(mail.text.split('\n').includes(link), 'the link is one unbroken line');
    assert.match(mail.raw, /^From: Natter <noreply@chat\.example>\r$/m);
  });

  it('logs in with credentials from the URL and never logs them', async (t) => {
    const logger = recordingLogger();
    const url = smtp.url.replace('smtp://', 'smtp://mailer:s3cr%40t-pass@');
    const mailer = createSmtpMailer({ url, from: FROM, logger });
    t.after(() => mailer.close());

    await mailer.send({ to: 'auth@example.test', subject: 'hello', text: 'hi' });

    await smtp.waitForMail((m) => m.to.includes('auth@example.test'));
    const logged = JSON.stringify(logger.lines);
    assert.ok(logged.includes(new URL(smtp.url).host), 'host:port is logged');
    assert.ok(!logged.includes('s3cr'), 'the password is not logged');
    assert.ok(!logged.includes('smtp://'), 'the URL is not logged');
  });

  it('rejects with an Error naming host:port when the server is down', async (t) => {
    const down = await startTestSmtpServer();
    await down.close();
    const url = down.url.replace('smtp://', 'smtp://mailer:hunter2-secret@');
    const mailer = createSmtpMailer({ url, from: FROM, logger: recordingLogger() });
    t.after(() => mailer.close());

    await assert.rejects(mailer.send({ to: 'nobody@example.test', subject: 'lost', text: 'lost' }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.ok(err.message.includes(new URL(down.url).host), err.message);
      assert.ok(!err.message.includes('hunter2'), 'no password in the error');
      return true;
    });
  });

  it('refuses a URL that is not smtp: or smtps: without echoing it', () => {
    assert.throws(
      () => createSmtpMailer({ url: 'http://user:topsecret@mail.example', from: FROM, logger: recordingLogger() }),
      (err: unknown) => err instanceof Error && /smtp:\/\//.test(err.message) && !err.message.includes('topsecret'),
    );
    assert.throws(
      () => createSmtpMailer({ url: 'not a url topsecret', from: FROM, logger: recordingLogger() }),
      (err: unknown) => err instanceof Error && !err.message.includes('topsecret'),
    );
  });
});
