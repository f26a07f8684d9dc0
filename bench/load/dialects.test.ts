import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { natterResultId } from './bench-client.ts';
import { natterDialect, natterEventSeq, socketIoDialect } from './dialects.ts';

const view = (text: string): [Buffer, number, number] => {
  const buffer = Buffer.from(`junk${text}junk`);
  return [buffer, 4, 4 + Buffer.byteLength(text)];
};

describe('dialects', () => {
  it("reads a Natter event's stream seq, not its message's, without parsing", () => {
    const frame = JSON.stringify({
      type: 'event',
      event: { stream: 'room', roomId: 'r', seq: 4711, type: 'message.created', data: { message: { seq: 4711 } } },
    });
    assert.equal(natterEventSeq(...view(frame)), 4711);
    assert.equal(natterDialect.kind(...view(frame)), 'delivery');
  });

  it('reads the id of a Natter result and classifies the other frames', () => {
    const result = JSON.stringify({ type: 'result', id: 42, data: { message: { id: 'x', seq: 7 } } });
    assert.equal(natterResultId(...view(result)), 42);
    assert.equal(natterDialect.kind(...view(result)), 'result');
    assert.equal(natterDialect.kind(...view('{"type":"error","id":1,"error":{}}')), 'error');
    assert.equal(natterDialect.kind(...view('{"type":"hello","protocol":1}')), 'handshake');
    assert.equal(natterDialect.kind(...view('{"type":"typing"}')), 'other');
  });

  it('tells Socket.IO events, pings, acks and handshake packets apart', () => {
    assert.equal(socketIoDialect.kind(...view('42["msg","r","~1.1.1~"]')), 'delivery');
    assert.equal(socketIoDialect.kind(...view('2')), 'ping');
    assert.equal(socketIoDialect.kind(...view('430[]')), 'result');
    assert.equal(socketIoDialect.kind(...view('0{"sid":"x"}')), 'handshake');
    assert.equal(socketIoDialect.kind(...view('40{"sid":"y"}')), 'handshake');
  });
});
