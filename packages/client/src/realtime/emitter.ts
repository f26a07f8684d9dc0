/** A handler of one event whose payload type `T` the event map fixes. */
export type Handler<T> = (payload: T) => void;

/**
 * A minimal typed event emitter that runs in browsers and Node alike. A handler that throws does
 * not stop the others or the connection; its error is rethrown on a fresh task so it still
 * reaches the runtime's error reporting instead of being swallowed.
 */
export class Emitter<Events extends object> {
  readonly #handlers = new Map<keyof Events, Set<Handler<never>>>();

  /** Calls `handler` for every `name` event until the returned function is called. */
  on<K extends keyof Events>(name: K, handler: Handler<Events[K]>): () => void {
    let set = this.#handlers.get(name);
    if (!set) {
      set = new Set();
      this.#handlers.set(name, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  /** Calls every handler of `name` with `payload`, in the order they were added. */
  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const set = this.#handlers.get(name) as Set<Handler<Events[K]>> | undefined;
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(payload);
      } catch (error) {
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }
}
