import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { fail } from '../app-error.ts';

/** What a valid access token says. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
}

/** A verified token's claims and when it stops being accepted (epoch ms). */
export interface VerifiedAccess extends AccessClaims {
  expiresAt: number;
}

const audience = 'natter';
const tokenType = 'access';
/** The header we issue; others are parsed and must say the same. */
const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/**
 * Signs and checks access tokens: HS256 JWTs (RFC 7519) with audience, issuer, type and expiry
 * checked. They carry only the user and session ids; role and revocation are read from storage on
 * every request, so a revoked session or a demoted admin takes effect at once.
 *
 * Done here with node:crypto rather than a JOSE library because verification is on the hot path
 * of every connection: WebCrypto's HMAC runs as an async job on the thread pool, and during a
 * reconnect storm of 10,000 clients those jobs were the largest item in the server's profile. A
 * synchronous HMAC is a few microseconds. Only one algorithm exists here, and the signature is
 * checked before anything else is read, so `alg: none` and algorithm confusion have nothing to
 * work with.
 */
export class AccessTokens {
  readonly #key: Buffer;
  readonly #ttlSeconds: number;
  readonly #issuer: string;

  constructor(options: { secret: string; ttlSeconds: number; issuer: string }) {
    this.#key = Buffer.from(options.secret, 'utf8');
    this.#ttlSeconds = options.ttlSeconds;
    this.#issuer = options.issuer;
  }

  /** Issues a token for a session; returns it with its expiry in epoch ms. */
  issue(claims: AccessClaims, now: number): Promise<{ token: string; expiresAt: number }> {
    const iat = Math.floor(now / 1000);
    const exp = iat + this.#ttlSeconds;
    const payload = base64url(
      JSON.stringify({
        sid: claims.sessionId,
        typ: tokenType,
        sub: claims.userId,
        aud: audience,
        iss: this.#issuer,
        iat,
        jti: randomUUID(),
        exp,
      }),
    );
    const signed = `${header}.${payload}`;
    return Promise.resolve({ token: `${signed}.${this.#sign(signed)}`, expiresAt: exp * 1000 });
  }

  /** Verifies a token at `now`; throws token_expired or unauthenticated. */
  verify(token: string, now: number): Promise<VerifiedAccess> {
    return new Promise((resolve) => {
      resolve(this.#verify(token, now));
    });
  }

  #verify(token: string, now: number): VerifiedAccess {
    const invalid = () => fail('unauthenticated', 'The access token is not valid.');
    const parts = token.split('.');
    if (parts.length !== 3) throw invalid();
    const [head, body, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.#sign(`${head}.${body}`), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    // Compared in constant time, and only a canonical encoding counts.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    if (given.toString('base64url') !== signature || !headerOk(head)) throw invalid();
    const claims = parseObject(body);
    if (claims === undefined) throw invalid();
    const aud = claims.aud;
    const audienceOk = aud === audience || (Array.isArray(aud) && aud.includes(audience));
    const { sub, sid, typ, iss, exp, iat, nbf } = claims;
    if (typeof exp !== 'number' || typeof iat !== 'number' || typeof sub !== 'string') throw invalid();
    if (!audienceOk || iss !== this.#issuer || (nbf !== undefined && typeof nbf !== 'number')) throw invalid();
    const nowSeconds = Math.floor(now / 1000);
    if (typeof nbf === 'number' && nbf > nowSeconds) throw invalid();
    if (exp <= nowSeconds) throw fail('token_expired', 'The access token has expired; refresh it.');
    if (typ !== tokenType || typeof sid !== 'string') throw fail('unauthenticated', 'This is not an access token.');
    return { userId: sub, sessionId: sid, expiresAt: exp * 1000 };
  }

  #sign(input: string): string {
    return createHmac('sha256', this.#key).update(input).digest('base64url');
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** HS256, typed JWT or untyped, and nothing critical we would have to understand (RFC 7515 4.1.11). */
function headerOk(head: string): boolean {
  if (head === header) return true;
  const fields = parseObject(head);
  return (
    fields !== undefined &&
    fields.alg === 'HS256' &&
    (fields.typ === undefined || fields.typ === 'JWT') &&
    fields.crit === undefined
  );
}

/** A base64url segment's JSON object, or undefined when it is not one. */
function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A new opaque secret with 256 random bits, URL-safe. Used for refresh and reset tokens. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The stored form of an opaque token. A fast hash is right here (unlike passwords): the tokens
 * have 256 random bits, so there is nothing to guess, and a database leak reveals no usable token.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
