import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import MimeNode from 'nodemailer/lib/mime-node';
import { foldLines } from 'nodemailer/lib/mime-funcs';
import { encode as encodeQuotedPrintable, wrap as wrapQuotedPrintable } from 'nodemailer/lib/qp';

import type { Logger, Mail, Mailer } from '../../ports/index.ts';

/** Options for {@link createOutboxMailer}. */
export interface OutboxMailerOptions {
  /** Folder the .eml files go to; created (mode 0700) when missing. */
  dir: string;
  /** The From header, e.g. `Natter <noreply@chat.example>`. */
  from: string;
  logger: Logger;
}

// RFC 5322 §2.1.1: a line may not exceed 998 octets plus CRLF. Longer lines fall back to
// quoted-printable, which wraps them; everything else stays 8bit so the file reads as plain text.
const MAX_LINE_OCTETS = 998;

/**
 * A mailer for a single machine with no mail server: each mail becomes an .eml file in `dir` and
 * one log line. The log line carries the mail's text on purpose: without a mail server, the log is
 * where the operator reads a password reset link, so this is the one place a token is logged.
 */
export function createOutboxMailer(options: OutboxMailerOptions): Mailer {
  const logger = options.logger.child({ component: 'outbox-mailer' });

  return {
    async send(mail: Mail): Promise<void> {
      const message = composeMessage(options.from, mail, new Date());
      // Created on each send (a no-op when present) so a folder removed by hand comes back.
      await mkdir(options.dir, { recursive: true, mode: 0o700 });
      const file = join(options.dir, outboxFileName(new Date()));
      // 'wx' never overwrites: a name clash is an error, not a lost mail.
      await writeFile(file, message, { mode: 0o600, flag: 'wx' });
      logger.info(
        { to: mail.to, subject: mail.subject, file, text: mail.text },
        'no SMTP server configured: mail written to the outbox',
      );
    },
    close(): Promise<void> {
      return Promise.resolve();
    },
  };
}

/** `2025-01-02T03-04-05.678Z-<12 hex>.eml`: sorts by time, and nothing in it comes from the mail. */
function outboxFileName(now: Date): string {
  return `${now.toISOString().replace(/:/g, '-')}-${randomBytes(6).toString('hex')}.eml`;
}

/** Builds an RFC 5322 message with a plain-text UTF-8 body and CRLF line ends. */
function composeMessage(from: string, mail: Mail, now: Date): Buffer {
  // A recipient is a single address; a line break in it could only be an attempt to add headers.
  if (/[\r\n]/.test(mail.to)) throw new Error('mail recipient contains a line break');

  const bodyLines = mail.text.split(/\r\n|\r|\n/);
  const needsWrapping = bodyLines.some((line) => Buffer.byteLength(line, 'utf8') > MAX_LINE_OCTETS);
  const body = needsWrapping
    ? wrapQuotedPrintable(encodeQuotedPrintable(bodyLines.join('\r\n')), 76)
    : bodyLines.join('\r\n');

  const headers: [string, string][] = [
    ['From', from],
    ['To', mail.to],
    // encodeHeaderValue turns non-ASCII into RFC 2047 encoded-words and line breaks into spaces.
    ['Subject', mail.subject],
    ['Date', rfc5322Date(now)],
    ['Message-ID', `<${randomUUID()}@${messageIdDomain(from)}>`],
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Transfer-Encoding', needsWrapping ? 'quoted-printable' : '8bit'],
  ];
  const head = headers
    .map(([key, value]) => foldLines(`${key}: ${MimeNode.encodeHeaderValue(key, value)}`, 76))
    .join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${body}\r\n`, 'utf8');
}

/** `Tue, 02 Jan 2025 03:04:05 +0000`: RFC 5322 wants a numeric zone, toUTCString says "GMT". */
function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/** The sender's domain, so Message-IDs look like the ones a mail server would make. */
function messageIdDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
}
