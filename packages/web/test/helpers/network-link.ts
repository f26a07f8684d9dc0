// A TCP relay in front of the server that a test can cut, as a dead network would.
//
// Why: Chromium's offline emulation (`context.setOffline(true)`, which Playwright drives through
// DevTools) fails new requests and new WebSocket handshakes, but a WebSocket that is already open
// stays open (playwright#4910; Chromium bug 423246): frames keep flowing, so the page never learns
// it is offline. A person whose browser talks to the server through this relay can be cut off for
// real: `cut()` destroys every TCP connection without a closing handshake (the page sees close code
// 1006, as when Wi-Fi drops) and refuses new ones until `restore()`. The relay listens on its own
// port, so each person behind one has their own origin; the server accepts a WebSocket whose Origin
// matches the Host it was opened on, which a raw relay leaves untouched.
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class NetworkLink {
  readonly #relay: Server;
  readonly #sockets = new Set<Socket>();
  #down = false;
  #url = '';

  private constructor(target: URL) {
    this.#relay = createServer((client) => {
      if (this.#down) {
        client.destroy();
        return;
      }
      const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
      this.#track(client);
      this.#track(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  /** Opens a relay to the server at `target` (an http://host:port URL). */
  static async open(target: string): Promise<NetworkLink> {
    const link = new NetworkLink(new URL(target));
    link.#relay.listen(0, '127.0.0.1');
    await once(link.#relay, 'listening');
    const address = link.#relay.address();
    if (address === null || typeof address === 'string') throw new Error('the relay has no port');
    link.#url = `http://127.0.0.1:${address.port}`;
    return link;
  }

  /** The server's address as seen through the relay: http://127.0.0.1:<relay port>. */
  get url(): string {
    return this.#url;
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
  }

  /** Connections open right now (each browser connection counts twice: both ends). */
  get open(): number {
    return this.#sockets.size;
  }

  /** Destroys every connection and refuses new ones. */
  cut(): void {
    this.#down = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Accepts connections again. */
  restore(): void {
    this.#down = false;
  }

  async close(): Promise<void> {
    this.cut();
    this.#relay.close();
    await once(this.#relay, 'close');
  }
}
