import type { SendMessageRequest, SendResult } from '@natter/protocol';

/** What `send` takes: a message without a txnId (one is chosen) or with one the app chose and kept. */
export type SendBody = Omit<SendMessageRequest, 'txnId'> & { readonly txnId?: string | undefined };

/** A message waiting for the server's acknowledgement, as an optimistic UI shows it. */
export interface PendingSend {
  readonly txnId: string;
  readonly roomId: string;
  readonly request: SendMessageRequest;
}

/** One send's bookkeeping: whether it is on the wire now, and how it ends. */
export interface OutboxEntry {
  readonly send: PendingSend;
  readonly promise: Promise<SendResult>;
  /** The socket it was sent on and has not been answered on yet; null when it waits to be sent. */
  sentOn: object | null;
  /** Set while waiting to retry after a retryable refusal (rate limit, server busy). */
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Retryable refusals so far, for the retry backoff. */
  attempts: number;
}

interface Settlers {
  resolve(result: SendResult): void;
  reject(error: Error): void;
}

/**
 * Sends not yet acknowledged, in the order they were made. A send leaves only through `resolve`
 * or `reject`, so its promise settles exactly once even when a retry and a late answer cross.
 */
export class Outbox {
  readonly #entries = new Map<string, OutboxEntry & Settlers>();

  /** Queues a send, or returns the queued one with the same txnId so a double call cannot send twice. */
  enqueue(roomId: string, body: SendBody, newTxnId: () => string): { entry: OutboxEntry; added: boolean } {
    const txnId = body.txnId ?? newTxnId();
    const existing = this.#entries.get(txnId);
    if (existing) return { entry: existing, added: false };
    const settlers = Promise.withResolvers<SendResult>();
    // The caller may drop the promise and follow the acked/failed events instead: never unhandled.
    settlers.promise.catch(() => undefined);
    const entry = {
      send: { txnId, roomId, request: { ...body, txnId } },
      promise: settlers.promise,
      sentOn: null,
      retryTimer: undefined,
      attempts: 0,
      resolve: settlers.resolve,
      reject: settlers.reject,
    };
    this.#entries.set(txnId, entry);
    return { entry, added: true };
  }

  /** Every pending send, oldest first. */
  get pending(): PendingSend[] {
    return [...this.#entries.values()].map((entry) => entry.send);
  }

  /** Sends to put on the wire now: neither in flight nor waiting for a retry, oldest first. */
  ready(): OutboxEntry[] {
    return [...this.#entries.values()].filter((entry) => entry.sentOn === null && entry.retryTimer === undefined);
  }

  /** After a drop: nothing is in flight any more, everything goes again on the next socket. */
  releaseAll(): void {
    for (const entry of this.#entries.values()) entry.sentOn = null;
  }

  /** Settles a send with its acknowledgement; false when it had already left the outbox. */
  resolve(txnId: string, result: SendResult): boolean {
    const entry = this.#take(txnId);
    entry?.resolve(result);
    return entry !== undefined;
  }

  /** Settles a send as failed; false when it had already left the outbox. */
  reject(txnId: string, error: Error): boolean {
    const entry = this.#take(txnId);
    entry?.reject(error);
    return entry !== undefined;
  }

  #take(txnId: string): (OutboxEntry & Settlers) | undefined {
    const entry = this.#entries.get(txnId);
    if (!entry) return undefined;
    clearTimeout(entry.retryTimer);
    this.#entries.delete(txnId);
    return entry;
  }
}
