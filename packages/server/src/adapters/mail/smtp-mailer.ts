import { createTransport } from 'nodemailer';

import type { Logger, Mail, Mailer } from '../../ports/index.ts';

/** Options for {@link createSmtpMailer}. */
export interface SmtpMailerOptions {
  /** `smtp://[user:pass@]host[:port]` (STARTTLS when offered) or `smtps://...` (TLS from the start). */
  url: string;
  /** The From header, e.g. `Natter <noreply@chat.example>`. */
  from: string;
  logger: Logger;
}

// A mail server that stops answering must not hold a password reset request open for minutes
// (nodemailer's defaults are 2 and 10 minutes), yet a slow server on a busy day still gets time.
const CONNECTION_TIMEOUT_MS = 15_000;
const GREETING_TIMEOUT_MS = 15_000;
const SOCKET_TIMEOUT_MS = 30_000;
const MAX_CONNECTIONS = 3;

interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | undefined;
}

/** Sends mail through an SMTP server, over a small pool of reused connections. */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const target = parseSmtpUrl(options.url);
  // host:port is all that is ever logged or put in an error: the URL may carry a password.
  const server = `${target.host}:${target.port}`;
  const logger = options.logger.child({ component: 'smtp-mailer', server });

  const transport = createTransport({
    pool: true,
    maxConnections: MAX_CONNECTIONS,
    host: target.host,
    port: target.port,
    secure: target.secure,
    ...(target.auth === undefined ? {} : { auth: target.auth }),
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
  // An 'error' event with no listener would take the whole process down; a failed delivery is
  // reported through send()'s promise, so anything arriving here is only worth a warning.
  transport.on('error', (err: Error) => {
    logger.warn({ err }, 'SMTP transport error');
  });
  logger.info({ secure: target.secure, auth: target.auth !== undefined }, 'SMTP mailer ready');

  return {
    async send(mail: Mail): Promise<void> {
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
        });
        logger.debug({ messageId: info.messageId }, 'mail accepted by the SMTP server');
      } catch (err) {
        throw new Error(`SMTP server ${server} did not accept the mail: ${errorMessage(err)}`, { cause: err });
      }
    },
    close(): Promise<void> {
      // Idle connections close now; one in the middle of a delivery finishes it first.
      transport.close();
      return Promise.resolve();
    },
  };
}

/** Reads host, port, TLS mode and credentials from an `smtp:` or `smtps:` URL. */
function parseSmtpUrl(url: string): SmtpTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not rethrown as is: Node's TypeError carries the whole input, password included.
    throw new Error('SMTP URL is not a valid URL');
  }
  const secure = parsed.protocol === 'smtps:';
  if (!secure && parsed.protocol !== 'smtp:') {
    throw new Error(`SMTP URL must start with smtp:// or smtps://, not ${parsed.protocol}//`);
  }
  // WHATWG URLs keep brackets around IPv6 hosts; sockets want the bare address.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new Error('SMTP URL has no host');
  const port = parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port);
  const auth =
    parsed.username === '' && parsed.password === ''
      ? undefined
      : { user: decodeCredential(parsed.username), pass: decodeCredential(parsed.password) };
  return { host, port, secure, auth };
}

/** Undoes the URL's percent-encoding, so a password may contain `@`, `:` or `/` written as %40 etc. */
function decodeCredential(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new Error('SMTP URL credentials contain a malformed %-escape');
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
