import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closeCodes } from '@natter/protocol';
import { WebSocket } from 'ws';
import { startGateway } from './fakes.ts';
import { sleep, TestClient } from './test-client.ts';

describe('connection lifecycle', () => {
  it('pings every heartbeat and closes idleTimeout a client that stops answering', async () => {
    const t = await startGateway({ heartbeatSeconds: 0.1 });
    try {
      // Taken before the silent client connects: its last sign of life is no earlier than this.
      const started = Date.now();
      const silent = await TestClient.connect(t.url, t.auth.issue('ada'), { autoPong: false });
      const lively = await TestClient.connect(t.url, t.auth.issue('bob'));
      let pings = 0;
      lively.ws.on('ping', () => (pings += 1));
      assert.deepEqual(await silent.closed, { code: closeCodes.idleTimeout, reason: 'no pong: resume' });
      assert.ok(Date.now() - started >= 200);
      await sleep(200);
      assert.ok(pings >= 3, `${pings} pings`);
      assert.equal(lively.ws.readyState, WebSocket.OPEN);
    } finally {
      await t.close();
    }
  });

  it('counts connections and frames in its metrics', async () => {
    const t = await startGateway();
    try {
      const ada = await TestClient.connect(t.url, t.auth.issue('ada'));
      const bob = await TestClient.connect(t.url, t.auth.issue('bob'));
      await ada.call('echo');
      await ada.request('nope');
      assert.equal(t.gateway.connectionCount(), 2);
      assert.equal(await t.metric('natter_ws_connections'), 2);
      assert.equal(await t.metric('natter_ws_frames_in_total', { type: 'echo' }), 1);
      assert.equal(await t.metric('natter_ws_frames_in_total', { type: 'unknown' }), 1);
      assert.equal(await t.metric('natter_ws_frames_out_total', { type: 'hello' }), 2);
      await bob.close();
      await sleep(20);
      assert.equal(t.gateway.connectionCount(), 1);
      const text = await t.metrics.metrics();
      assert.doesNotMatch(text, /tok-/);
    } finally {
      await t.close();
    }
  });

  it('on close, tells every client to resume elsewhere, refuses new ones, and resolves when they are gone', async () => {
    const t = await startGateway();
    const clients = await Promise.all(['ada', 'bob', 'cy'].map((u) => TestClient.connect(t.url, t.auth.issue(u))));
    const unauthenticated = await TestClient.open(t.url);
    await t.gateway.close();
    assert.equal(t.gateway.connectionCount(), 0);
    for (const client of [...clients, unauthenticated]) {
      assert.deepEqual(await client.closed, { code: closeCodes.serverRestart, reason: 'server restarting: resume' });
    }
    assert.ok(t.busMessages.some((m) => m.kind === 'presence' && m.userId === 'ada' && !m.online));
    const late = new WebSocket(t.url, ['natter.v1.json']);
    const outcome = await new Promise<string>((resolve) => {
      late.on('open', () => {
        resolve('open');
      });
      late.on('error', () => {
        resolve('refused');
      });
    });
    assert.equal(outcome, 'refused');
    await t.close();
  });
});
