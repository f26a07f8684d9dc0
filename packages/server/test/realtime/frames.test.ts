import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeCodes } from '@natter/protocol';
import { WebSocket } from 'ws';
import { startGateway, type TestGateway } from './fakes.ts';
import { frameOf, TestClient } from './test-client.ts';

describe('client frames', () => {
  let t: TestGateway;
  let client: TestClient;
  before(async () => {
    t = await startGateway({ framesPerSecond: 5 });
  });
  after(async () => {
    await t.close();
  });

  it('answers each frame with a result or an error carrying its id', async () => {
    client = await TestClient.connect(t.url, t.auth.issue('ada'));
    assert.deepEqual(await client.request('echo', { params: { a: 1 }, body: { b: [2] } }), {
      type: 'result',
      id: 1,
      data: { input: { params: { a: 1 }, body: { b: [2] } }, userId: 'ada' },
    });
    assert.deepEqual(await client.request('fail'), {
      type: 'error',
      id: 2,
      error: { code: 'forbidden', message: 'Not for you.' },
    });
    const boom = frameOf(await client.request('boom'), 'error');
    assert.equal(boom.error.code, 'internal_error');
    assert.doesNotMatch(boom.error.message, /secret internals/);
  });

  it('answers an unknown op with not_found and stays open', async () => {
    assert.deepEqual(await client.request('no.such.op'), {
      type: 'error',
      id: 4,
      error: { code: 'not_found', message: 'No such operation.' },
    });
    assert.equal((await client.request('ping')).type, 'result');
  });

  it('answers an unreadable frame with id null and stays open', async () => {
    client = await TestClient.connect(t.url, t.auth.issue('ada')); // a fresh frame budget
    client.ws.send('{not json');
    assert.deepEqual(await client.take(), {
      type: 'error',
      id: null,
      error: { code: 'invalid_json', message: 'The frame is not valid JSON.' },
    });
    client.send({ id: 'q', op: 7 });
    const malformed = frameOf(await client.take(), 'error');
    assert.equal(malformed.id, 'q');
    assert.equal(malformed.error.code, 'validation_failed');
    assert.deepEqual(malformed.error.details, { problems: [{ path: 'frame/op', message: 'must be string' }] });
    client.send([1, 2]);
    const array = await client.take();
    assert.equal(array.type === 'error' && array.id, null);
    const badBody = await client.request('presence.watch', { body: { userIds: 'ada' } });
    assert.equal(badBody.type === 'error' && badBody.error.code, 'validation_failed');
    assert.equal(client.ws.readyState, WebSocket.OPEN);
  });

  it('answers frames over the budget with rate_limited, then closes a client that keeps flooding', async () => {
    client = await TestClient.connect(t.url, t.auth.issue('ada')); // a full bucket: 10 frames
    for (let i = 0; i < 12; i++) client.send({ id: `f${i}`, op: 'ping' });
    for (let i = 0; i < 10; i++) assert.equal((await client.take()).type, 'result');
    const limited = frameOf(await client.take(), 'error');
    assert.equal(limited.id, 'f10');
    assert.deepEqual(limited.error, {
      code: 'rate_limited',
      message: 'Too many frames; slow down.',
      details: { retryAfterSeconds: 1 },
    });
    assert.equal(client.ws.readyState, WebSocket.OPEN);
    for (let i = 0; i < 40; i++) client.send({ id: `g${i}`, op: 'ping' });
    assert.equal((await client.closed).code, closeCodes.policyViolation);
    assert.ok((await t.metric('natter_ws_frames_in_total', { type: 'rate_limited' })) >= 10);
  });

  it('closes a client that keeps sending unreadable frames', async () => {
    const abuser = await TestClient.connect(t.url, t.auth.issue('eve'));
    for (let i = 0; i < 30; i++) abuser.ws.send('garbage');
    assert.equal((await abuser.closed).code, closeCodes.policyViolation);
  });

  it('refuses a frame over maxFrameBytes by closing with 1009 (ws)', async () => {
    const big = await TestClient.connect(t.url, t.auth.issue('big'));
    big.send({ id: 1, op: 'echo', input: { body: 'x'.repeat(70 * 1024) } });
    assert.equal((await big.closed).code, 1009);
  });
});

describe('msgpack end to end', () => {
  let t: TestGateway;
  before(async () => {
    t = await startGateway();
  });
  after(async () => {
    await t.close();
  });

  it('speaks MessagePack both ways: hello, results, errors, events', async () => {
    const client = await TestClient.open(t.url, { encoding: 'msgpack', token: t.auth.issue('ada') });
    assert.equal(client.ws.protocol, 'natter.v1.msgpack');
    assert.equal((await client.take()).type, 'hello');
    const binary = await new Promise<boolean>((resolve) => {
      client.ws.once('message', (_data, isBinary) => {
        resolve(isBinary);
      });
      client.send({ id: 1, op: 'echo', input: { body: { n: 1 } } });
    });
    assert.equal(binary, true);
    assert.deepEqual(await client.take(), {
      type: 'result',
      id: 1,
      data: { input: { body: { n: 1 } }, userId: 'ada' },
    });
    client.ws.send(Buffer.from([0xd4, 0x01, 0x01])); // an extension type nobody defined
    assert.deepEqual(await client.take(), {
      type: 'error',
      id: null,
      error: { code: 'bad_request', message: 'The frame is not valid MessagePack.' },
    });
    t.log.join('ada', 'r1');
    await client.sync();
    const message = t.log.message('r1', 'bob', 'hi');
    t.publish(message);
    assert.deepEqual(await client.events(1), [t.log.wire(message)]);
    await client.close();
  });
});
