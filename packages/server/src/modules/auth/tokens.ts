import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
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

/**
 * Signs and checks access tokens: HS256 JWTs, algorithm allow-listed, with audience, type and
 * expiry checked. They carry only the user and session ids; role and revocation are read from
 * storage on every request, so a revoked session or a demoted admin takes effect at once.
 */
export class AccessTokens {
  readonly #key: Uint8Array;
  readonly #ttlSeconds: number;
  readonly #issuer: string;

  constructor(options: { secret: string; ttlSeconds: number; issuer: string }) {
    this.#key = new TextEncoder().encode(options.secret);
    this.#ttlSeconds = options.ttlSeconds;
    this.#issuer = options.issuer;
  }

  /** Issues a token for a session; returns it with its expiry in epoch ms. */
  async issue(claims: AccessClaims, now: number): Promise<{ token: string; expiresAt: number }> {
    const iat = Math.floor(now / 1000);
    const exp = iat + this.#ttlSeconds;
    const token = await new SignJWT({ sid: claims.sessionId, typ: tokenType })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setAudience(audience)
      .setIssuer(this.#issuer)
      .setIssuedAt(iat)
      .setJti(randomUUID())
      .setExpirationTime(exp)
      .sign(this.#key);
    return { token, expiresAt: exp * 1000 };
  }

  /** Verifies a token at `now`; throws token_expired or unauthenticated. */
  async verify(token: string, now: number): Promise<VerifiedAccess> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        audience,
        issuer: this.#issuer,
        currentDate: new Date(now),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (payload.typ !== tokenType || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') {
        throw fail('unauthenticated', 'This is not an access token.');
      }
      return { userId: payload.sub, sessionId: payload.sid, expiresAt: (payload.exp ?? 0) * 1000 };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw fail('token_expired', 'The access token has expired; refresh it.');
      if (error instanceof errors.JOSEError) throw fail('unauthenticated', 'The access token is not valid.');
      throw error;
    }
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
