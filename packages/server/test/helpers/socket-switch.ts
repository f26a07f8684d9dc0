// Realtime plumbing for integration tests: polling, and sockets the test can cut or keep down.
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebSocketConstructor } from '@natter/client';
import { WebSocket as WsSocket } from 'ws';

/**
 * Polls `check` every few milliseconds until it holds; on timeout throws with `what`, and with
 * `explain()` when given (what the state was, so the failure can be read without a rerun).
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; what: string; explain?: () => string },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${options.what}${options.explain ? `\n${options.explain()}` : ''}`);
    }
    await sleep(5);
  }
}

/** Where a blocked connection is sent: nothing listens on port 1, so the attempt fails at once. */
const nowhere = 'ws://127.0.0.1:1/';

/**
 * A WebSocket class for RealtimeConnection (its `WebSocket` option) whose sockets the test controls.
 * `cut()` destroys the TCP connection without a closing handshake, as a dead network does (the
 * client sees 1006 and resumes); `block()` makes every new socket fail to connect until `unblock()`.
 * Built on `ws`, whose sockets expose `terminate()`; the global WebSocket has no abrupt close.
 */
export class SocketSwitch {
  readonly #open = new Set<WsSocket>();
  #blocked = false;
  /** Sockets opened so far, blocked attempts included. */
  attempts = 0;

  /** Pass this as RealtimeOptions.WebSocket. */
  readonly WebSocket: WebSocketConstructor;

  constructor() {
    const target = (url: string) => (this.#blocked ? nowhere : url);
    const opened = (socket: WsSocket) => {
      this.attempts += 1;
      this.#open.add(socket);
      // An 'error' with no listener would be thrown by the EventEmitter; the 'close' that follows
      // is what the SDK acts on.
      socket.on('error', () => undefined);
      socket.on('close', () => this.#open.delete(socket));
    };
    class SwitchedSocket extends WsSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(target(url), protocols);
        opened(this);
      }
    }
    this.WebSocket = SwitchedSocket as unknown as WebSocketConstructor;
  }

  /** Whether new sockets are kept from connecting. */
  get blocked(): boolean {
    return this.#blocked;
  }

  /** Destroys every open socket abruptly; returns how many there were. */
  cut(): number {
    const count = this.#open.size;
    for (const socket of this.#open) socket.terminate();
    return count;
  }

  /** Cuts the open sockets and keeps new ones from connecting. */
  block(): void {
    this.#blocked = true;
    this.cut();
  }

  /** Lets the next reconnect attempt through. */
  unblock(): void {
    this.#blocked = false;
  }
}
