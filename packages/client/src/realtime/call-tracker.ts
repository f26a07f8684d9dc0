import { errorCodes, isErrorCode, type ClientFrame, type ErrorFrame, type ResultFrame } from '@natter/protocol';
import { NatterApiError, NatterNetworkError } from '../errors.ts';

interface Call {
  readonly op: string;
  readonly input: ClientFrame['input'];
  readonly resolve: (data: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly cleanup: () => void;
}

/** The error a server error frame stands for, with the HTTP status the same code has on REST. */
export function errorFromFrame(frame: ErrorFrame): NatterApiError {
  const { code, message, details } = frame.error;
  return new NatterApiError({ code, message, details, status: isErrorCode(code) ? errorCodes[code].status : 0 });
}

/**
 * Calls waiting for a socket and calls on the wire, matched to their answers by frame id. Ids
 * are never reused within a connection, so a late answer from a dropped socket cannot be taken
 * for the answer to a newer call.
 */
export class CallTracker {
  #nextId = 1;
  #queued: Call[] = [];
  readonly #inFlight = new Map<number, Call>();

  /** A new call, queued until `flush`; an aborted signal rejects it with its reason. */
  add(op: string, input: ClientFrame['input'], signal?: AbortSignal): Promise<unknown> {
    signal?.throwIfAborted();
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    const onAbort = () => {
      this.#forget(call);
      reject(signal?.reason);
    };
    const call: Call = { op, input, resolve, reject, cleanup: () => signal?.removeEventListener('abort', onAbort) };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#queued.push(call);
    return promise;
  }

  /** Puts every queued call on the wire through `write`, oldest first. */
  flush(write: (frame: ClientFrame) => void): void {
    const calls = this.#queued;
    this.#queued = [];
    for (const call of calls) {
      const id = this.#nextId++;
      this.#inFlight.set(id, call);
      try {
        write(call.input === undefined ? { id, op: call.op } : { id, op: call.op, input: call.input });
      } catch (error) {
        // Unencodable input, or a socket that refuses to send: this call fails, the others go on.
        this.#inFlight.delete(id);
        call.cleanup();
        call.reject(error);
      }
    }
  }

  /** Settles the call a result or error frame answers; false when no call waits for that id. */
  settle(frame: ResultFrame | ErrorFrame): boolean {
    if (typeof frame.id !== 'number') return false;
    const call = this.#inFlight.get(frame.id);
    if (!call) return false;
    this.#inFlight.delete(frame.id);
    call.cleanup();
    if (frame.type === 'result') call.resolve(frame.data);
    else call.reject(errorFromFrame(frame));
    return true;
  }

  /** The socket dropped: calls on it may or may not have run, so they fail; queued calls wait for the next one. */
  dropInFlight(reason: string): void {
    const calls = [...this.#inFlight.values()];
    this.#inFlight.clear();
    for (const call of calls) {
      call.cleanup();
      call.reject(new NatterNetworkError(`${call.op}: the connection dropped before the answer (${reason})`, null));
    }
  }

  /** The connection ended: every call fails. */
  rejectAll(reason: string): void {
    this.dropInFlight(reason);
    const calls = this.#queued;
    this.#queued = [];
    for (const call of calls) {
      call.cleanup();
      call.reject(new NatterNetworkError(`${call.op}: the connection ended (${reason})`, null));
    }
  }

  #forget(call: Call): void {
    call.cleanup();
    this.#queued = this.#queued.filter((queued) => queued !== call);
    for (const [id, inFlight] of this.#inFlight) if (inFlight === call) this.#inFlight.delete(id);
  }
}

/**
 * Runs a call again when the server says it came too fast (`rate_limited`), after the wait it
 * names, a few times at most: a sync refused for pace should wait, not cost the socket.
 */
export async function retryRateLimited<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !(error instanceof NatterApiError) || error.code !== 'rate_limited') throw error;
      const details = error.details as { retryAfterSeconds?: unknown } | undefined;
      const seconds = typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds : 1;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
  }
}
