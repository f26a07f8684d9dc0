import type { ClientFrame, SendResult } from '@natter/protocol';
import { NatterApiError, NatterNetworkError } from '../errors.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import type { RealtimeEvents } from './connection-types.ts';
import type { Emitter } from './emitter.ts';
import type { Link } from './link.ts';
import { Outbox, type OutboxEntry, type PendingSend, type SendBody } from './outbox.ts';

/** Refusals that say "later", not "never"; the retry keeps the txnId, so it cannot double the message. */
const retryableSendCodes: readonly string[] = ['rate_limited', 'conflict', 'service_unavailable', 'internal_error'];

function retryAfterMs(error: NatterApiError): number | undefined {
  const details = error.details as { retryAfterSeconds?: unknown } | undefined;
  return typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds * 1000 : undefined;
}

/** What the sender needs from its connection. */
export interface SenderHost {
  readonly emitter: Emitter<RealtimeEvents>;
  readonly backoff: BackoffOptions;
  /** The socket to send on when the connection is live; null otherwise. */
  liveLink(): Link | null;
  /** Calls an op on one socket; rejects with NatterNetworkError if that socket drops first. */
  callOn(link: Link, op: string, input: ClientFrame['input']): Promise<unknown>;
}

/**
 * Sends messages through the outbox. A send goes on the wire only while the connection is live,
 * so after a reconnect the older unacknowledged sends go first, in their original order, each with
 * its original txnId: the server answers a repeated txnId with the original message.
 */
export class Sender {
  readonly #host: SenderHost;
  readonly #outbox = new Outbox();

  constructor(host: SenderHost) {
    this.#host = host;
  }

  /** Every unacknowledged send, oldest first. */
  get pending(): PendingSend[] {
    return this.#outbox.pending;
  }

  /** Queues a send (or joins the queued one with the same txnId) and sends it if live. */
  send(roomId: string, body: SendBody): Promise<SendResult> {
    const { entry, added } = this.#outbox.enqueue(roomId, body, () => crypto.randomUUID());
    if (added) {
      this.#host.emitter.emit('pending', entry.send);
      const link = this.#host.liveLink();
      if (link) this.#transmit(entry, link);
    }
    return entry.promise;
  }

  /** The connection went live: sends every waiting entry, oldest first. */
  flush(link: Link): void {
    for (const entry of this.#outbox.ready()) this.#transmit(entry, link);
  }

  /** The socket dropped: whatever was in flight is sent again on the next one. */
  release(): void {
    this.#outbox.releaseAll();
  }

  /** The connection ended: every waiting send fails. */
  failAll(message: string): void {
    for (const send of this.#outbox.pending) {
      const error = new NatterNetworkError(`Not acknowledged before the connection ended: ${message}`, null);
      if (this.#outbox.reject(send.txnId, error)) this.#host.emitter.emit('failed', { send, error });
    }
  }

  #transmit(entry: OutboxEntry, link: Link): void {
    entry.sentOn = link;
    const { roomId, request, txnId } = entry.send;
    this.#host.callOn(link, 'sendMessage', { params: { roomId }, body: request }).then(
      (data) => {
        const result = data as SendResult;
        if (this.#outbox.resolve(txnId, result)) this.#host.emitter.emit('acked', { send: entry.send, result });
      },
      (error: unknown) => {
        this.#refused(entry, link, error);
      },
    );
  }

  #refused(entry: OutboxEntry, link: Link, error: unknown): void {
    if (entry.sentOn === link) entry.sentOn = null;
    // The socket dropped: the send stays in the outbox and goes again after the reconnect.
    if (error instanceof NatterNetworkError) return;
    if (error instanceof NatterApiError && retryableSendCodes.includes(error.code)) {
      const delay = retryAfterMs(error) ?? backoffDelay(entry.attempts++, this.#host.backoff);
      entry.retryTimer = setTimeout(() => {
        entry.retryTimer = undefined;
        const live = this.#host.liveLink();
        if (live) this.#transmit(entry, live);
      }, delay);
      return;
    }
    const failure = error instanceof Error ? error : new Error(String(error));
    if (this.#outbox.reject(entry.send.txnId, failure)) {
      this.#host.emitter.emit('failed', { send: entry.send, error: failure });
    }
  }
}
