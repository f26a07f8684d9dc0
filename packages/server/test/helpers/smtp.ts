import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

/** A mail as the test SMTP server received it, with subject and body decoded. */
export interface ReceivedMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** Subject header with RFC 2047 encoded-words decoded. */
  subject: string;
  /** The text/plain body, transfer encoding and charset undone, line ends as `\n`. */
  text: string;
  /** The whole message as sent, read as UTF-8. */
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that keeps every mail it accepts. */
export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`, for the code under test. */
  url: string;
  /** Every mail accepted so far, oldest first. */
  mails: ReceivedMail[];
  /** The first mail (already received or still to come) that matches; rejects after `timeoutMs`. */
  waitForMail(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Stops the server and fails any waitForMail still pending. */
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const DEFAULT_WAIT_MS = 5000;

interface Waiter {
  predicate: (mail: ReceivedMail) => boolean;
  resolve: (mail: ReceivedMail) => void;
  reject: (err: Error) => void;
}

/** Starts a plain-text SMTP server (no TLS, any or no login accepted) on a free port. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  const waiters = new Set<Waiter>();

  const accept = (mail: ReceivedMail): void => {
    mails.push(mail);
    for (const waiter of waiters) {
      if (waiter.predicate(mail)) waiter.resolve(mail);
    }
  };

  const server = new SMTPServer({
    logger: false,
    // No certificate to trust in tests, so no STARTTLS; nodemailer then stays on plain text.
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    // A client that keeps a pooled connection open must not hold close() for the default 30 s.
    closeTimeout: 1000,
    onData(stream, session, callback) {
      readStream(stream).then(
        (raw) => {
          if (!stream.sizeExceeded) accept(toReceivedMail(raw, session));
          callback();
        },
        (err: unknown) => {
          callback(err instanceof Error ? err : new Error(String(err)));
        },
      );
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('test SMTP server has no TCP address');

  return {
    url: `smtp://127.0.0.1:${address.port}`,
    mails,
    waitForMail(predicate, timeoutMs = DEFAULT_WAIT_MS) {
      const found = mails.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<ReceivedMail>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = mails.map((m) => `${m.to.join(',')}: "${m.subject}"`).join('; ') || 'none';
          reject(new Error(`no matching mail arrived within ${timeoutMs} ms (received ${mails.length}: ${seen})`));
        }, timeoutMs);
        const settle = (): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        const waiter: Waiter = {
          predicate,
          resolve: (mail) => {
            settle();
            resolve(mail);
          },
          reject: (err) => {
            settle();
            reject(err);
          },
        };
        waiters.add(waiter);
      });
    },
    close() {
      for (const waiter of waiters) waiter.reject(new Error('test SMTP server closed while waiting for mail'));
      return new Promise<void>((resolve) => {
        server.close(resolve);
      });
    },
  };
}

async function readStream(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toReceivedMail(raw: Buffer, session: SMTPServerSession): ReceivedMail {
  return {
    from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
    to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    ...decodeMessage(raw),
    raw: raw.toString('utf8'),
  };
}

/** Decodes the subject and plain-text body of a raw RFC 5322 message (also used on .eml files). */
export function decodeMessage(raw: Buffer): { subject: string; text: string } {
  // latin1 maps each byte to one char, so the MIME structure can be cut with string functions and
  // the bytes of a part recovered exactly before its own charset is applied.
  const { headers, body } = splitEntity(raw.toString('latin1').replace(/\r?\n/g, '\r\n'));
  const subject = headers.get('subject') ?? '';
  return {
    subject: decodeEncodedWords(Buffer.from(subject, 'latin1').toString('utf8')),
    // The CRLF that ends the message ends its last line; it is not part of the text.
    text: decodeTextBody(headers, body, 0).replace(/\r\n/g, '\n').replace(/\n$/, ''),
  };
}

/** Splits a MIME entity into unfolded headers (lower-case names, first occurrence wins) and body. */
function splitEntity(entity: string): { headers: Map<string, string>; body: string } {
  const end = entity.indexOf('\r\n\r\n');
  const head = end === -1 ? entity : entity.slice(0, end);
  const body = end === -1 ? '' : entity.slice(end + 4);
  const headers = new Map<string, string>();
  // Unfolding (RFC 5322 §2.2.3): a line break followed by white space is removed.
  for (const line of head.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** `text/plain; charset="utf-8"` → type and lower-case parameter names. */
function parseContentType(value: string): { type: string; params: Map<string, string> } {
  const [type = '', ...rest] = value.split(';');
  const params = new Map<string, string>();
  for (const match of rest.join(';').matchAll(/([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)/g)) {
    const raw = match[2] ?? '';
    const unquoted = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    params.set((match[1] ?? '').toLowerCase(), unquoted);
  }
  return { type: type.trim().toLowerCase(), params };
}

/** The decoded text of a text/plain entity, or of the first text/plain part of a multipart one. */
function decodeTextBody(headers: Map<string, string>, body: string, depth: number): string {
  const { type, params } = parseContentType(headers.get('content-type') ?? 'text/plain; charset=us-ascii');
  if (type === 'text/plain') {
    const bytes = decodeTransfer(body, headers.get('content-transfer-encoding') ?? '7bit');
    return decodeCharset(bytes, params.get('charset') ?? 'us-ascii');
  }
  const boundary = params.get('boundary');
  if (type.startsWith('multipart/') && boundary !== undefined && depth < 3) {
    for (const part of multipartParts(body, boundary)) {
      const entity = splitEntity(part);
      const partType = parseContentType(entity.headers.get('content-type') ?? 'text/plain').type;
      if (partType === 'text/plain' || partType.startsWith('multipart/')) {
        return decodeTextBody(entity.headers, entity.body, depth + 1);
      }
    }
  }
  throw new Error(`test SMTP server: no text/plain body in a ${type} message`);
}

/** The parts between `--boundary` lines; the CRLF before each delimiter belongs to the delimiter. */
function multipartParts(body: string, boundary: string): string[] {
  const segments = `\r\n${body}`.split(`\r\n--${boundary}`);
  const parts: string[] = [];
  for (const segment of segments.slice(1)) {
    if (segment.startsWith('--')) break;
    const lineEnd = segment.indexOf('\r\n');
    parts.push(lineEnd === -1 ? '' : segment.slice(lineEnd + 2));
  }
  return parts;
}

function decodeTransfer(body: string, encoding: string): Buffer {
  switch (encoding.trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return Buffer.from(
        body
          .replace(/[ \t]+\r\n/g, '\r\n')
          .replace(/=\r\n/g, '')
          .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      );
    case '7bit':
    case '8bit':
    case 'binary':
      return Buffer.from(body, 'latin1');
    default:
      throw new Error(`test SMTP server: unsupported Content-Transfer-Encoding ${encoding}`);
  }
}

function decodeCharset(bytes: Buffer, charset: string): string {
  // us-ascii is decoded as UTF-8 so that a mislabelled 8bit body still reads right in a test failure.
  const label = charset.toLowerCase() === 'us-ascii' ? 'utf-8' : charset;
  return new TextDecoder(label).decode(bytes);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/** Decodes RFC 2047 encoded-words, joining adjacent ones whose bytes split a character between them. */
function decodeEncodedWords(value: string): string {
  let out = '';
  let pending: { charset: string; bytes: Buffer[] } | undefined;
  let last = 0;
  const flush = (): void => {
    if (pending) out += decodeCharset(Buffer.concat(pending.bytes), pending.charset);
    pending = undefined;
  };
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index);
    // White space between two encoded-words is not part of the text (RFC 2047 §6.2).
    if (pending === undefined || !/^\s*$/.test(between)) {
      flush();
      out += between;
    }
    // RFC 2231 allows a language after the charset: =?utf-8*en?Q?...?=
    const charset = (match[1] ?? '').split('*')[0]?.toLowerCase() ?? 'utf-8';
    if (pending !== undefined && pending.charset !== charset) flush();
    pending ??= { charset, bytes: [] };
    pending.bytes.push(decodeWord(match[2] ?? 'Q', match[3] ?? ''));
    last = match.index + match[0].length;
  }
  flush();
  return out + value.slice(last);
}

function decodeWord(encoding: string, text: string): Buffer {
  if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64');
  const latin1 = text
    .replace(/_/g, ' ')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(latin1, 'latin1');
}
