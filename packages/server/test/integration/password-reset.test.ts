import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { clientFrom, errorCode, signUp, uniqueName } from '../helpers/people.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';
import { onEveryEngine } from '../helpers/suite.ts';

const mailServers: TestSmtpServer[] = [];
after(async () => {
  await Promise.all(mailServers.map((m) => m.close()));
});

/** The reset token from a mail's link, which must point at the configured public URL. */
function tokenFrom(text: string): string {
  const match = /http:\/\/chat\.example\.test\/reset-password#token=([A-Za-z0-9_-]+)/.exec(text);
  assert.ok(match?.[1], `no reset link in:\n${text}`);
  return match[1];
}

let smtp: TestSmtpServer;

onEveryEngine(
  'password reset by email',
  async () => {
    smtp = await startTestSmtpServer();
    mailServers.push(smtp);
    return { NATTER_SMTP_URL: smtp.url, NATTER_MAIL_FROM: 'Natter <natter@chat.example.test>' };
  },
  (server) => {
    it('mails a link built from the public URL; the token works once and ends every session', async () => {
      const { client, person } = await signUp(server().url);
      const phone = clientFrom(server().url);
      await phone.login({ login: person.username, password: person.password });

      // A hostile Host header must not steer the link.
      const anon = clientFrom(server().url);
      const answer = await anon.requestPasswordReset({ email: person.email.toUpperCase() });
      const mail = await smtp.waitForMail((m) => m.to.includes(person.email));
      assert.equal(mail.subject, 'Reset your Natter password');
      const token = tokenFrom(mail.text);
      assert.ok(token.length >= 43, '256 random bits, base64url');

      const reset = await anon.confirmPasswordReset({
        token,
        newPassword: 'brand new secret words',
        deviceLabel: 'reset',
      });
      assert.equal(reset.user.username, person.username);
      assert.equal(await errorCode(() => client.getMe()), 'session_revoked');
      assert.equal(await errorCode(() => phone.getMe()), 'session_revoked');
      await anon.getMe();
      assert.equal(
        await errorCode(() =>
          clientFrom(server().url).confirmPasswordReset({ token, newPassword: 'another new secret' }),
        ),
        'invalid_reset_token',
      );
      await clientFrom(server().url).login({ login: person.username, password: 'brand new secret words' });
      assert.match(answer.message, /If that address belongs to an account/);
    });

    it('answers the same for an unknown address and sends nothing', async () => {
      const { person } = await signUp(server().url);
      const anon = clientFrom(server().url);
      const before = smtp.mails.length;
      const unknown = await anon.requestPasswordReset({ email: `${uniqueName()}@example.test` });
      const known = await anon.requestPasswordReset({ email: person.email });
      assert.deepEqual(unknown, known);
      await smtp.waitForMail((m) => m.to.includes(person.email));
      assert.equal(smtp.mails.length, before + 1, 'only the real account got a mail');
    });

    it('expires links after 30 minutes and refuses weak new passwords', async () => {
      const { person } = await signUp(server().url);
      const anon = clientFrom(server().url);
      await anon.requestPasswordReset({ email: person.email });
      const token = tokenFrom((await smtp.waitForMail((m) => m.to.includes(person.email))).text);
      assert.equal(
        await errorCode(() => anon.confirmPasswordReset({ token, newPassword: 'password' })),
        'password_too_common',
      );
      server().clock.advance(31 * 60_000);
      assert.equal(
        await errorCode(() => anon.confirmPasswordReset({ token, newPassword: 'fine new pass words' })),
        'invalid_reset_token',
      );
      assert.equal(
        await errorCode(() =>
          anon.confirmPasswordReset({ token: 'made-up-token', newPassword: 'fine new pass words' }),
        ),
        'invalid_reset_token',
      );
    });
  },
);
