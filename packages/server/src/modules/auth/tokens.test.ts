import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { AppError } from '../app-error.ts';
import { AccessTokens } from './tokens.ts';

// The tokens are made and checked with node:crypto; jose, an independent implementation of the
// same RFCs, checks ours and makes the ones we must accept or refuse.
const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const key = new TextEncoder().encode(secret);
const issuer = 'http://natter.test';
const tokens = new AccessTokens({ secret, ttlSeconds: 900, issuer });
const now = Date.UTC(2026, 11, 6, 12, 0, 0);
const nowSeconds = now / 1000;

function joseToken(
  options: {
    alg?: string;
    key?: Uint8Array;
    aud?: string;
    iss?: string;
    exp?: number;
    typ?: string;
    nbf?: number;
  } = {},
): Promise<string> {
  const jwt = new SignJWT({ sid: 'session-1', typ: options.typ ?? 'access' })
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setSubject('user-1')
    .setAudience(options.aud ?? 'natter')
    .setIssuer(options.iss ?? issuer)
    .setIssuedAt(nowSeconds - 10)
    .setExpirationTime(options.exp ?? nowSeconds + 60);
  if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
  return jwt.sign(options.key ?? key);
}

async function refusal(token: string): Promise<string> {
  try {
    await tokens.verify(token, now);
  } catch (error) {
    assert.ok(error instanceof AppError);
    return error.code;
  }
  assert.fail('the token was accepted');
}

describe('access tokens', () => {
  it('issues HS256 JWTs that a JOSE library verifies, with the claims it promises', async () => {
    const { token, expiresAt } = await tokens.issue({ userId: 'user-1', sessionId: 'session-1' }, now);
    const { payload, protectedHeader } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      audience: 'natter',
      issuer,
      currentDate: new Date(now),
    });
    assert.deepEqual(protectedHeader, { alg: 'HS256', typ: 'JWT' });
    assert.equal(payload.sub, 'user-1');
    assert.equal(payload.sid, 'session-1');
    assert.equal(payload.typ, 'access');
    assert.equal(payload.exp, nowSeconds + 900);
    assert.equal(expiresAt, now + 900_000);
    assert.deepEqual(await tokens.verify(token, now), { userId: 'user-1', sessionId: 'session-1', expiresAt });
  });

  it('accepts a token signed elsewhere with the same key and claims', async () => {
    const verified = await tokens.verify(await joseToken(), now);
    assert.deepEqual(verified, { userId: 'user-1', sessionId: 'session-1', expiresAt: (nowSeconds + 60) * 1000 });
  });

  it('refuses other keys, algorithms, audiences, issuers and token types', async () => {
    assert.equal(
      await refusal(await joseToken({ key: new TextEncoder().encode('another-key-long-enough-0000') })),
      'unauthenticated',
    );
    assert.equal(await refusal(await joseToken({ alg: 'HS512' })), 'unauthenticated');
    assert.equal(await refusal(await joseToken({ aud: 'elsewhere' })), 'unauthenticated');
    assert.equal(await refusal(await joseToken({ iss: 'http://evil.test' })), 'unauthenticated');
    assert.equal(await refusal(await joseToken({ typ: 'refresh' })), 'unauthenticated');
    assert.equal(await refusal(await joseToken({ nbf: nowSeconds + 30 })), 'unauthenticated');
    const unsigned = new UnsecuredJWT({ sid: 'session-1', typ: 'access' })
      .setSubject('user-1')
      .setAudience('natter')
      .setIssuer(issuer)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + 60)
      .encode();
    assert.equal(await refusal(unsigned), 'unauthenticated');
  });

  it('says token_expired at and after the expiry second', async () => {
    const token = await joseToken({ exp: nowSeconds });
    assert.equal(await refusal(token), 'token_expired');
    assert.equal((await tokens.verify(token, now - 1000)).userId, 'user-1');
  });

  it('refuses tampering with any part, and malformed tokens', async () => {
    const { token } = await tokens.issue({ userId: 'user-1', sessionId: 'session-1' }, now);
    const [head, body, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'user-2' })).toString('base64url');
    assert.equal(await refusal(`${head}.${forged}.${signature}`), 'unauthenticated');
    const noneHead = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    assert.equal(await refusal(`${noneHead}.${body}.${signature}`), 'unauthenticated');
    assert.equal(await refusal(`${head}.${body}.`), 'unauthenticated');
    // The same signature bytes written differently (a padding character) are not our token.
    assert.equal(await refusal(`${head}.${body}.${signature}=`), 'unauthenticated');
    for (const bad of ['', 'garbage', 'a.b.c', 'e30.e30.', `${token}.x`, 'x'.repeat(4000)]) {
      assert.equal(await refusal(bad), 'unauthenticated', bad.slice(0, 20));
    }
  });

  it('refuses a signed payload that is not a claims object', async () => {
    const sign = (payload: string) => {
      const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(payload).toString('base64url');
      return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
    };
    for (const payload of ['[]', 'null', '"text"', '{not json', '{"sub":"user-1"}']) {
      assert.equal(await refusal(sign(payload)), 'unauthenticated', payload);
    }
  });
});
